// Hostile paths never leave the mounts: a corpus of escape attempts, each with its exact outcome,
// and fuzzing that checks every resolved path against the mount it names and against
// path.posix on the accepted ones.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { posix } from 'node:path';
import { MAX_PATH_LENGTH, resolvePath, type Mount, type PathError, type Resolution } from '../../src/vm/vfs.js';

const MOUNTS: readonly Mount[] = [
  { kind: 'shared', path: '/out' },
  { kind: 'reference', path: '/in' },
  { kind: 'scratch', path: '/tmp' },
  { kind: 'overlay', path: '/draft', over: '/in' },
];

type Expected = PathError | { path: string; mount: string; relative: string; writable: boolean };
type Case = readonly [path: string, access: 'read' | 'write', expected: Expected];

const ok = (path: string, mount: string, relative: string, writable = true): Expected => ({ path, mount, relative, writable });

const CORPUS: readonly Case[] = [
  // '..' chains
  ['/out/../etc/passwd', 'read', 'no-mount'],
  ['/out/../../etc', 'read', 'escapes-root'],
  ['/..', 'read', 'escapes-root'],
  ['/../out/x', 'write', 'escapes-root'],
  ['/../../../../../../out', 'read', 'escapes-root'],
  ['/out/..', 'read', 'no-mount'],
  ['/out/../..', 'read', 'escapes-root'],
  ['/out/a/b/../../../..', 'write', 'escapes-root'],
  ['/tmp/../../tmp', 'write', 'escapes-root'],
  ['/out/./../x', 'write', 'no-mount'],
  ['/out//../x', 'write', 'no-mount'],
  ['/out/x/../../out-evil/y', 'write', 'no-mount'],
  ['/out/x/..', 'write', ok('/out', '/out', '')],
  ['/out/x/../y', 'write', ok('/out/y', '/out', 'y')],
  ['/in/../out/x', 'write', ok('/out/x', '/out', 'x')],
  ['/out/../in/x', 'write', 'read-only'],
  ['/draft/../in/x', 'write', 'read-only'],
  ['/out/' + '../'.repeat(3) + 'out/x', 'read', 'escapes-root'],
  // sibling prefixes
  ['/out-evil', 'write', 'no-mount'],
  ['/out-evil/x', 'write', 'no-mount'],
  ['/outx', 'read', 'no-mount'],
  ['/ou', 'read', 'no-mount'],
  ['/o/ut', 'read', 'no-mount'],
  ['/OUT/x', 'read', 'no-mount'],
  ['/out /x', 'read', 'no-mount'],
  ['/out\t/x', 'read', 'no-mount'],
  // slashes and dots
  ['//out', 'read', ok('/out', '/out', '')],
  ['//out//x//', 'write', ok('/out/x', '/out', 'x')],
  ['/./out', 'read', ok('/out', '/out', '')],
  ['/out/./././x', 'write', ok('/out/x', '/out', 'x')],
  ['/out/.', 'write', ok('/out', '/out', '')],
  ['/out/...', 'write', ok('/out/...', '/out', '...')],
  ['/out/.../..', 'write', ok('/out', '/out', '')],
  ['/out/. ./x', 'write', ok('/out/. ./x', '/out', '. ./x')],
  ['/out/.. /x', 'write', ok('/out/.. /x', '/out', '.. /x')],
  ['/out/..x/y', 'write', ok('/out/..x/y', '/out', '..x/y')],
  ['/', 'read', 'no-mount'],
  // NUL bytes
  ['/out/\0', 'write', 'nul-byte'],
  ['/out/x\0.txt', 'write', 'nul-byte'],
  ['\0/out', 'read', 'nul-byte'],
  ['/out/\0/../../etc', 'read', 'nul-byte'],
  // relative and empty
  ['out/x', 'read', 'not-absolute'],
  ['./out/x', 'read', 'not-absolute'],
  ['../out', 'read', 'not-absolute'],
  ['~/out', 'read', 'not-absolute'],
  [' /out', 'read', 'not-absolute'],
  ['file:///out/x', 'read', 'not-absolute'],
  ['', 'read', 'empty'],
  // backslashes
  ['/out\\..\\x', 'write', 'backslash'],
  ['\\out\\x', 'read', 'backslash'],
  ['C:\\out', 'read', 'backslash'],
  ['/out/..\\..\\etc', 'read', 'backslash'],
  ['/out/x\\', 'write', 'backslash'],
  // length
  ['/out/' + 'a'.repeat(MAX_PATH_LENGTH - 5), 'write', ok('/out/' + 'a'.repeat(MAX_PATH_LENGTH - 5), '/out', 'a'.repeat(MAX_PATH_LENGTH - 5))],
  ['/out/' + 'a'.repeat(MAX_PATH_LENGTH - 4), 'write', 'too-long'],
  ['/out/' + '../'.repeat(2000) + 'etc', 'read', 'too-long'],
  ['/out/' + 'a/'.repeat(2044) + '..', 'write', ok('/out/' + 'a/'.repeat(2042) + 'a', '/out', 'a/'.repeat(2042) + 'a')],
  // Unicode look-alikes are ordinary names, never dots or slashes
  ['/out/\u2025/x', 'write', ok('/out/\u2025/x', '/out', '\u2025/x')],
  ['/out/\uFF0E\uFF0E/x', 'write', ok('/out/\uFF0E\uFF0E/x', '/out', '\uFF0E\uFF0E/x')],
  ['/out/\u2024\u2024/x', 'write', ok('/out/\u2024\u2024/x', '/out', '\u2024\u2024/x')],
  ['/out\u2215..\u2215etc', 'read', 'no-mount'],
  ['/out\uFF0F..\uFF0Fetc', 'read', 'no-mount'],
  ['/\u043Eut/x', 'read', 'no-mount'],
  ['/out\u200B/x', 'read', 'no-mount'],
  ['/out/\uD800', 'write', ok('/out/\uD800', '/out', '\uD800')],
  // percent-encoding is not decoded
  ['/out/%2e%2e/x', 'write', ok('/out/%2e%2e/x', '/out', '%2e%2e/x')],
  ['/out/%2e%2e%2fetc', 'write', ok('/out/%2e%2e%2fetc', '/out', '%2e%2e%2fetc')],
  ['/%2e%2e/etc', 'read', 'no-mount'],
  ['/out%2f..%2fetc', 'read', 'no-mount'],
  // reference mounts are read-only
  ['/in/doc.md', 'write', 'read-only'],
  ['/in', 'write', 'read-only'],
  ['/in/doc.md', 'read', ok('/in/doc.md', '/in', 'doc.md', false)],
  ['/draft/doc.md', 'write', ok('/draft/doc.md', '/draft', 'doc.md')],
];

