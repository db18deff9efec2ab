/**
 * Plain-language reasons of bundle verification, in French (default), Dutch and English.
 *
 * Every finding carries a stable `code` (the message key, also used by the web pages' i18n as `bundle.<code>`), its
 * severity, the parameters, and the English text. `findingText` renders it in any of the three languages. Pure.
 */
import { REVOCATION_REASONS, type RevocationReason } from "../hashing";

/** Languages of user-facing text, French first. */
export const LOCALES = ["fr", "nl", "en"] as const;
/** A language. */
export type Locale = (typeof LOCALES)[number];

/** How bad a finding is: `fail` makes the bundle fail, `warn` is shown but does not. */
export type Severity = "fail" | "warn";

interface MessageDefinition {
  severity: Severity;
  en: string;
  fr: string;
  nl: string;
  /** The sentence used instead when the finding has a `reason` parameter. */
  withReason?: { en: string; fr: string; nl: string };
}

/** Every reason verification can give, by code. Placeholders in braces are filled from the finding's params. */
export const BUNDLE_MESSAGES = {
  "chain.mismatch": {
    severity: "fail",
    en: "The bundle was made for chain {expectedChainId} (lot registry {expectedLotRegistry}), but the node is chain {chainId} (lot registry {lotRegistry}).",
    fr: "Le paquet a été établi pour la chaîne {expectedChainId} (registre des lots {expectedLotRegistry}), mais le nœud est la chaîne {chainId} (registre des lots {lotRegistry}).",
    nl: "De bundel is gemaakt voor keten {expectedChainId} (lotregister {expectedLotRegistry}), maar de node is keten {chainId} (lotregister {lotRegistry}).",
  },
  "subject.not-disclosed": {
    severity: "fail",
    en: "The bundle does not disclose the lot it is about ({lotId}).",
    fr: "Le paquet ne divulgue pas le lot dont il traite ({lotId}).",
    nl: "De bundel maakt het lot waarover hij gaat niet bekend ({lotId}).",
  },
  "lot.duplicate": {
    severity: "fail",
    en: "Lot {lotId} is disclosed more than once.",
    fr: "Le lot {lotId} est divulgué plusieurs fois.",
    nl: "Lot {lotId} wordt meer dan eens bekendgemaakt.",
  },
  "lot.id-mismatch": {
    severity: "fail",
    en: "The record disclosed for lot {lotId} is the record of another lot ({recordLotId}).",
    fr: "La fiche divulguée pour le lot {lotId} est celle d'un autre lot ({recordLotId}).",
    nl: "De fiche die voor lot {lotId} wordt bekendgemaakt, is die van een ander lot ({recordLotId}).",
  },
  "lot.not-on-chain": {
    severity: "fail",
    en: "Lot {lotId} was never registered on the chain.",
    fr: "Le lot {lotId} n'a jamais été enregistré sur la chaîne.",
    nl: "Lot {lotId} is nooit op de keten geregistreerd.",
  },
  "lot.version-unknown": {
    severity: "fail",
    en: "Version {version} of lot {lotId} does not exist on the chain (latest version: {versions}).",
    fr: "La version {version} du lot {lotId} n'existe pas sur la chaîne (dernière version : {versions}).",
    nl: "Versie {version} van lot {lotId} bestaat niet op de keten (laatste versie: {versions}).",
  },
  "lot.commitment-mismatch": {
    severity: "fail",
    en: "The record and salt disclosed for lot {lotId} do not match what its owner registered on the chain (version {version}): the record or the salt was altered.",
    fr: "La fiche et le sel divulgués pour le lot {lotId} ne correspondent pas à ce que son propriétaire a enregistré sur la chaîne (version {version}) : la fiche ou le sel a été modifié.",
    nl: "De fiche en het zout die voor lot {lotId} worden bekendgemaakt, komen niet overeen met wat de eigenaar op de keten registreerde (versie {version}): de fiche of het zout is gewijzigd.",
  },
  "lot.superseded": {
    severity: "warn",
    en: "Lot {lotId} was amended since: the chain holds version {versions}, the bundle discloses version {version}.",
    fr: "Le lot {lotId} a été modifié depuis : la chaîne contient la version {versions}, le paquet divulgue la version {version}.",
    nl: "Lot {lotId} is sindsdien gewijzigd: de keten bevat versie {versions}, de bundel maakt versie {version} bekend.",
  },
  "lot.owner-mismatch": {
    severity: "fail",
    en: "The record of lot {lotId} names owner {recordOwner}, but on the chain the lot belongs to {chainOwner}.",
    fr: "La fiche du lot {lotId} indique le propriétaire {recordOwner}, mais sur la chaîne le lot appartient à {chainOwner}.",
    nl: "De fiche van lot {lotId} noemt eigenaar {recordOwner}, maar op de keten behoort het lot toe aan {chainOwner}.",
  },
  "lot.flagged": {
    severity: "fail",
    en: "Lot {lotId} is flagged on the chain (recall or dispute): {reason}.",
    fr: "Le lot {lotId} est signalé sur la chaîne (rappel ou litige) : {reason}.",
    nl: "Lot {lotId} is op de keten gemarkeerd (terugroeping of geschil): {reason}.",
  },
  "lot.signature-invalid": {
    severity: "fail",
    en: "The owner's signature on lot {lotId} is not valid for this record: the signature was altered or made for something else.",
    fr: "La signature du propriétaire sur le lot {lotId} n'est pas valable pour cette fiche : la signature a été modifiée ou faite pour autre chose.",
    nl: "De handtekening van de eigenaar op lot {lotId} is niet geldig voor deze fiche: de handtekening is gewijzigd of voor iets anders gezet.",
  },
  "lot.signer-mismatch": {
    severity: "fail",
    en: "Version {version} of lot {lotId} was registered by key {chainSigner}, not by the disclosed signer {signer}.",
    fr: "La version {version} du lot {lotId} a été enregistrée par la clé {chainSigner}, pas par le signataire divulgué {signer}.",
    nl: "Versie {version} van lot {lotId} is geregistreerd door sleutel {chainSigner}, niet door de bekendgemaakte ondertekenaar {signer}.",
  },
  "lot.key-not-valid": {
    severity: "fail",
    en: "The key {signer} that registered lot {lotId} was not valid at the time ({keyStatus}).",
    fr: "La clé {signer} qui a enregistré le lot {lotId} n'était pas valable à ce moment ({keyStatus}).",
    nl: "De sleutel {signer} die lot {lotId} registreerde, was op dat moment niet geldig ({keyStatus}).",
  },
  "lot.key-wrong-organisation": {
    severity: "fail",
    en: "The key {signer} that registered lot {lotId} belongs to organisation {keyOrg}, not to the owner {owner}.",
    fr: "La clé {signer} qui a enregistré le lot {lotId} appartient à l'organisation {keyOrg}, pas au propriétaire {owner}.",
    nl: "De sleutel {signer} die lot {lotId} registreerde, behoort toe aan organisatie {keyOrg}, niet aan de eigenaar {owner}.",
  },
  "lot.unlinked": {
    severity: "warn",
    en: "Lot {lotId} is disclosed but is not upstream of the lot the bundle is about.",
    fr: "Le lot {lotId} est divulgué mais ne se trouve pas en amont du lot dont traite le paquet.",
    nl: "Lot {lotId} wordt bekendgemaakt maar ligt niet stroomopwaarts van het lot waarover de bundel gaat.",
  },
  "lot.overdrawn": {
    severity: "fail",
    en: "The disclosed lots take {taken} {unit} in total from lot {lotId}, which only held {quantity} {unit}.",
    fr: "Les lots divulgués prélèvent au total {taken} {unit} du lot {lotId}, qui ne contenait que {quantity} {unit}.",
    nl: "De bekendgemaakte loten nemen in totaal {taken} {unit} uit lot {lotId}, dat maar {quantity} {unit} bevatte.",
  },
  "link.parent-not-disclosed": {
    severity: "warn",
    en: "Parent lot {parentLotId} of lot {lotId} is not disclosed; this link cannot be checked.",
    fr: "Le lot parent {parentLotId} du lot {lotId} n'est pas divulgué ; ce lien ne peut pas être vérifié.",
    nl: "Ouderlot {parentLotId} van lot {lotId} wordt niet bekendgemaakt; deze schakel kan niet worden gecontroleerd.",
  },
  "link.unit-mismatch": {
    severity: "fail",
    en: "Lot {lotId} takes {quantity} {unit} from parent lot {parentLotId}, which is counted in {parentUnit}.",
    fr: "Le lot {lotId} prélève {quantity} {unit} du lot parent {parentLotId}, qui est compté en {parentUnit}.",
    nl: "Lot {lotId} neemt {quantity} {unit} uit ouderlot {parentLotId}, dat in {parentUnit} wordt geteld.",
  },
  "link.exceeds-parent": {
    severity: "fail",
    en: "Lot {lotId} takes {quantity} {unit} from parent lot {parentLotId}, which only held {parentQuantity} {unit}.",
    fr: "Le lot {lotId} prélève {quantity} {unit} du lot parent {parentLotId}, qui ne contenait que {parentQuantity} {unit}.",
    nl: "Lot {lotId} neemt {quantity} {unit} uit ouderlot {parentLotId}, dat maar {parentQuantity} {unit} bevatte.",
  },
  "link.cycle": {
    severity: "fail",
    en: "Lot {lotId} appears among its own ancestors through parent {parentLotId}.",
    fr: "Le lot {lotId} figure parmi ses propres ancêtres via le parent {parentLotId}.",
    nl: "Lot {lotId} komt via ouder {parentLotId} voor tussen zijn eigen voorouders.",
  },
  "attestation.not-disclosed": {
    severity: "warn",
    en: "Attestation {uid} covering lot {lotId} is not disclosed; only its status on the chain was checked.",
    fr: "L'attestation {uid} couvrant le lot {lotId} n'est pas divulguée ; seul son statut sur la chaîne a été vérifié.",
    nl: "Attest {uid} voor lot {lotId} wordt niet bekendgemaakt; alleen de status op de keten is gecontroleerd.",
  },
  "attestation.uid-mismatch": {
    severity: "fail",
    en: "The disclosed content of attestation {uid} does not produce its identifier: the request or the signer was altered.",
    fr: "Le contenu divulgué de l'attestation {uid} ne donne pas son identifiant : la demande ou le signataire a été modifié.",
    nl: "De bekendgemaakte inhoud van attest {uid} levert zijn kenmerk niet op: de aanvraag of de ondertekenaar is gewijzigd.",
  },
  "attestation.signature-missing": {
    severity: "fail",
    en: "Attestation {uid} is part of a batch but its signature is not disclosed.",
    fr: "L'attestation {uid} fait partie d'un lot groupé mais sa signature n'est pas divulguée.",
    nl: "Attest {uid} hoort bij een batch maar de handtekening wordt niet bekendgemaakt.",
  },
  "attestation.signature-invalid": {
    severity: "fail",
    en: "The signature on attestation {uid} is not by its signer {signer}: the signature was altered or made for something else.",
    fr: "La signature de l'attestation {uid} n'est pas celle de son signataire {signer} : elle a été modifiée ou faite pour autre chose.",
    nl: "De handtekening op attest {uid} is niet van de ondertekenaar {signer}: ze is gewijzigd of voor iets anders gezet.",
  },
  "attestation.proof-invalid": {
    severity: "fail",
    en: "The Merkle proof of attestation {uid} does not lead to batch root {root}: the proof was altered.",
    fr: "La preuve de Merkle de l'attestation {uid} ne mène pas à la racine du lot groupé {root} : la preuve a été modifiée.",
    nl: "Het Merkle-bewijs van attest {uid} leidt niet naar batchwortel {root}: het bewijs is gewijzigd.",
  },
  "attestation.batch-unknown": {
    severity: "fail",
    en: "Batch root {root} of attestation {uid} was never anchored on the chain.",
    fr: "La racine {root} du lot groupé de l'attestation {uid} n'a jamais été ancrée sur la chaîne.",
    nl: "Batchwortel {root} van attest {uid} is nooit op de keten verankerd.",
  },
  "attestation.unknown": {
    severity: "fail",
    en: "Attestation {uid} is not on the chain (or its batch entry is not valid).",
    fr: "L'attestation {uid} ne figure pas sur la chaîne (ou son entrée de lot groupé n'est pas valable).",
    nl: "Attest {uid} staat niet op de keten (of de batchregel is niet geldig).",
  },
  "attestation.revoked": {
    severity: "fail",
    en: "Attestation {uid} was revoked (or its certifier lost the accreditation).",
    fr: "L'attestation {uid} a été retirée (ou son certificateur a perdu l'accréditation).",
    nl: "Attest {uid} is ingetrokken (of de certificeerder verloor de accreditatie).",
    // `reason`: the text of the code its attester recorded (`REVOCATION_REASON_LABELS` words the known ones).
    withReason: {
      en: "Attestation {uid} was revoked by its attester: {reason}.",
      fr: "L'attestation {uid} a été retirée par son auteur : {reason}.",
      nl: "Attest {uid} is ingetrokken door de opsteller: {reason}.",
    },
  },
  "attestation.expired": {
    severity: "fail",
    en: "Attestation {uid} has expired.",
    fr: "L'attestation {uid} a expiré.",
    nl: "Attest {uid} is verlopen.",
  },
  "attestation.suspended": {
    severity: "fail",
    en: "Attestation {uid} is suspended pending a dispute, or its organisation is suspended.",
    fr: "L'attestation {uid} est suspendue dans l'attente d'un litige, ou son organisation est suspendue.",
    nl: "Attest {uid} is opgeschort in afwachting van een geschil, of de organisatie is geschorst.",
  },
  "attestation.key-compromised": {
    severity: "fail",
    en: "Attestation {uid} was signed with a key later declared compromised.",
    fr: "L'attestation {uid} a été signée avec une clé déclarée compromise par la suite.",
    nl: "Attest {uid} is ondertekend met een sleutel die later als gecompromitteerd is gemeld.",
  },
  "attestation.subject-other": {
    severity: "warn",
    en: "Attestation {uid} is about {subject}, which is neither lot {lotId} nor its owner.",
    fr: "L'attestation {uid} porte sur {subject}, qui n'est ni le lot {lotId} ni son propriétaire.",
    nl: "Attest {uid} gaat over {subject}, dat noch lot {lotId} noch de eigenaar ervan is.",
  },
  "attestation.claim-mismatch": {
    severity: "fail",
    en: "The claim disclosed with attestation {uid} is not the one it attests: the claim or its salt was altered.",
    fr: "La déclaration divulguée avec l'attestation {uid} n'est pas celle qu'elle atteste : la déclaration ou son sel a été modifié.",
    nl: "De verklaring die met attest {uid} wordt bekendgemaakt, is niet die welke het attesteert: de verklaring of het zout is gewijzigd.",
  },
  "attestation.unlinked": {
    severity: "warn",
    en: "Attestation {uid} is disclosed but no disclosed lot relies on it.",
    fr: "L'attestation {uid} est divulguée mais aucun lot divulgué ne s'y réfère.",
    nl: "Attest {uid} wordt bekendgemaakt maar geen enkel bekendgemaakt lot verwijst ernaar.",
  },
  "document.digest-mismatch": {
    severity: "fail",
    en: "Document {name} does not match its stated fingerprint {digest}: the file was altered.",
    fr: "Le document {name} ne correspond pas à son empreinte annoncée {digest} : le fichier a été modifié.",
    nl: "Document {name} komt niet overeen met de opgegeven vingerafdruk {digest}: het bestand is gewijzigd.",
  },
  "document.not-referenced": {
    severity: "warn",
    en: "Document {name} is disclosed but no disclosed attestation refers to it: it proves nothing about these lots.",
    fr: "Le document {name} est divulgué mais aucune attestation divulguée n'y renvoie : il ne prouve rien sur ces lots.",
    nl: "Document {name} wordt bekendgemaakt maar geen enkel bekendgemaakt attest verwijst ernaar: het bewijst niets over deze loten.",
  },
} as const satisfies Record<string, MessageDefinition>;

