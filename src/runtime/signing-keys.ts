// The keys that sign a run directory and check its signature, from the environment (checked with
// zod): AOS_SIGNING_KEY, an HMAC-SHA256 secret that signs and checks; AOS_SIGNING_PRIVATE_KEY, an
// Ed25519 private key that signs; AOS_SIGNING_PUBLIC_KEY, its public key, which checks. A key is
// PEM text, or the path of a PEM file. No key, and nothing derived from one but its id, leaves here.
import { createHmac, createPrivateKey, createPublicKey, hash, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AosError } from '../bytecode/errors.js';
import type { RunSignature } from '../generated/signature.js';

export type SigningAlgorithm = RunSignature['algorithm'];

/** A signing setting that cannot be used: its code is `signing-key`, and the message names the variable. */
export class SigningKeyError extends AosError {
  constructor(message: string) {
    super('signing-key', message);
  }
}

/** Signs the bytes of a signature file's unsigned part. */
export interface Signer {
  readonly algorithm: SigningAlgorithm;
  readonly keyId: string;
  sign(data: Uint8Array): Buffer;
}

/** Checks a signature, with the variable that gave its key for messages. */
export interface Checker {
  readonly algorithm: SigningAlgorithm;
  readonly keyId: string;
  readonly variable: string;
  check(data: Uint8Array, signature: Uint8Array): boolean;
}

const HMAC = 'AOS_SIGNING_KEY';
const PRIVATE = 'AOS_SIGNING_PRIVATE_KEY';
const PUBLIC = 'AOS_SIGNING_PUBLIC_KEY';

/** Shorter HMAC secrets are guessable, and the redaction of secrets ignores values under 8 characters. */
const HMAC_MIN = 16;

const environment = z.object({
  [HMAC]: z.string().min(HMAC_MIN, `must be at least ${HMAC_MIN} characters`).optional(),
  [PRIVATE]: z.string().min(1).optional(),
  [PUBLIC]: z.string().min(1).optional(),
});

type Settings = z.infer<typeof environment>;

function settingsOf(env: Readonly<Record<string, string | undefined>>): Settings {
  const parsed = environment.safeParse({ [HMAC]: env[HMAC] || undefined, [PRIVATE]: env[PRIVATE] || undefined, [PUBLIC]: env[PUBLIC] || undefined });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SigningKeyError(`${String(issue?.path[0] ?? 'AOS_SIGNING_*')} ${issue?.message ?? 'is invalid'}`);
}

/** The PEM text a setting gives: the value itself, or the file it names. */
function pemOf(variable: string, value: string): string {
  if (value.includes('-----BEGIN ')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new SigningKeyError(`${variable} is neither PEM text nor a readable PEM file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function ed25519Key(variable: string, value: string, make: (pem: string) => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = make(pemOf(variable, value));
  } catch (error) {
    if (error instanceof SigningKeyError) throw error;
    throw new SigningKeyError(`${variable} does not hold a key in PEM form`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`${variable} holds an ${key.asymmetricKeyType ?? 'unknown'} key; signing takes an Ed25519 key`);
  return key;
}

function ed25519Id(publicKey: KeyObject): string {
  return hash('sha256', publicKey.export({ format: 'der', type: 'spki' }), 'hex').slice(0, 16);
}

function hmacOf(secret: string, data: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function hmacId(secret: string): string {
  return hmacOf(secret, 'aos signing key id').toString('hex').slice(0, 16);
}

function hmacChecker(secret: string): Checker {
  return {
    algorithm: 'hmac-sha256',
    check: (data, signature) => {
      const expected = hmacOf(secret, data);
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    },
    keyId: hmacId(secret),
    variable: HMAC,
  };
}

function ed25519Checker(publicKey: KeyObject, variable: string): Checker {
  return { algorithm: 'ed25519', check: (data, signature) => verify(null, data, publicKey, signature), keyId: ed25519Id(publicKey), variable };
}

/**
 * The signer the environment names, if any; a SigningKeyError when a setting cannot be used, or
 * when both an HMAC secret and a private key are set (a run carries one signature).
 */
export function signerFrom(env: Readonly<Record<string, string | undefined>>): Signer | undefined {
  const settings = settingsOf(env);
  const secret = settings[HMAC];
  const privateValue = settings[PRIVATE];
  if (secret !== undefined && privateValue !== undefined) throw new SigningKeyError(`both ${HMAC} and ${PRIVATE} are set: a run is signed with one key, so set one`);
  if (secret !== undefined) return { algorithm: 'hmac-sha256', keyId: hmacId(secret), sign: (data) => hmacOf(secret, data) };
  if (privateValue === undefined) return undefined;
  const privateKey = ed25519Key(PRIVATE, privateValue, createPrivateKey);
  return { algorithm: 'ed25519', keyId: ed25519Id(createPublicKey(privateKey)), sign: (data) => sign(null, data, privateKey) };
}

/** Every key the environment gives to check a signature with: the HMAC secret, the public key, the private key's public half. */
export function checkersFrom(env: Readonly<Record<string, string | undefined>>): Checker[] {
  const settings = settingsOf(env);
  const checkers: Checker[] = [];
  const secret = settings[HMAC];
  if (secret !== undefined) checkers.push(hmacChecker(secret));
  const publicValue = settings[PUBLIC];
  if (publicValue !== undefined) checkers.push(ed25519Checker(ed25519Key(PUBLIC, publicValue, createPublicKey), PUBLIC));
  const privateValue = settings[PRIVATE];
  if (privateValue !== undefined) checkers.push(ed25519Checker(createPublicKey(ed25519Key(PRIVATE, privateValue, createPrivateKey)), PRIVATE));
  return checkers;
}

/**
 * The secret values of the signing settings, for the run's redaction (so a tool never gets them in
 * its environment and its output never carries them): the HMAC secret and the private key's PEM
 * text. Checks the settings, so that a run with a key it cannot sign with fails before it starts.
 */
export function signingSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  signerFrom(env);
  const settings = settingsOf(env);
  const secrets: string[] = [];
  const secret = settings[HMAC];
  if (secret !== undefined) secrets.push(secret);
  const privateValue = settings[PRIVATE];
  if (privateValue !== undefined) secrets.push(pemOf(PRIVATE, privateValue).trim());
  return secrets;
}

/** What a checker is named by in messages: its algorithm and key id. */
export function keyName(key: { readonly algorithm: SigningAlgorithm; readonly keyId: string }): string {
  return `${key.algorithm} key ${key.keyId}`;
}
