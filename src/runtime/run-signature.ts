// signature.json (schemas/signature.schema.json): the signature of the host that recorded a run
// over its head — the lines the manifest pins, the code that ran, the completion report — so that a
// run recorded by a trusted host can be told from one re-chained elsewhere. A replay proves only
// that the log is deterministic; a forged log can be deterministic too (docs/replay.md).
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import signatureSchema from '../../schemas/signature.schema.json' with { type: 'json' };
import { canonicalJson } from '../bytecode/canonical.js';
import type { RunSignature, SignedHead } from '../generated/signature.js';
import { replaceFile, type DurableFs } from '../log/durable-fs.js';
import { COMPLETION_JSON, COMPLETION_MD } from './completion.js';
import { keyName, signerFrom, type Checker } from './signing-keys.js';

export const SIGNATURE_FILE = 'signature.json';

/** What a run's head is made of: the manifest's count, head and finish, the code hash, and the report's bytes (undefined when a file is missing). */
export interface RunHead {
  readonly count: number;
  readonly head: string;
  readonly finished: boolean;
  readonly codeHash: string;
  readonly completionJson: Uint8Array | undefined;
  readonly completionMd: Uint8Array | undefined;
}

/** The head of a finished run, whose report is written. */
export type FinishedRunHead = RunHead & { readonly completionJson: Uint8Array; readonly completionMd: Uint8Array };

const sha256 = (bytes: Uint8Array): string => hash('sha256', bytes, 'hex');

function signedHead(run: FinishedRunHead): SignedHead {
  return {
    codeHash: run.codeHash,
    completion: { json: sha256(run.completionJson), md: sha256(run.completionMd) },
    count: run.count,
    finished: run.finished,
    head: run.head,
  };
}

/** The bytes a signature covers: the file's canonical JSON without its signature. */
function signedBytes(unsigned: Omit<RunSignature, 'signature'>): Buffer {
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/**
 * Signs the finished run's head into signature.json when the environment names a signing key
 * (signing-keys.ts); does nothing when it names none.
 */
export async function signRun(fs: DurableFs, dir: string, run: FinishedRunHead, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const signer = signerFrom(env);
  if (signer === undefined) return;
  const unsigned: Omit<RunSignature, 'signature'> = { algorithm: signer.algorithm, format: 'aos-signature', keyId: signer.keyId, signed: signedHead(run), version: 1 };
  const document: RunSignature = { ...unsigned, signature: signer.sign(signedBytes(unsigned)).toString('base64') };
  await replaceFile(fs, join(dir, SIGNATURE_FILE), Buffer.from(`${canonicalJson(document)}\n`, 'utf8'));
}

/**
 * valid: a key given checks the signature, and it signs this run's head. absent: no signature.json.
 * unchecked: no key of its kind was given. invalid: anything else — the file is not a signature,
 * another key signed it, the signature does not match what it signs, or that is not this run's head.
 */
export type SignatureCheck =
  | { readonly state: 'valid'; readonly algorithm: RunSignature['algorithm']; readonly keyId: string }
  | { readonly state: 'absent' }
  | { readonly state: 'unchecked'; readonly algorithm: RunSignature['algorithm']; readonly keyId: string; readonly message: string }
  | { readonly state: 'invalid'; readonly message: string };

let signatureValidator: ValidateFunction | undefined;

function parseSignature(bytes: Uint8Array): RunSignature | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return `it is not JSON: ${(error as Error).message}`;
  }
  signatureValidator ??= new Ajv2020({ strict: true }).compile(signatureSchema);
  if (signatureValidator(value)) return value as RunSignature;
  const first = signatureValidator.errors?.[0];
  return `it does not match schemas/signature.schema.json: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`;
}

/** How a file of the report differs from the one signed, if it does. */
function reportMismatch(file: string, signed: string, bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return `it signs a ${file} of sha256 ${signed}, and there is no ${file}`;
  const actual = sha256(bytes);
  return actual === signed ? undefined : `it signs a ${file} of sha256 ${signed}, and ${file} has sha256 ${actual}`;
}

/** The first thing the signature vouches for that the run does not hold, if any. */
function headMismatch(signed: SignedHead, actual: RunHead): string | undefined {
  if (signed.count !== actual.count || signed.head !== actual.head) return `it signs ${signed.count} lines ending at ${signed.head}, and the log holds ${actual.count} ending at ${actual.head}`;
  if (signed.finished !== actual.finished) return `it signs a run that ${signed.finished ? 'finished' : 'had not finished'}, and manifest.json says the run ${actual.finished ? 'finished' : 'has not finished'}`;
  if (signed.codeHash !== actual.codeHash) return `it signs code ${signed.codeHash}, and workflow.aosb.json holds code ${actual.codeHash}`;
  return reportMismatch(COMPLETION_JSON, signed.completion.json, actual.completionJson) ?? reportMismatch(COMPLETION_MD, signed.completion.md, actual.completionMd);
}

function checkWith(checkers: readonly Checker[], document: RunSignature): SignatureCheck {
  const { algorithm, keyId } = document;
  const ofKind = checkers.filter((checker) => checker.algorithm === algorithm);
  if (ofKind.length === 0) {
    const wanted = algorithm === 'ed25519' ? 'AOS_SIGNING_PUBLIC_KEY' : 'AOS_SIGNING_KEY';
    return { algorithm, keyId, message: `signed with ${keyName(document)}, and no ${algorithm} key was given to check it (${wanted})`, state: 'unchecked' };
  }
  const checker = ofKind.find((candidate) => candidate.keyId === keyId);
  if (checker === undefined) return { message: `signed with ${keyName(document)}, not with the key given (${ofKind.map((c) => `${c.variable}: ${keyName(c)}`).join(', ')})`, state: 'invalid' };
  const { signature, ...unsigned } = document;
  if (!checker.check(signedBytes(unsigned), Buffer.from(signature, 'base64'))) return { message: `its signature does not match what it signs under ${keyName(document)}: the file was changed after it was signed`, state: 'invalid' };
  return { algorithm, keyId, state: 'valid' };
}

/**
 * Checks the run's signature.json against the run's head as found on disk (`actual`) with the keys
 * the environment gives (checkersFrom). A file that signs another head is invalid whatever the key.
 */
export async function checkSignature(fs: DurableFs, dir: string, actual: RunHead, checkers: readonly Checker[]): Promise<SignatureCheck> {
  const bytes = await fs.readFile(join(dir, SIGNATURE_FILE));
  if (bytes === undefined) return { state: 'absent' };
  const document = parseSignature(bytes);
  if (typeof document === 'string') return { message: document, state: 'invalid' };
  const mismatch = headMismatch(document.signed, actual);
  if (mismatch !== undefined) return { message: mismatch, state: 'invalid' };
  return checkWith(checkers, document);
}
