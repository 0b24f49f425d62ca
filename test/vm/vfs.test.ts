// Virtual path resolution: normalisation, the rules a path must meet, choosing the mount and
// refusing writes to reference mounts, each failure a result with a message naming the path.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/bytecode/errors.js';
import { MAX_PATH_LENGTH, normalizeVirtualPath, resolvePath, ROOT_MOUNTS, type Mount } from '../../src/vm/vfs.js';

const MOUNTS: readonly Mount[] = [
  { kind: 'shared', path: '/out' },
  { kind: 'reference', path: '/in', source: 'inputs/docs' },
  { kind: 'scratch', path: '/tmp' },
  { kind: 'overlay', path: '/draft', over: '/in' },
];

describe('normalizeVirtualPath', () => {
  it('removes . segments, repeated and trailing slashes, and each .. with the segment before it', () => {
    expect(normalizeVirtualPath('/a/./b//c/')).toEqual({ ok: true, path: '/a/b/c' });
    expect(normalizeVirtualPath('/a/b/../c')).toEqual({ ok: true, path: '/a/c' });
    expect(normalizeVirtualPath('/a/..')).toEqual({ ok: true, path: '/' });
    expect(normalizeVirtualPath('///')).toEqual({ ok: true, path: '/' });
    expect(normalizeVirtualPath('/')).toEqual({ ok: true, path: '/' });
  });

  it('is idempotent', () => {
    for (const p of ['/a/./b//c/', '/x/../y/.', '//a//b//', '/a/b/c/../../d']) {
      const once = normalizeVirtualPath(p);
      expect(once.ok).toBe(true);
      if (once.ok) expect(normalizeVirtualPath(once.path)).toEqual(once);
    }
  });

  it('a .. above the root is an error, never clamped to the root', () => {
    expect(normalizeVirtualPath('/../etc')).toMatchObject({ ok: false, error: 'escapes-root' });
    expect(normalizeVirtualPath('/a/../../etc')).toMatchObject({ ok: false, error: 'escapes-root' });
  });

  it('rejects empty, relative, NUL, backslash and over-long paths', () => {
    expect(normalizeVirtualPath('')).toMatchObject({ ok: false, error: 'empty' });
    expect(normalizeVirtualPath('a/b')).toMatchObject({ ok: false, error: 'not-absolute' });
    expect(normalizeVirtualPath('/a\0b')).toMatchObject({ ok: false, error: 'nul-byte' });
    expect(normalizeVirtualPath('/a\\b')).toMatchObject({ ok: false, error: 'backslash' });
    expect(normalizeVirtualPath('/' + 'a'.repeat(MAX_PATH_LENGTH))).toMatchObject({ ok: false, error: 'too-long' });
  });

  it('accepts a path of exactly the length limit', () => {
    const path = '/' + 'a'.repeat(MAX_PATH_LENGTH - 1);
    expect(normalizeVirtualPath(path)).toEqual({ ok: true, path });
  });

  it('keeps Unicode as written and treats % as an ordinary character', () => {
    expect(normalizeVirtualPath('/cafe\u0301/%2e%2e')).toEqual({ ok: true, path: '/cafe\u0301/%2e%2e' });
  });
});

