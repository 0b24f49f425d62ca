// Virtual paths as the file driver sees them: the lexical re-check of paths the kernel already
// normalised (defence in depth), the choice of mount, and names made safe as single directory entries.
import { createHash } from 'node:crypto';
import type { MountEntry } from '../../bytecode/format.js';

/** Names starting with this are the host's own (temporary files, seeds): never read, written or listed. */
export const RESERVED_PREFIX = '.aos-';
/** A file being filled, or staged by a commit, before it is renamed into place. */
export const TEMPORARY_PREFIX = `${RESERVED_PREFIX}tmp-`;
/** A shared or scratch mount's copy of its source folder, before it is renamed into place. */
export const SEED_PREFIX = `${RESERVED_PREFIX}seed-`;
/** A note naming a directory a write made for its file, kept until the file is in place. */
export const MADE_PREFIX = `${RESERVED_PREFIX}made-`;

const MAX_PATH_LENGTH = 4096;
const MAX_SEGMENT_BYTES = 255;
/** Longer encoded names are replaced by a hash, so every name fits in one directory entry. */
const MAX_ENCODED_NAME = 200;

/** A path as messages name it: JSON-quoted (so NUL and newlines show), cut short when long. */
export function quote(path: string): string {
  return path.length > 80 ? `${JSON.stringify(path.slice(0, 80)).slice(0, -1)}…"` : JSON.stringify(path);
}

/** Why a value is not an absolute, normalised virtual path the host will touch; undefined when it is one. */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'is not a string';
  if (path.length > MAX_PATH_LENGTH) return `is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}`;
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'contains a backslash';
  if (!path.startsWith('/')) return 'is not absolute';
  if (path === '/') return undefined;
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'has an empty segment (a repeated or trailing "/")';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
    if (segment.startsWith(RESERVED_PREFIX)) return `has a segment starting with "${RESERVED_PREFIX}", which the host reserves`;
  }
  return undefined;
}

/** The segments of a path `pathProblem` accepted: [] for "/". */
export function segmentsOf(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** Whether a normalised path is the mount point or lies below it by whole segments ("/out-evil" is not in "/out"). */
export function inside(path: string, mountPath: string): boolean {
  return mountPath === '/' || path === mountPath || (path.startsWith(mountPath) && path.charCodeAt(mountPath.length) === 47);
}

/** The virtual path `relative` names below `mountPath`. */
export function below(mountPath: string, relative: readonly string[]): string {
  if (relative.length === 0) return mountPath;
  return `${mountPath === '/' ? '' : mountPath}/${relative.join('/')}`;
}

/**
 * The innermost mount holding the path, as the kernel chooses it (src/vm/vfs.ts): at equal depth
 * an overlay wins over the mount it is `over`.
 */
export function chooseMount<M extends { readonly entry: MountEntry }>(mounts: readonly M[], path: string): M | undefined {
  let best: M | undefined;
  for (const mount of mounts) {
    if (!inside(path, mount.entry.path)) continue;
    const deeper = best === undefined || mount.entry.path.length > best.entry.path.length;
    const overlayOfBest = best !== undefined && mount.entry.path === best.entry.path && mount.entry.kind === 'overlay' && mount.entry.over === best.entry.path;
    if (deeper || overlayOfBest) best = mount;
  }
  return best;
}

/**
 * Any string as one directory entry name: percent-encoded (dots too, so "." and ".." cannot
 * appear), or "%%" and a hash when long or not encodable — which encoding never produces.
 */
export function encodeName(name: string): string {
  let encoded: string | undefined;
  try {
    encoded = encodeURIComponent(name).replace(/\./g, '%2E');
  } catch {
    encoded = undefined; // a lone surrogate
  }
  if (encoded !== undefined && encoded !== '' && encoded.length <= MAX_ENCODED_NAME) return encoded;
  return `%%${createHash('sha256').update(name, 'utf8').digest('hex')}`;
}