function outcome(result: Resolution): Expected {
  return result.ok ? ok(result.path, result.mount.path, result.relative, result.writable) : result.error;
}

describe('escape corpus', () => {
  it('holds at least 40 hostile paths', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CORPUS.map(([path, access, expected]) => [JSON.stringify(path).slice(0, 60), path, access, expected] as const))('%s', (_name, path, access, expected) => {
    const result = resolvePath(MOUNTS, path, access);
    expect(outcome(result)).toEqual(expected);
    if (!result.ok && result.error !== 'too-long') expect(result.message).toContain(JSON.stringify(path));
  });

  it('NFC and NFD spellings are different names', () => {
    const mounts: Mount[] = [{ kind: 'shared', path: '/caf\u00E9' }];
    expect(resolvePath(mounts, '/caf\u00E9/x', 'write')).toMatchObject({ ok: true, relative: 'x' });
    expect(resolvePath(mounts, '/cafe\u0301/x', 'write')).toMatchObject({ ok: false, error: 'no-mount' });
  });

  it('with no mounts nothing resolves', () => {
    expect(resolvePath([], '/out/x', 'read')).toMatchObject({ ok: false, error: 'no-mount' });
  });
});

// ---- fuzzing ----

const SEGMENTS = ['..', '.', '', 'out', 'out-evil', 'a', '\0', '\\', 'in', 'o', 'ut', '%2e%2e', '..\\', ' ', '...', 'out..'];
const MOUNT_POINTS = ['/', '/out', '/out/a', '/in', '/a', '/out-evil', '/o'];
const KINDS: Mount['kind'][] = ['scratch', 'shared', 'reference', 'overlay'];

