// A run directory's layout (DESIGN.md section 8) and the errors about it: the names of its files,
// the manifest that pins the log's line count and head hash, and how it is read back.
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import manifestSchema from '../../schemas/manifest.schema.json' with { type: 'json' };
import { canonicalJson } from '../bytecode/canonical.js';
import { AosError } from '../bytecode/errors.js';
import type { RunManifest } from '../generated/manifest.js';
import type { DurableFs } from './durable-fs.js';

export type { RunManifest };

export const EVENTS_FILE = 'events.jsonl';
export const BLOBS_DIR = 'blobs';
export const MANIFEST_FILE = 'manifest.json';

/**
 * exists: create() found a run already there. manifest: manifest.json is invalid, or missing with
 * no log that verifies to rebuild it from.
 * log: events.jsonl is missing. damaged: a committed line is unsound, or the lines end at another
 * head than the manifest's. truncated: the log holds fewer lines than the manifest pins.
 * The writer stops for good after these two, leaving what reached the disk for the next writer to
 * read back: write: a write or sync failed. host-path: an event held the run directory's host path.
 */
export type RunDirProblem = 'exists' | 'manifest' | 'log' | 'damaged' | 'truncated' | 'write' | 'host-path';

/** What is wrong with a run directory; its code is `run-dir.<problem>`. */
export class RunDirError extends AosError {
  constructor(
    readonly problem: RunDirProblem,
    /** The run directory as the caller named it. */
    readonly dir: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`run-dir.${problem}`, message, options);
  }

  /** The message without the run directory it opens with, for a caller that has named it already. */
  get problemText(): string {
    const prefix = `run directory ${this.dir}`;
    return this.message.startsWith(prefix) ? this.message.slice(prefix.length).replace(/^:?\s*/, '') : this.message;
  }
}


let manifestValidator: ValidateFunction | undefined;

/** The manifest pinning `count` lines ending at `head`. */
export function manifestOf(count: number, head: string, finished: boolean): RunManifest {
  return { blobs: BLOBS_DIR, count, events: EVENTS_FILE, finished, format: 'aos-run', head, version: 1 };
}

/** The bytes of manifest.json pinning `count` lines ending at `head`. */
export function manifestBytes(count: number, head: string, finished: boolean): Uint8Array {
  return Buffer.from(canonicalJson(manifestOf(count, head, finished)) + '\n', 'utf8');
}

/** The RunDirError ('manifest') of a run directory with neither manifest.json nor a log to rebuild it from. */
export function noManifest(dir: string): RunDirError {
  return new RunDirError('manifest', dir, `run directory ${dir} has no ${MANIFEST_FILE}: it is not a run directory, or its creation did not finish`);
}

/** The run's manifest.json, checked against its schema; a RunDirError ('manifest') when it is missing or invalid. */
export async function readManifest(fs: DurableFs, dir: string): Promise<RunManifest> {
  const manifest = await readManifestIfPresent(fs, dir);
  if (manifest === undefined) throw noManifest(dir);
  return manifest;
}

/** The run's manifest.json, checked against its schema; undefined when there is none, a RunDirError ('manifest') when it is invalid. */
export async function readManifestIfPresent(fs: DurableFs, dir: string): Promise<RunManifest | undefined> {
  const bytes = await fs.readFile(join(dir, MANIFEST_FILE));
  if (bytes === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new RunDirError('manifest', dir, `run directory ${dir}: ${MANIFEST_FILE} is not JSON: ${(error as Error).message}`);
  }
  manifestValidator ??= new Ajv2020({ strict: true }).compile(manifestSchema);
  if (!manifestValidator(value)) {
    const first = manifestValidator.errors?.[0];
    throw new RunDirError('manifest', dir, `run directory ${dir}: ${MANIFEST_FILE} does not match schemas/manifest.schema.json: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  return value as RunManifest;
}
