// The file driver over real temporary directories: reads, writes and listings per mount kind,
// read-only enforced in code, size caps, error results that name virtual paths only, and
// copy-on-write overlays with compare-and-swap commits, discards and journal replay after a crash,
// and what a write cut short leaves behind: nothing after a failure, nothing after a reopen.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvariantError } from '../../src/bytecode/errors.js';
import { Workspace, WorkspaceError, type FileResult } from '../../src/drivers/files.js';

let base: string;
beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'aos-files-'));
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** A folder of inputs on disk, from relative path to text. */
async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(base, name);
  await fs.mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await fs.mkdir(join(dir, path, '..'), { recursive: true });
    await fs.writeFile(join(dir, path), text);
  }
  return dir;
}

const text = (result: FileResult<{ bytes: Buffer }>) => (result.ok ? result.bytes.toString('utf8') : `error ${result.error.kind}`);

/** The error, checked to name the virtual path and no host path. */
function failure(result: FileResult<object>, virtualPath: string) {
  if (result.ok) throw new Error('expected an error result');
  expect(result.error.message).toContain(JSON.stringify(virtualPath));
  expect(result.error.message).not.toContain(base);
  return result.error;
}

describe('scratch mounts', () => {
  it('write then read gives the bytes back, and another process cannot see them', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('writer#1', { kind: 'scratch', path: '/tmp' });
    await ws.mount('writer#2', { kind: 'scratch', path: '/tmp' });
    expect((await ws.write('writer#1', '/tmp/notes/a.txt', 'hello')).ok).toBe(true);
    expect(text(await ws.read('writer#1', '/tmp/notes/a.txt'))).toBe('hello');
    expect(failure(await ws.read('writer#2', '/tmp/notes/a.txt'), '/tmp/notes/a.txt').kind).toBe('not-found');
  });

  it('replacing a file leaves no temporary file behind', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    await ws.write('p', '/out/f', 'one');
    await ws.write('p', '/out/f', Buffer.from('two'));
    expect(text(await ws.read('p', '/out/f'))).toBe('two');
    expect(await fs.readdir(join(ws.root, 'scratch', 'p', 'out'))).toEqual(['f']);
  });

  it('lists a directory sorted by code unit, with entry kinds', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    for (const name of ['b', 'a', 'Z', 'é', '10', '9']) await ws.write('p', `/out/${name}`, name);
    await ws.write('p', '/out/dir/x', 'x');
    const listed = await ws.list('p', '/out');
    expect(listed.ok && listed.entries).toEqual([
      { name: '10', kind: 'file' },
      { name: '9', kind: 'file' },
      { name: 'Z', kind: 'file' },
      { name: 'a', kind: 'file' },
      { name: 'b', kind: 'file' },
      { name: 'dir', kind: 'directory' },
      { name: 'é', kind: 'file' },
    ]);
  });
});

describe('shared mounts', () => {
  it('are seeded once from their source and shared by every process that mounts the path', async () => {
    const source = await folder('inputs', { 'seed.txt': 'seeded' });
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('a#1', { kind: 'shared', path: '/shared' }, source);
    await ws.mount('b#1', { kind: 'shared', path: '/shared' }, source);
    await ws.write('a#1', '/shared/seed.txt', 'changed by a');
    await ws.mount('c#1', { kind: 'shared', path: '/shared' }, source);
    expect(text(await ws.read('b#1', '/shared/seed.txt'))).toBe('changed by a');
    expect(text(await ws.read('c#1', '/shared/seed.txt'))).toBe('changed by a');
  });

  it('are one tree by virtual path, so main\'s "/" shows an agent\'s "/shared"', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('main', { kind: 'shared', path: '/' });
    await ws.mount('writer#1', { kind: 'shared', path: '/shared' });
    await ws.write('writer#1', '/shared/report.md', 'report');
    expect(text(await ws.read('main', '/shared/report.md'))).toBe('report');
    const listed = await ws.list('main', '/');
    expect(listed.ok && listed.entries).toEqual([{ name: 'shared', kind: 'directory' }]);
  });

  it('advance their version on every write, even when writes run at once', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'shared', path: '/s' });
    await Promise.all(Array.from({ length: 8 }, (_, i) => ws.write('p', `/s/f${i}`, String(i))));
    expect(await ws.mountVersion('p', '/s')).toBe(8);
  });
});