describe('resolvePath', () => {
  it('names the mount, the path relative to it and whether it is writable', () => {
    expect(resolvePath(MOUNTS, '/out/a/b.txt', 'write')).toEqual({ ok: true, path: '/out/a/b.txt', mount: MOUNTS[0], relative: 'a/b.txt', writable: true });
    expect(resolvePath(MOUNTS, '/out', 'read')).toEqual({ ok: true, path: '/out', mount: MOUNTS[0], relative: '', writable: true });
    expect(resolvePath(MOUNTS, '/in/doc.md', 'read')).toEqual({ ok: true, path: '/in/doc.md', mount: MOUNTS[1], relative: 'doc.md', writable: false });
  });

  it('resolves the normalised path', () => {
    expect(resolvePath(MOUNTS, '//tmp/./x/../y/', 'write')).toMatchObject({ ok: true, path: '/tmp/y', relative: 'y' });
  });

  it('a reference mount is read-only; scratch, shared and overlay mounts are writable', () => {
    expect(resolvePath(MOUNTS, '/in/doc.md', 'write')).toEqual({
      ok: false,
      error: 'read-only',
      message: 'path "/in/doc.md" is in reference mount "/in", which is read-only',
    });
    for (const path of ['/out/x', '/tmp/x', '/draft/x']) expect(resolvePath(MOUNTS, path, 'write')).toMatchObject({ ok: true, writable: true });
  });

  it('a mount holds only whole segments below it: /out-evil is not in /out', () => {
    expect(resolvePath(MOUNTS, '/out-evil/x', 'read')).toMatchObject({ ok: false, error: 'no-mount' });
    expect(resolvePath(MOUNTS, '/outx', 'read')).toMatchObject({ ok: false, error: 'no-mount' });
  });

  it('the innermost mount wins, whatever the order of the mounts', () => {
    const nested: Mount[] = [
      { kind: 'shared', path: '/work' },
      { kind: 'reference', path: '/work/docs' },
    ];
    for (const mounts of [nested, [...nested].reverse()]) {
      expect(resolvePath(mounts, '/work/docs/a', 'read')).toMatchObject({ ok: true, mount: { path: '/work/docs' }, relative: 'a' });
      expect(resolvePath(mounts, '/work/docs-old/a', 'read')).toMatchObject({ ok: true, mount: { path: '/work' }, relative: 'docs-old/a' });
    }
  });

  it('an overlay over a mount at the same path wins over that mount', () => {
    const base: Mount = { kind: 'reference', path: '/src' };
    const overlay: Mount = { kind: 'overlay', path: '/src', over: '/src' };
    expect(resolvePath([base, overlay], '/src/a', 'write')).toMatchObject({ ok: true, mount: overlay, writable: true });
    expect(resolvePath([overlay, base], '/src/a', 'write')).toMatchObject({ ok: true, mount: overlay, writable: true });
  });

  it('main sees one shared mount at the root and may use any absolute path', () => {
    expect(resolvePath(ROOT_MOUNTS, '/etc/x', 'write')).toEqual({ ok: true, path: '/etc/x', mount: ROOT_MOUNTS[0], relative: 'etc/x', writable: true });
    expect(resolvePath(ROOT_MOUNTS, '/', 'read')).toMatchObject({ ok: true, path: '/', relative: '' });
    expect(resolvePath(ROOT_MOUNTS, '/..', 'read')).toMatchObject({ ok: false, error: 'escapes-root' });
  });

  it('a value that is not a string is refused, naming its type', () => {
    const cases: [unknown, string][] = [
      [42, 'number'],
      [null, 'null'],
      [undefined, 'undefined'],
      [['/out/x'], 'an array'],
      [{ path: '/out/x' }, 'object'],
      [true, 'boolean'],
    ];
    for (const [value, kind] of cases) {
      expect(resolvePath(MOUNTS, value, 'read')).toEqual({ ok: false, error: 'not-a-string', message: `path must be a string, not ${kind}` });
    }
  });

  it('messages JSON-quote the path, and name the normalised path when it differs', () => {
    expect(resolvePath(MOUNTS, '/out/../etc', 'read')).toEqual({
      ok: false,
      error: 'no-mount',
      message: 'path "/out/../etc" ("/etc") lies in no mount: the mounts are "/out", "/in", "/tmp", "/draft"',
    });
    expect(resolvePath([], '/x', 'read')).toEqual({ ok: false, error: 'no-mount', message: 'path "/x" lies in no mount: there are no mounts' });
    expect(resolvePath(MOUNTS, '/a"\n', 'read')).toMatchObject({ message: expect.stringContaining('"/a\\"\\n"') });
    expect(resolvePath(MOUNTS, 'x\0', 'read')).toEqual({ ok: false, error: 'nul-byte', message: 'path "x\\u0000" contains a NUL byte' });
  });

  it('an over-long path is named by its beginning only', () => {
    const long = '/out/' + 'b'.repeat(5000);
    const result = resolvePath(MOUNTS, long, 'read');
    expect(result).toMatchObject({ ok: false, error: 'too-long' });
    if (!result.ok) {
      expect(result.message).toContain(`"${long.slice(0, 80)}…"`);
      expect(result.message).toContain('5005 characters');
      expect(result.message.length).toBeLessThan(200);
    }
  });

  it('a mount path that is not normalised is a kernel bug', () => {
    expect(() => resolvePath([{ kind: 'shared', path: '/out/' }], '/out/x', 'read')).toThrow(InvariantError);
    expect(() => resolvePath([{ kind: 'shared', path: 'out' }], '/out/x', 'read')).toThrow(/^invariant broken: mount paths are absolute and normalised, got "out"$/);
  });
});
