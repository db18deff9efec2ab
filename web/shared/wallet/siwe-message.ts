// The EIP-4361 (Sign-In with Ethereum) message text, built in the browser from what `GET /v1/auth/nonce` returned.
// Pure, so test/web/siwe-message.test.ts checks it against the `siwe` parser the API uses.

/** Fields of a sign-in message. `address` must be EIP-55 checksummed. */
export interface SignInFields {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  chainId: number;
  nonce: string;
  issuedAt: string;
  expirationTime?: string;
}

/** The exact EIP-4361 text the wallet shows and signs. */
export function signInMessage(fields: SignInFields): string {
  const lines = [
    `${fields.domain} wants you to sign in with your Ethereum account:`,
    fields.address,
    "",
    fields.statement,
    "",
    `URI: ${fields.uri}`,
    "Version: 1",
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
  ];
  if (fields.expirationTime) lines.push(`Expiration Time: ${fields.expirationTime}`);
  return lines.join("\n");
}

/**
 * A statement the EIP-4361 grammar accepts: it allows printable ASCII only, so accents are dropped
 * ("Connexion à Fontaine" → "Connexion a Fontaine") and typographic quotes become straight ones.
 */
export function siweStatement(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[’‘]/g, "'")
    .replace(/[“”«»]/g, '"')
    .replace(/[^A-Za-z0-9 \-._~!$&'()*+,;=:@/?#[\]]/g, "")
    .trim();
}