const mountsArb: fc.Arbitrary<Mount[]> = fc
  .uniqueArray(fc.constantFrom(...MOUNT_POINTS), { maxLength: 4 })
  .chain((paths) => fc.tuple(...paths.map((path) => fc.constantFrom(...KINDS).map((kind): Mount => ({ kind, path })))));

const pathArb = fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 10 })).map(([absolute, segs]) => (absolute ? '/' : '') + segs.join('/'));

const contains = (mountPath: string, path: string) => mountPath === '/' || path === mountPath || path.startsWith(mountPath + '/');

/** How deep '..' segments reach relative to the root; below 0 means the path goes above it. */
function lowestDepth(path: string): number {
  let depth = 0;
  let lowest = 0;
  for (const seg of path.split('/')) {
    if (seg === '..') lowest = Math.min(lowest, --depth);
    else if (seg !== '' && seg !== '.') depth++;
  }
  return lowest;
}

function checkResolution(mounts: readonly Mount[], path: string, access: 'read' | 'write'): void {
  const result = resolvePath(mounts, path, access);
  if (result.ok) {
    expect(contains(result.mount.path, result.path), 'the path lies in its mount').toBe(true);
    expect(result.path === '/' || result.path.split('/').slice(1).every((s) => s !== '' && s !== '.' && s !== '..'), 'no ., .. or empty segment').toBe(true);
    expect(result.writable).toBe(result.mount.kind !== 'reference');
    if (access === 'write') expect(result.mount.kind).not.toBe('reference');
    expect(result.mount.path === '/' ? `/${result.relative}` : result.relative === '' ? result.mount.path : `${result.mount.path}/${result.relative}`).toBe(result.path);
    expect(lowestDepth(path)).toBe(0);
    expect(result.path).toBe(posix.resolve(path));
    expect(mounts.every((m) => !contains(m.path, result.path) || m.path.length <= result.mount.path.length), 'the innermost mount').toBe(true);
    expect(resolvePath(mounts, result.path, access)).toEqual(result);
  } else if (result.error === 'escapes-root') {
    expect(lowestDepth(path)).toBeLessThan(0);
  } else if (result.error === 'no-mount') {
    expect(mounts.some((m) => contains(m.path, posix.resolve(path)))).toBe(false);
  }
}

describe('escape fuzzing', () => {
  it('no path built from hostile segments escapes its mount (6,000 paths)', () => {
    fc.assert(
      fc.property(mountsArb, pathArb, fc.constantFrom<'read' | 'write'>('read', 'write'), (mounts, path, access) => checkResolution(mounts, path, access)),
      { numRuns: 6000 },
    );
  });

  it('no arbitrary string escapes its mount (2,000 strings)', () => {
    const anyPath = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }).map((s) => '/' + s));
    fc.assert(
      fc.property(mountsArb, anyPath, fc.constantFrom<'read' | 'write'>('read', 'write'), (mounts, path, access) => checkResolution(mounts, path, access)),
      { numRuns: 2000 },
    );
  });

  it('the first broken rule is the error: empty, NUL, backslash, not absolute, then above the root', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        const result = resolvePath([{ kind: 'shared', path: '/' }], path, 'read');
        const expected: PathError | 'ok' =
          path === ''
            ? 'empty'
            : path.includes('\0')
              ? 'nul-byte'
              : path.includes('\\')
                ? 'backslash'
                : !path.startsWith('/')
                  ? 'not-absolute'
                  : lowestDepth(path) < 0
                    ? 'escapes-root'
                    : 'ok';
        expect(result.ok ? 'ok' : result.error).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
