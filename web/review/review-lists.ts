// Pure helpers of the review page: which attestations a certifier can endorse, which endorsements it can withdraw,
// which ones an attester can withdraw, and the reasons offered for a withdrawal. Tested in test/web/review-lists.test.ts.

/** An attestation row as `GET /v1/attestations` lists it (the fields the page uses). */
export interface ReviewItem {
  uid: string;
  schema: string;
  subject: string;
  attester: string | null;
  expiresAt: number;
  status: string;
  endorsed: boolean;
  /** The latest endorsement the index knows (its certifier organisation and signing key), withdrawn or not. */
  endorsement: { certifier: string; signer: string; withdrawn: boolean } | null;
}

/** Still-valid claims of other organisations that no certifier has endorsed yet. */
export function toEndorse(items: ReviewItem[], ownOrganisation: string): ReviewItem[] {
  return items.filter(
    (item) => item.status === "VALID" && !item.endorsed && item.attester !== null && item.attester !== ownOrganisation,
  );
}

/** Still-valid claims the organisation (a certifier) endorsed and has not withdrawn its endorsement of. */
export function ownEndorsements(items: ReviewItem[], ownOrganisation: string): ReviewItem[] {
  return items.filter(
    (item) =>
      item.status === "VALID" &&
      item.endorsement !== null &&
      !item.endorsement.withdrawn &&
      item.endorsement.certifier.toLowerCase() === ownOrganisation.toLowerCase(),
  );
}

/** The organisation's own claims that are still valid, so it may withdraw them. */
export function withdrawable(items: ReviewItem[], ownOrganisation: string): ReviewItem[] {
  return items.filter((item) => item.status === "VALID" && item.attester === ownOrganisation);
}

/** Short reason codes signed with a withdrawal (the chain keeps the code; the page shows the words). */
export { REVOCATION_REASONS as revocationReasons, type RevocationReason } from "../../sdk/hashing";
