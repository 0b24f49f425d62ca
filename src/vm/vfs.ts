// Lexical resolution of a virtual path against a process's mounts. The host still checks the
// real path at open time (symlinks); this decides which mount a path names and whether it may be written.
import { assert } from '../bytecode/errors.js';

export interface Mount {
  readonly kind: 'scratch' | 'shared' | 'reference' | 'overlay';
  /** Absolute and normalised, as the compiler's mount-path check guarantees. */
  readonly path: string;
  readonly source?: string;
  readonly over?: string;
}

export type PathError = 'not-a-string' | 'empty' | 'nul-byte' | 'not-absolute' | 'backslash' | 'escapes-root' | 'no-mount' | 'read-only' | 'too-long';

export type Resolution =
  | {
      readonly ok: true;
      /** The normalised virtual path. */
      readonly path: string;
      readonly mount: Mount;
      /** '' for the mount root, else 'a/b' with no leading slash. */
      readonly relative: string;
      readonly writable: boolean;
    }
  | { readonly ok: false; readonly error: PathError; readonly message: string };

type Failure = { readonly ok: false; readonly error: PathError; readonly message: string };

export const MAX_PATH_LENGTH = 4096;

/** main's view: one shared mount at the root, so any absolute path. */
export const ROOT_MOUNTS: readonly Mount[] = Object.freeze([Object.freeze({ kind: 'shared', path: '/' })]);

/** A path as messages name it: JSON-quoted, and cut short when it is too long to repeat. */
function quote(path: string): string {
  return path.length > 80 ? `${JSON.stringify(path.slice(0, 80)).slice(0, -1)}…"` : JSON.stringify(path);
}

const fail = (error: PathError, message: string): Failure => ({ ok: false, error, message });

/** The first rule a raw path string breaks, checked character by character before any splitting. */
function stringProblem(path: string): Failure | undefined {
  if (path.length === 0) return fail('empty', 'path "" is empty');
  if (path.length > MAX_PATH_LENGTH) return fail('too-long', `path ${quote(path)} is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}`);
  if (path.includes('\0')) return fail('nul-byte', `path ${quote(path)} contains a NUL byte`);
  if (path.includes('\\')) return fail('backslash', `path ${quote(path)} contains a backslash; virtual paths separate segments with "/"`);
  if (path.charCodeAt(0) !== 47) return fail('not-absolute', `path ${quote(path)} is not absolute: virtual paths start with "/"`);
  return undefined;
}

/**
 * Removes '.' segments, empty segments (repeated and trailing slashes) and each '..' with the
 * segment before it. A '..' above the root is an error, never clamped: '/../etc' does not mean '/etc'.
 * Unicode is compared as written and '%' is an ordinary character.
 */
export function normalizeVirtualPath(path: string): { ok: true; path: string } | Failure {
  const problem = stringProblem(path);
  if (problem) return problem;
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') kept.push(segment);
    else if (kept.pop() === undefined) return fail('escapes-root', `path ${quote(path)} goes above the root "/" with ".."`);
  }
  return { ok: true, path: `/${kept.join('/')}` };
}

/** Whether a normalised path is the mount point or lies below it by whole segments ('/out-evil' is not in '/out'). */
function inside(path: string, mountPath: string): boolean {
  return mountPath === '/' || path === mountPath || (path.startsWith(mountPath) && path.charCodeAt(mountPath.length) === 47);
}

/**
 * The innermost mount holding the path. At equal depth an overlay wins over the mount it is
 * `over` (writes go to the copy); otherwise the earlier mount wins, which the compiler never lets happen.
 */
function chooseMount(mounts: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const mount of mounts) {
    const normal = normalizeVirtualPath(mount.path);
    assert(normal.ok && normal.path === mount.path, () => `mount paths are absolute and normalised, got ${quote(mount.path)}`);
    if (!inside(path, mount.path)) continue;
    const deeper = best === undefined || mount.path.length > best.path.length;
    const overlayOfBest = best !== undefined && mount.path === best.path && mount.kind === 'overlay' && mount.over === best.path;
    if (deeper || overlayOfBest) best = mount;
  }
  return best;
}

const describeMounts = (mounts: readonly Mount[]) =>
  mounts.length === 0 ? 'there are no mounts' : `the mounts are ${mounts.map((m) => JSON.stringify(m.path)).join(', ')}`;

/** Resolves a path a program gave (any value) for reading or writing; every failure is a result naming the path. */
export function resolvePath(mounts: readonly Mount[], path: unknown, access: 'read' | 'write'): Resolution {
  if (typeof path !== 'string') {
    const kind = path === null ? 'null' : Array.isArray(path) ? 'an array' : typeof path;
    return fail('not-a-string', `path must be a string, not ${kind}`);
  }
  const normal = normalizeVirtualPath(path);
  if (!normal.ok) return normal;
  const named = normal.path === path ? quote(path) : `${quote(path)} (${quote(normal.path)})`;
  const mount = chooseMount(mounts, normal.path);
  if (mount === undefined) return fail('no-mount', `path ${named} lies in no mount: ${describeMounts(mounts)}`);
  const writable = mount.kind !== 'reference';
  if (access === 'write' && !writable) return fail('read-only', `path ${named} is in reference mount ${quote(mount.path)}, which is read-only`);
  const relative = normal.path === mount.path ? '' : normal.path.slice(mount.path === '/' ? 1 : mount.path.length + 1);
  return { ok: true, path: normal.path, mount, relative, writable };
}