describe('reference mounts', () => {
  it('read their source folder and refuse writes in code, though root could write the folder', async () => {
    const source = await folder('inputs', { 'doc.md': 'original' });
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'reference', path: '/docs' }, source);
    expect(text(await ws.read('p', '/docs/doc.md'))).toBe('original');
    await fs.access(join(source, 'doc.md'), fs.constants.W_OK);
    expect(failure(await ws.write('p', '/docs/doc.md', 'overwritten'), '/docs/doc.md').kind).toBe('read-only');
    expect(failure(await ws.write('p', '/docs/new.md', 'new'), '/docs/new.md').kind).toBe('read-only');
    expect(failure(await ws.realPathFor('p', '/docs/doc.md', 'write'), '/docs/doc.md').kind).toBe('read-only');
    expect(await fs.readFile(join(source, 'doc.md'), 'utf8')).toBe('original');
    expect(await fs.readdir(source)).toEqual(['doc.md']);
  });

  it('give tools the source path for reading, and nothing for a missing file', async () => {
    const source = await folder('inputs', { 'doc.md': 'original' });
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'reference', path: '/docs' }, source);
    const found = await ws.realPathFor('p', '/docs/doc.md', 'read');
    expect(found.ok && found.path).toBe(join(await fs.realpath(source), 'doc.md'));
    expect(failure(await ws.realPathFor('p', '/docs/missing.md', 'read'), '/docs/missing.md').kind).toBe('not-found');
  });
});

describe('refusals and failures', () => {
  it('paths outside every mount are not found for reading and read-only for writing', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    expect(failure(await ws.read('p', '/etc/passwd'), '/etc/passwd').kind).toBe('not-found');
    expect(failure(await ws.write('p', '/out-evil/x', 'x'), '/out-evil/x').kind).toBe('read-only');
    expect(failure(await ws.read('stranger', '/out/x'), '/out/x').kind).toBe('not-found');
  });

  it('a directory is not a file, and a file is not a directory', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    await ws.write('p', '/out/dir/file', 'x');
    expect(failure(await ws.read('p', '/out/dir'), '/out/dir').kind).toBe('not-a-file');
    expect(failure(await ws.write('p', '/out/dir', 'x'), '/out/dir').kind).toBe('not-a-file');
    expect(failure(await ws.write('p', '/out', 'x'), '/out').kind).toBe('not-a-file');
    expect(failure(await ws.list('p', '/out/dir/file'), '/out/dir/file').kind).toBe('not-a-directory');
    expect(failure(await ws.read('p', '/out/dir/file/deeper'), '/out/dir/file/deeper').kind).toBe('not-a-directory');
    expect(failure(await ws.list('p', '/out/none'), '/out/none').kind).toBe('not-found');
  });

  it('files over the size cap are refused both ways; a file at the cap is fine', async () => {
    const ws = await Workspace.create(join(base, 'ws'), { maxFileBytes: 10 });
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    expect((await ws.write('p', '/out/ten', '0123456789')).ok).toBe(true);
    expect(text(await ws.read('p', '/out/ten'))).toBe('0123456789');
    expect(failure(await ws.write('p', '/out/eleven', '0123456789A'), '/out/eleven').kind).toBe('too-large');
    await fs.writeFile(join(ws.root, 'scratch', 'p', 'out', 'big'), 'x'.repeat(11));
    expect(failure(await ws.read('p', '/out/big'), '/out/big').kind).toBe('too-large');
  });

  it('setting up a mount wrongly is an error naming the mount', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await expect(ws.mount('p', { kind: 'reference', path: '/docs' })).rejects.toThrow(WorkspaceError);
    await expect(ws.mount('p', { kind: 'reference', path: '/docs' })).rejects.toMatchObject({ code: 'workspace.mount' });
    await expect(ws.mount('p', { kind: 'reference', path: '/docs' }, join(base, 'absent'))).rejects.toThrow(/source folder of reference mount "\/docs"/);
    await expect(ws.mount('p', { kind: 'overlay', path: '/draft', over: '/docs' })).rejects.toThrow(/mount the base first/);
    await expect(ws.mount('p', { kind: 'scratch', path: '/a/../b' })).rejects.toThrow(/".." segment/);
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    await expect(ws.mount('p', { kind: 'shared', path: '/out' })).rejects.toThrow(/already has a mount/);
  });

  it('an invalid option is a WorkspaceError, a base version that is not a count a broken invariant', async () => {
    await expect(Workspace.create(join(base, 'ws'), { maxFileBytes: -1 })).rejects.toMatchObject({ code: 'workspace.options', message: 'maxFileBytes must be a non-negative integer, not -1' });
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('editor#1', { kind: 'shared', path: '/out' });
    await ws.mount('editor#1', { kind: 'overlay', path: '/draft', over: '/out' });
    const broken = ws.commitOverlay('editor#1', '/draft', -1);
    await expect(broken).rejects.toThrow(InvariantError);
    await expect(broken).rejects.toThrow('invariant broken: file driver: a base version is a non-negative integer, got -1');
  });
});

