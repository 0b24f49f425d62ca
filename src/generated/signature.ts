/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * This interface was referenced by `RunSignature`'s JSON-Schema
 * via the `definition` "sha256".
 */
export type Sha256 = string;

/**
 * signature.json of a run directory, in RFC 8785 canonical JSON: the signature of the host that recorded the run over the run's head (what the manifest pins, the code that ran and the completion report), written when the run finishes. It names the key by its id and holds no key.
 */
export interface RunSignature {
  format: "aos-signature";
  /**
   * The signature format version; a reader refuses any other.
   */
  version: 1;
  /**
   * hmac-sha256: a secret shared by the signing host and the checker (AOS_SIGNING_KEY). ed25519: a private key the signing host holds (AOS_SIGNING_PRIVATE_KEY), checked with its public key (AOS_SIGNING_PUBLIC_KEY).
   */
  algorithm: "hmac-sha256" | "ed25519";
  /**
   * Which key signed: for ed25519, the first 16 hex digits of the sha256 of the public key (SPKI, DER); for hmac-sha256, of the HMAC of the text `aos signing key id` under the key.
   */
  keyId: string;
  signed: SignedHead;
  /**
   * Base64 of the signature over the canonical JSON of this object without `signature`.
   */
  signature: string;
}
/**
 * What a signature vouches for. The head covers every line of events.jsonl through the hash chain, line 0's backend and seed included.
 *
 * This interface was referenced by `RunSignature`'s JSON-Schema
 * via the `definition` "signedHead".
 */
export interface SignedHead {
  /**
   * The lines of events.jsonl, as manifest.json pins them.
   */
  count: number;
  /**
   * The h of the last line, as manifest.json pins it.
   */
  head: string;
  /**
   * The log ends with run.finished, as manifest.json says.
   */
  finished: boolean;
  /**
   * The code hash of workflow.aosb.json, the code that ran.
   */
  codeHash: string;
  completion: SignedCompletion;
}
export interface SignedCompletion {
  /**
   * sha256 of the bytes of completion.json.
   */
  json: string;
  /**
   * sha256 of the bytes of completion.md.
   */
  md: string;
}