/**
 * The words of the withdrawal reasons the pages offer, for the sentences above (the pages have their own in their
 * message files); another recorded code is shown as its text.
 */
export const REVOCATION_REASON_LABELS: Record<RevocationReason, Record<Locale, string>> = {
  AUDIT_FAILED: { en: "audit failed", fr: "audit échoué", nl: "audit mislukt" },
  CERTIFICATE_WITHDRAWN: { en: "certificate cancelled", fr: "certificat annulé", nl: "certificaat ingetrokken" },
  ENTERED_BY_MISTAKE: { en: "entered by mistake", fr: "saisie par erreur", nl: "per vergissing ingevoerd" },
  SUPERSEDED: {
    en: "replaced by a new attestation",
    fr: "remplacée par une nouvelle attestation",
    nl: "vervangen door een nieuw attest",
  },
};

/** A recorded reason code in words: a known one's label in `locale`, another as its text. */
export function revocationReasonLabel(reason: string, locale: Locale = "fr"): string {
  return (REVOCATION_REASONS as readonly string[]).includes(reason)
    ? REVOCATION_REASON_LABELS[reason as RevocationReason][locale]
    : reason;
}

/** A reason code. */
export type FindingCode = keyof typeof BUNDLE_MESSAGES;

/** Parameters of a finding (ids, quantities, statuses). */
export type FindingParams = Record<string, string | number>;

/** One reason, in plain language: why something failed (or deserves a warning). */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  params: FindingParams;
  /** The English text (`findingText(finding, "fr" | "nl")` for the others). */
  message: string;
}

/** A finding with its text filled in. */
export function finding(code: FindingCode, params: FindingParams): Finding {
  const definition: MessageDefinition = BUNDLE_MESSAGES[code];
  return { code, severity: definition.severity, params, message: findingText({ code, params }, "en") };
}

/** The text of a finding in `locale` (French by default). */
export function findingText(entry: Pick<Finding, "code" | "params">, locale: Locale = "fr"): string {
  const definition: MessageDefinition = BUNDLE_MESSAGES[entry.code];
  const reason = entry.params.reason;
  if (definition.withReason && typeof reason === "string" && reason !== "") {
    return fill(definition.withReason[locale], { ...entry.params, reason: revocationReasonLabel(reason, locale) });
  }
  return fill(definition[locale], entry.params);
}

function fill(template: string, params: FindingParams): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
  );
}