describe('paths for tools', () => {
  it('name the real file, or where a missing output file would go', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    await ws.write('p', '/out/in.txt', 'x');
    const storage = join(ws.root, 'scratch', 'p', 'out');
    const existing = await ws.realPathFor('p', '/out/in.txt', 'read');
    expect(existing.ok && existing.path).toBe(join(storage, 'in.txt'));
    const output = await ws.realPathFor('p', '/out/result.txt', 'read');
    expect(output.ok && output.path).toBe(join(storage, 'result.txt'));
    const root = await ws.realPathFor('p', '/out', 'read');
    expect(root.ok && root.path).toBe(storage);
  });

  it('make missing parents only for write access', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    expect(failure(await ws.realPathFor('p', '/out/new/dir/f', 'read'), '/out/new/dir/f').kind).toBe('not-found');
    const made = await ws.realPathFor('p', '/out/new/dir/f', 'write');
    expect(made.ok && made.path).toBe(join(ws.root, 'scratch', 'p', 'out', 'new', 'dir', 'f'));
    expect((await fs.stat(join(ws.root, 'scratch', 'p', 'out', 'new', 'dir'))).isDirectory()).toBe(true);
  });
});

describe('writes dispatched again', () => {
  it('store the same bytes and advance a shared mount\'s version once, so an overlay begun after still commits', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('writer#1', { kind: 'shared', path: '/out' });
    expect(await ws.write('writer#1', '/out/a.txt', 'A', { effect: 'writer#1/e3' })).toEqual({ ok: true });
    // The run stopped before the completion was durable; the resumed run writes again under the same id.
    expect(await ws.write('writer#1', '/out/a.txt', 'A', { effect: 'writer#1/e3' })).toEqual({ ok: true });
    expect(await ws.mountVersion('writer#1', '/out')).toBe(1);
    await ws.write('writer#1', '/out/b.txt', 'B', { effect: 'writer#1/e4' });
    expect(await ws.mountVersion('writer#1', '/out')).toBe(2);
    await ws.mount('editor#1', { kind: 'shared', path: '/out' });
    await ws.mount('editor#1', { kind: 'overlay', path: '/draft', over: '/out' });
    await ws.write('editor#1', '/draft/c.txt', 'C');
    expect(await ws.commitOverlay('editor#1', '/draft', 2)).toEqual({ ok: true, version: 3, files: ['/out/c.txt'] });
    // The commit keeps the ids: the write dispatched yet again still moves nothing.
    await ws.write('writer#1', '/out/a.txt', 'A', { effect: 'writer#1/e3' });
    expect(await ws.mountVersion('writer#1', '/out')).toBe(3);
  });
});

