// Checks a run directory's blobs: each file of blobs/ named as a blob must hash (sha256) to its
// name, and each blob the run refers to must be there. Which blobs a run refers to is known only
// by replaying it, so the caller gives them; names that are not a hash (a crashed write's .tmp)
// are not blobs, and are left alone.
import { hash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOBS_DIR } from './run-dir.js';

/** blob-hash: a blob's bytes do not hash to its name. blob-missing: a blob the run refers to is not there. */
export type BlobProblemKind = 'blob-hash' | 'blob-missing';

export interface BlobProblem {
  readonly kind: BlobProblemKind;
  /** The blob's name: its path in the run directory is blobs/<hash>. */
  readonly hash: string;
  readonly message: string;
}

export interface BlobsVerdict {
  /** Blobs found in blobs/. */
  readonly count: number;
  /** In order of name: damaged blobs, then missing ones. */
  readonly problems: readonly BlobProblem[];
}

const BLOB_NAME = /^[0-9a-f]{64}$/;

async function blobNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(dir, BLOBS_DIR), { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && BLOB_NAME.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    // A run whose effects stored nothing may have no blobs/ at all.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Hashes every blob of the run directory dir, and looks for each of `required` (hash → the seq of
 * the first line that refers to it).
 */
export async function verifyBlobs(dir: string, required: ReadonlyMap<string, number> = new Map()): Promise<BlobsVerdict> {
  const names = await blobNames(dir);
  const problems: BlobProblem[] = [];
  for (const name of names) {
    const actual = hash('sha256', await readFile(join(dir, BLOBS_DIR, name)), 'hex');
    if (actual !== name) problems.push({ hash: name, kind: 'blob-hash', message: `its bytes hash to ${actual}, not to its name: it was changed after it was stored` });
  }
  const present = new Set(names);
  const missing = [...required].filter(([name]) => !present.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, seq] of missing) problems.push({ hash: name, kind: 'blob-missing', message: `it is missing, and the log refers to it from seq ${seq}` });
  return { count: names.length, problems };
}