describe('overlays', () => {
  /** An editor whose "/draft" is a copy-on-write overlay over the shared "/docs". */
  async function editor(ws: Workspace, over: 'shared' | 'reference' = 'shared') {
    const source = await folder('inputs', { 'a.md': 'A', 'sub/b.md': 'B' });
    await ws.mount('editor#1', { kind: over, path: '/docs' }, source);
    await ws.mount('editor#1', { kind: 'overlay', path: '/draft', over: '/docs' });
    await ws.mount('reader#1', { kind: 'shared', path: '/docs' }, source);
    return source;
  }

  it('read the base until written, and writes stay in the overlay', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    expect(text(await ws.read('editor#1', '/draft/sub/b.md'))).toBe('B');
    await ws.write('editor#1', '/draft/a.md', 'A2');
    await ws.write('editor#1', '/draft/new.md', 'N');
    expect(text(await ws.read('editor#1', '/draft/a.md'))).toBe('A2');
    expect(text(await ws.read('editor#1', '/docs/a.md'))).toBe('A');
    expect(text(await ws.read('reader#1', '/docs/a.md'))).toBe('A');
    expect(failure(await ws.read('reader#1', '/docs/new.md'), '/docs/new.md').kind).toBe('not-found');
    expect(await ws.mountVersion('editor#1', '/docs')).toBe(0);
  });

  it('may lie at the path of their base, hiding it from the process that mounts both', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('e', { kind: 'shared', path: '/docs' });
    await ws.mount('e', { kind: 'overlay', path: '/docs', over: '/docs' });
    await ws.mount('other', { kind: 'shared', path: '/docs' });
    await ws.write('other', '/docs/a.md', 'A');
    await ws.write('e', '/docs/a.md', 'A by e');
    expect(text(await ws.read('e', '/docs/a.md'))).toBe('A by e');
    expect(text(await ws.read('other', '/docs/a.md'))).toBe('A');
    expect(await ws.commitOverlay('e', '/docs', 1)).toEqual({ ok: true, version: 2, files: ['/docs/a.md'] });
    expect(text(await ws.read('other', '/docs/a.md'))).toBe('A by e');
  });

  it('give a tool a new path whose folders the base lacks, made in the overlay only', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    const made = await ws.realPathFor('editor#1', '/draft/new/deep/out.bin', 'write');
    if (!made.ok) throw new Error(made.error.message);
    expect(made.path).toBe(join(ws.root, 'overlays', 'editor%231', 'draft', 'new', 'deep', 'out.bin'));
    expect(failure(await ws.read('reader#1', '/docs/new'), '/docs/new').kind).toBe('not-found');
  });

  it('list the overlay and the base together', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    await ws.write('editor#1', '/draft/a.md', 'A2');
    await ws.write('editor#1', '/draft/new.md', 'N');
    const listed = await ws.list('editor#1', '/draft');
    expect(listed.ok && listed.entries.map((e) => e.name)).toEqual(['a.md', 'new.md', 'sub']);
    const sub = await ws.list('editor#1', '/draft/sub');
    expect(sub.ok && sub.entries).toEqual([{ name: 'b.md', kind: 'file' }]);
  });

  it('copy a path up before a tool gets it, so the tool never changes the base; once only', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    const dir = await ws.realPathFor('editor#1', '/draft/sub', 'read');
    if (!dir.ok) throw new Error(dir.error.message);
    expect(dir.path).toBe(join(ws.root, 'overlays', 'editor%231', 'draft', 'sub'));
    await fs.writeFile(join(dir.path, 'b.md'), 'B by tool');
    await fs.writeFile(join(dir.path, 'c.md'), 'C by tool');
    expect(text(await ws.read('editor#1', '/draft/sub/b.md'))).toBe('B by tool');
    expect(text(await ws.read('editor#1', '/docs/sub/b.md'))).toBe('B');
    await fs.unlink(join(dir.path, 'b.md'));
    await ws.realPathFor('editor#1', '/draft/sub', 'read');
    await ws.realPathFor('editor#1', '/draft', 'read');
    expect(existsSync(join(dir.path, 'b.md'))).toBe(false);
    expect(text(await ws.read('editor#1', '/draft/sub/c.md'))).toBe('C by tool');
  });

  it('commit onto the base when its version is unchanged, and leave the overlay empty', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    await ws.write('editor#1', '/draft/a.md', 'A2');
    await ws.write('editor#1', '/draft/deep/new.md', 'N');
    const committed = await ws.commitOverlay('editor#1', '/draft', 0);
    expect(committed).toEqual({ ok: true, version: 1, files: ['/docs/a.md', '/docs/deep/new.md'] });
    expect(text(await ws.read('reader#1', '/docs/a.md'))).toBe('A2');
    expect(text(await ws.read('reader#1', '/docs/deep/new.md'))).toBe('N');
    expect(await ws.mountVersion('reader#1', '/docs')).toBe(1);
    expect(await fs.readdir(join(ws.root, 'overlays', 'editor%231', 'draft'))).toEqual([]);
    expect(await fs.readdir(join(ws.root, 'journal'))).toEqual([]);
  });

  it('a commit repeated after it happened succeeds again without copying', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    await ws.write('editor#1', '/draft/a.md', 'A2');
    await ws.commitOverlay('editor#1', '/draft', 0);
    expect(await ws.commitOverlay('editor#1', '/draft', 0)).toEqual({ ok: true, version: 1, files: [] });
  });

  it('refuse a commit whose base changed since the overlay began, leaving the base as it is', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    await ws.write('editor#1', '/draft/a.md', 'from the overlay');
    await ws.write('reader#1', '/docs/a.md', 'from the reader');
    const error = failure(await ws.commitOverlay('editor#1', '/draft', 0), '/draft');
    expect(error.kind).toBe('conflict');
    expect(error.message).toContain('now at version 1');
    expect(text(await ws.read('reader#1', '/docs/a.md'))).toBe('from the reader');
    expect(text(await ws.read('editor#1', '/draft/a.md'))).toBe('from the overlay');
  });

  it('discard everything written, leaving the base as it is', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await editor(ws);
    await ws.write('editor#1', '/draft/a.md', 'A2');
    expect((await ws.discardOverlay('editor#1', '/draft')).ok).toBe(true);
    expect(text(await ws.read('editor#1', '/draft/a.md'))).toBe('A');
    expect(text(await ws.read('reader#1', '/docs/a.md'))).toBe('A');
    expect(await ws.mountVersion('reader#1', '/docs')).toBe(0);
  });

  it('over a reference mount are readable and writable, but cannot be committed', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    const source = await editor(ws, 'reference');
    await ws.write('editor#1', '/draft/a.md', 'A2');
    expect(text(await ws.read('editor#1', '/draft/a.md'))).toBe('A2');
    expect(failure(await ws.commitOverlay('editor#1', '/draft', 0), '/draft').kind).toBe('read-only');
    expect(await fs.readFile(join(source, 'a.md'), 'utf8')).toBe('A');
  });

  /**
   * Opens a workspace, writes two files into the editor's overlay and starts a commit that stops
   * for good (as a crash would) once the first file reaches `phase`; resolves when it has stopped.
   */
  async function crashMidCommit(root: string, phase: 'staged' | 'placed'): Promise<void> {
    let stopped!: () => void;
    const crashed = new Promise<void>((resolve) => (stopped = resolve));
    const ws = await Workspace.create(root, {
      hooks: {
        afterCommitStep: (step) => {
          if (step !== phase) return;
          stopped();
          return new Promise<void>(() => undefined);
        },
      },
    });
    await editor(ws);
    await ws.write('editor#1', '/draft/a.md', 'A2');
    await ws.write('editor#1', '/draft/z.md', 'Z');
    void ws.commitOverlay('editor#1', '/draft', 0);
    await crashed;
  }

  it('a commit cut short by a crash while placing files is finished when the workspace is opened again', async () => {
    const root = join(base, 'ws');
    await crashMidCommit(root, 'placed');
    expect(await fs.readFile(join(root, 'shared', 'docs', 'a.md'), 'utf8')).toBe('A2');
    expect(existsSync(join(root, 'shared', 'docs', 'z.md'))).toBe(false);

    const reopened = await Workspace.create(root);
    expect(await fs.readdir(join(root, 'journal'))).toEqual([]);
    await editor(reopened);
    expect(text(await reopened.read('reader#1', '/docs/a.md'))).toBe('A2');
    expect(text(await reopened.read('reader#1', '/docs/z.md'))).toBe('Z');
    expect(await reopened.mountVersion('reader#1', '/docs')).toBe(1);
    expect(await fs.readdir(join(root, 'shared', 'docs'))).toEqual(['a.md', 'sub', 'z.md']);
    expect(await fs.readdir(join(root, 'overlays', 'editor%231', 'draft'))).toEqual([]);
    expect(await reopened.commitOverlay('editor#1', '/draft', 0)).toEqual({ ok: true, version: 1, files: [] });
  });

  it('a commit cut short by a crash while staging files is undone when the workspace is opened again', async () => {
    const root = join(base, 'ws');
    await crashMidCommit(root, 'staged');
    expect((await fs.readdir(join(root, 'shared', 'docs'))).some((name) => name.startsWith('.aos-tmp-'))).toBe(true);

    const reopened = await Workspace.create(root);
    expect(await fs.readdir(join(root, 'journal'))).toEqual([]);
    expect(await fs.readdir(join(root, 'shared', 'docs'))).toEqual(['a.md', 'sub']);
    await editor(reopened);
    expect(text(await reopened.read('reader#1', '/docs/a.md'))).toBe('A');
    expect(await reopened.mountVersion('reader#1', '/docs')).toBe(0);
    expect(text(await reopened.read('editor#1', '/draft/z.md'))).toBe('Z');
    expect(await reopened.commitOverlay('editor#1', '/draft', 0)).toEqual({ ok: true, version: 1, files: ['/docs/a.md', '/docs/z.md'] });
    expect(text(await reopened.read('reader#1', '/docs/z.md'))).toBe('Z');
  });
});

describe('writes cut short', () => {
  /** Every name below a folder, links not followed, as sorted relative paths. */
  async function namesBelow(dir: string, prefix = ''): Promise<string[]> {
    const names: string[] = [];
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      names.push(`${prefix}${entry.name}`);
      if (entry.isDirectory()) names.push(...(await namesBelow(join(dir, entry.name), `${prefix}${entry.name}/`)));
    }
    return names.sort();
  }
  const noSuffix = (names: readonly string[]) => names.map((name) => name.replace(/-[0-9a-f]{16}$/, '-…'));

  it('a write that fails after making folders for its file leaves neither them nor its temporary file, and keeps folders it did not make', async () => {
    const noSpace = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const ws = await Workspace.create(join(base, 'ws'), {
      hooks: {
        afterFill: (path) => {
          if (path.endsWith('f.txt')) throw noSpace;
        },
      },
    });
    await ws.mount('p', { kind: 'scratch', path: '/out' });
    const out = join(ws.root, 'scratch', 'p', 'out');
    await fs.mkdir(join(out, 'kept'));
    expect(failure(await ws.write('p', '/out/kept/new/deeper/f.txt', 'x'), '/out/kept/new/deeper/f.txt').kind).toBe('io');
    expect(failure(await ws.write('p', '/out/f.txt', 'x'), '/out/f.txt').kind).toBe('io');
    expect(await namesBelow(out)).toEqual(['kept']);
    expect((await ws.write('p', '/out/kept/new/g.txt', 'g')).ok).toBe(true);
    expect(await namesBelow(out)).toEqual(['kept', 'kept/new', 'kept/new/g.txt']);
  });

  it('what writes cut short by a crash left is removed when the workspace is opened again; nothing else is, and no link is followed', async () => {
    const root = join(base, 'ws');
    let crashed!: () => void;
    const atCrash = new Promise<void>((resolve) => (crashed = resolve));
    const ws = await Workspace.create(root, {
      hooks: {
        afterFill: (path) => {
          if (path !== '/out/old/new/deeper/f.txt') return;
          crashed();
          return new Promise<void>(() => undefined);
        },
      },
    });
    await ws.mount('main', { kind: 'shared', path: '/' });
    await ws.mount('p', { kind: 'shared', path: '/out' });
    const out = join(root, 'shared', 'out');
    await ws.write('p', '/out/old/f.txt', 'kept');
    await fs.mkdir(join(out, 'empty-by-a-tool'));
    const writing = ws.write('p', '/out/old/new/deeper/f.txt', 'lost');
    await Promise.race([atCrash, writing]);
    expect(noSuffix(await namesBelow(out))).toEqual(['empty-by-a-tool', 'old', 'old/.aos-made-…', 'old/f.txt', 'old/new', 'old/new/deeper', 'old/new/deeper/.aos-tmp-…']);

    // Leftovers of other crashes: a seed copied in part, a record's temporary file, and a note
    // whose write did finish (only the note's removal was lost).
    await fs.mkdir(join(root, 'shared', '.aos-seed-0123456789abcdef', 'sub'), { recursive: true });
    await fs.writeFile(join(root, 'shared', '.aos-seed-0123456789abcdef', 'sub', 'part.txt'), 'part');
    await fs.writeFile(join(root, 'versions', '.tmp-0123456789abcdef'), '{"vers');
    await fs.mkdir(join(out, 'done'));
    await fs.writeFile(join(out, 'done', 'g.txt'), 'done');
    await fs.writeFile(join(out, '.aos-made-0123456789abcdef'), JSON.stringify({ made: 'done' }));
    // A link out of the workspace, to a folder holding a name the sweep would remove.
    await fs.mkdir(join(base, 'outside'));
    await fs.writeFile(join(base, 'outside', '.aos-tmp-0123456789abcdef'), 'not the workspace\'s');
    await fs.symlink(join(base, 'outside'), join(out, 'link'));

    await Workspace.create(root);
    expect(await namesBelow(out)).toEqual(['done', 'done/g.txt', 'empty-by-a-tool', 'link', 'old', 'old/f.txt']);
    expect(await fs.readdir(join(root, 'shared'))).toEqual(['out']);
    expect(await fs.readdir(join(root, 'versions'))).toEqual(['shared%20%2Fout.json']);
    expect(await fs.readdir(join(base, 'outside'))).toEqual(['.aos-tmp-0123456789abcdef']);
  });
});
