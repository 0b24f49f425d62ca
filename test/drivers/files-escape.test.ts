// The escape corpus: every way a path could lead the file driver outside a mount — symlinks out
// (files, directories, absolute targets, sibling prefixes like "/out" vs "/out-evil"), ".." and NUL
// in virtual paths, loops, hard links, FIFOs, a symlink swapped in between the check and the
// open, and a mount's directory (or a folder above it, or the workspace's own folders) that is a
// symlink when it is made or becomes one later — is refused, nothing outside is read or written,
// and no file result names a host path.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace, type FileResult, type WorkspaceHooks } from '../../src/drivers/files.js';

const SECRET = 'SECRET';
let base: string;
/** A directory outside every mount, holding secret.txt. */
let outside: string;

beforeEach(async () => {
  base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'aos-escape-')));
  outside = join(base, 'outside');
  await fs.mkdir(outside);
  await fs.writeFile(join(outside, 'secret.txt'), SECRET);
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** Process "p" with a scratch mount at "/out"; returns the workspace and the mount's directory on disk. */
async function scratch(hooks: WorkspaceHooks = {}): Promise<{ ws: Workspace; out: string }> {
  const ws = await Workspace.create(join(base, 'ws'), { hooks });
  await ws.mount('p', { kind: 'scratch', path: '/out' });
  return { ws, out: join(ws.root, 'scratch', 'p', 'out') };
}

/** The error kind, checked to name the virtual path, no host path, and not to carry the secret. */
function refused(result: FileResult<object>, virtualPath: string): string {
  if (result.ok) throw new Error(`expected ${virtualPath} to be refused, got ${JSON.stringify(result)}`);
  expect(result.error.message).toContain(JSON.stringify(virtualPath).slice(0, 40));
  expect(result.error.message).not.toContain(base);
  expect(result.error.message).not.toContain(SECRET);
  return result.error.kind;
}

async function outsideUnchanged(): Promise<void> {
  expect(await fs.readdir(outside)).toEqual(['secret.txt']);
  expect(await fs.readFile(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
}

describe('symlinks leading out of a mount', () => {
  it('a relative symlink to a file outside is refused for reading, listing and tools', async () => {
    const { ws, out } = await scratch();
    await fs.symlink('../../../../outside/secret.txt', join(out, 'leak'));
    expect(await fs.readFile(join(out, 'leak'), 'utf8')).toBe(SECRET);
    expect(refused(await ws.read('p', '/out/leak'), '/out/leak')).toBe('escape');
    expect(refused(await ws.realPathFor('p', '/out/leak', 'read'), '/out/leak')).toBe('escape');
  });

  it('a symlinked directory outside is refused for reading, writing, listing and tools', async () => {
    const { ws, out } = await scratch();
    await fs.symlink(outside, join(out, 'dir'));
    expect(refused(await ws.read('p', '/out/dir/secret.txt'), '/out/dir/secret.txt')).toBe('escape');
    expect(refused(await ws.write('p', '/out/dir/planted.txt', 'x'), '/out/dir/planted.txt')).toBe('escape');
    expect(refused(await ws.write('p', '/out/dir/secret.txt', 'x'), '/out/dir/secret.txt')).toBe('escape');
    expect(refused(await ws.list('p', '/out/dir'), '/out/dir')).toBe('escape');
    expect(refused(await ws.realPathFor('p', '/out/dir/new', 'write'), '/out/dir/new')).toBe('escape');
    await outsideUnchanged();
  });

  it('an absolute symlink target is refused outside the mount and followed inside it', async () => {
    const { ws, out } = await scratch();
    await fs.symlink(join(outside, 'secret.txt'), join(out, 'abs-out'));
    await ws.write('p', '/out/real.txt', 'inside');
    await fs.symlink(join(out, 'real.txt'), join(out, 'abs-in'));
    expect(refused(await ws.read('p', '/out/abs-out'), '/out/abs-out')).toBe('escape');
    const inside = await ws.read('p', '/out/abs-in');
    expect(inside.ok && inside.bytes.toString()).toBe('inside');
  });

  it('a symlink to a sibling with the mount\'s name as prefix ("/out" vs "out-evil") is refused', async () => {
    const source = join(base, 'out');
    const evil = join(base, 'out-evil');
    await fs.mkdir(source);
    await fs.mkdir(evil);
    await fs.writeFile(join(evil, 'secret.txt'), SECRET);
    await fs.symlink('../out-evil', join(source, 'rel'));
    await fs.symlink(join(evil, 'secret.txt'), join(source, 'abs'));
    await fs.symlink(evil, join(source, 'absdir'));
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('p', { kind: 'reference', path: '/out' }, source);
    expect(refused(await ws.read('p', '/out/rel/secret.txt'), '/out/rel/secret.txt')).toBe('escape');
    expect(refused(await ws.read('p', '/out/abs'), '/out/abs')).toBe('escape');
    expect(refused(await ws.list('p', '/out/absdir'), '/out/absdir')).toBe('escape');
  });

  it('a symlink climbing above the mount root is refused; ".." that stays inside is followed', async () => {
    const { ws, out } = await scratch();
    await ws.write('p', '/out/sub/file', 'kept');
    await fs.symlink('../..', join(out, 'sub', 'up'));
    await fs.symlink('../sub/../sub/file', join(out, 'sub', 'round'));
    expect(refused(await ws.read('p', '/out/sub/up/p/out/sub/file'), '/out/sub/up/p/out/sub/file')).toBe('escape');
    expect(refused(await ws.list('p', '/out/sub/up'), '/out/sub/up')).toBe('escape');
    const round = await ws.read('p', '/out/sub/round');
    expect(round.ok && round.bytes.toString()).toBe('kept');
  });

  it('symlink loops are refused as invalid paths, not followed forever', async () => {
    const { ws, out } = await scratch();
    await fs.symlink('b', join(out, 'a'));
    await fs.symlink('a', join(out, 'b'));
    await fs.symlink('self', join(out, 'self'));
    await fs.symlink('deeper/x', join(out, 'deeper'));
    for (const path of ['/out/a', '/out/self', '/out/deeper', '/out/a/x']) {
      const kind = refused(await ws.read('p', path), path);
      expect(kind).toBe('invalid-path');
    }
    expect(refused(await ws.write('p', '/out/a/x', 'x'), '/out/a/x')).toBe('invalid-path');
  });

  it('writing over a symlink replaces the link and never writes through it', async () => {
    const { ws, out } = await scratch();
    await fs.symlink(join(outside, 'secret.txt'), join(out, 'link'));
    expect((await ws.write('p', '/out/link', 'replaced')).ok).toBe(true);
    expect((await fs.lstat(join(out, 'link'))).isFile()).toBe(true);
    await outsideUnchanged();
  });

  it('a mount whose directory was replaced by a symlink is refused', async () => {
    const { ws, out } = await scratch();
    await fs.rm(out, { recursive: true });
    await fs.symlink(outside, out);
    expect(refused(await ws.read('p', '/out/secret.txt'), '/out/secret.txt')).toBe('escape');
    expect(refused(await ws.write('p', '/out/planted', 'x'), '/out/planted')).toBe('escape');
    await outsideUnchanged();
  });
});

describe('mount directories and the workspace\'s own folders', () => {
  /** A workspace with main's "/" mounted, as a run has it. */
  async function withRoot(): Promise<Workspace> {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('main', { kind: 'shared', path: '/' });
    return ws;
  }

  /** The mount is refused as an escape, naming the mount, the process, the host path and the link's target. */
  async function refusedMount(mounting: Promise<void>, mount: string, process: string, path: string, target: string): Promise<void> {
    await expect(mounting).rejects.toMatchObject({
      code: 'workspace.escape',
      message: `mount ${JSON.stringify(mount)} of process ${JSON.stringify(process)}: ${JSON.stringify(path)} is a symbolic link (to ${JSON.stringify(target)}); a mount's directory and every folder above it must be real directories inside the workspace`,
    });
  }

  it('a mount whose directory, or a folder above it, is a symbolic link out when it is made is refused, and nothing is made outside', async () => {
    const ws = await withRoot();
    await fs.mkdir(join(ws.root, 'shared', 'data'));
    await fs.symlink('../../../outside', join(ws.root, 'shared', 'data', 'sub'));
    await refusedMount(ws.mount('reader#1', { kind: 'shared', path: '/data/sub' }), '/data/sub', 'reader#1', join(ws.root, 'shared', 'data', 'sub'), '../../../outside');
    await fs.symlink(outside, join(ws.root, 'shared', 'up'));
    await refusedMount(ws.mount('reader#2', { kind: 'shared', path: '/up/deep' }), '/up/deep', 'reader#2', join(ws.root, 'shared', 'up'), outside);
    await fs.symlink(outside, join(ws.root, 'scratch', 'w%231'));
    await refusedMount(ws.mount('w#1', { kind: 'scratch', path: '/tmp' }), '/tmp', 'w#1', join(ws.root, 'scratch', 'w%231'), outside);
    await fs.symlink(outside, join(ws.root, 'overlays', 'e'));
    await ws.mount('e', { kind: 'shared', path: '/docs' });
    await refusedMount(ws.mount('e', { kind: 'overlay', path: '/draft', over: '/docs' }), '/draft', 'e', join(ws.root, 'overlays', 'e'), outside);
    await outsideUnchanged();
  });

  it('a mount whose directory is a link to another folder of the workspace is refused too: it would alias another mount', async () => {
    const ws = await withRoot();
    await ws.write('main', '/docs/a.md', 'docs');
    await fs.symlink('docs', join(ws.root, 'shared', 'alias'));
    await refusedMount(ws.mount('w#1', { kind: 'shared', path: '/alias' }), '/alias', 'w#1', join(ws.root, 'shared', 'alias'), 'docs');
  });

  it('swapped for a link out after it was made, a mount\'s directory is refused to its process at each use and to every process that mounts it later', async () => {
    const ws = await withRoot();
    await ws.mount('sleeper#1', { kind: 'shared', path: '/out' });
    await ws.write('sleeper#1', '/out/before.txt', 'before');
    const out = join(ws.root, 'shared', 'out');
    await fs.rename(out, join(base, 'aside'));
    await fs.symlink(outside, out);
    expect(refused(await ws.write('sleeper#1', '/out/after.txt', 'after'), '/out/after.txt')).toBe('escape');
    expect(refused(await ws.read('sleeper#1', '/out/secret.txt'), '/out/secret.txt')).toBe('escape');
    await refusedMount(ws.mount('late#1', { kind: 'shared', path: '/out' }), '/out', 'late#1', out, outside);
    expect(await ws.mountProblem('late#1', { kind: 'shared', path: '/out' })).toBe(`${JSON.stringify(out)} is a symbolic link (to ${JSON.stringify(outside)})`);
    expect(await ws.mountProblem('late#1', { kind: 'shared', path: '/elsewhere' })).toBeUndefined();
    await outsideUnchanged();
  });

  it('an overlay or a base swapped for a link out is neither committed into nor cleared through', async () => {
    const ws = await withRoot();
    await ws.mount('e', { kind: 'shared', path: '/docs' });
    await ws.mount('e', { kind: 'overlay', path: '/draft', over: '/docs' });
    await ws.write('e', '/draft/a.md', 'A');
    const docs = join(ws.root, 'shared', 'docs');
    await fs.rename(docs, join(base, 'docs-aside'));
    await fs.symlink(outside, docs);
    expect(refused(await ws.commitOverlay('e', '/draft', 0), '/draft')).toBe('escape');
    await outsideUnchanged();

    // The folder above the overlay swapped for a link to a folder outside that holds a "draft".
    const elsewhere = join(base, 'elsewhere');
    await fs.mkdir(join(elsewhere, 'draft'), { recursive: true });
    await fs.writeFile(join(elsewhere, 'draft', 'kept.md'), 'kept');
    const overlays = join(ws.root, 'overlays', 'e');
    await fs.rename(overlays, join(base, 'overlays-aside'));
    await fs.symlink(elsewhere, overlays);
    expect(refused(await ws.discardOverlay('e', '/draft'), '/draft')).toBe('escape');
    expect(await fs.readFile(join(elsewhere, 'draft', 'kept.md'), 'utf8')).toBe('kept');
  });

  it('a workspace whose folder, or one of its own folders, is a symbolic link is refused when opened, and its records are never written through a link', async () => {
    await fs.symlink(outside, join(base, 'ws-link'));
    await expect(Workspace.create(join(base, 'ws-link'))).rejects.toMatchObject({ code: 'workspace.escape', message: expect.stringContaining(`${JSON.stringify(join(base, 'ws-link'))} is a symbolic link`) });
    await outsideUnchanged();

    const ws = await withRoot();
    await ws.mount('e', { kind: 'shared', path: '/docs' });
    const versions = join(ws.root, 'versions');
    await fs.rm(versions, { recursive: true });
    await fs.symlink(outside, versions);
    expect(refused(await ws.write('e', '/docs/a.md', 'A'), '/docs/a.md')).toBe('escape');
    await outsideUnchanged();
    await expect(Workspace.create(ws.root)).rejects.toMatchObject({ code: 'workspace.escape', message: expect.stringContaining(`${JSON.stringify(versions)} is a symbolic link`) });
  });
});

describe('virtual paths the kernel should never send', () => {
  const bad = ['/out/../outside/secret.txt', '/out/a\0b', 'out/a', '/out//a', '/out/./a', '/out/a/', '', '/out/a\\b', '/out/.aos-tmp-1', '/out/..'];

  it.each(bad)('%j is an invalid path for every operation, and nothing is written', async (path) => {
    const { ws, out } = await scratch();
    expect(refused(await ws.read('p', path), path)).toBe('invalid-path');
    expect(refused(await ws.write('p', path, 'x'), path)).toBe('invalid-path');
    expect(refused(await ws.list('p', path), path)).toBe('invalid-path');
    expect(refused(await ws.realPathFor('p', path, 'write'), path)).toBe('invalid-path');
    expect(await fs.readdir(out)).toEqual([]);
    await outsideUnchanged();
  });
});

describe('a symlink swapped in between the check and the open', () => {
  it('after the lexical check, replacing the file by a symlink out is refused', async () => {
    let swap = false;
    const { ws, out } = await scratch({
      beforeOpen: async (_virtual, host) => {
        if (!swap) return;
        await fs.rm(host, { force: true });
        await fs.symlink(join(outside, 'secret.txt'), host);
      },
    });
    await ws.write('p', '/out/f', 'harmless');
    swap = true;
    expect(refused(await ws.read('p', '/out/f'), '/out/f')).toBe('escape');
    expect(refused(await ws.realPathFor('p', '/out/f', 'read'), '/out/f')).toBe('escape');
    expect((await fs.lstat(join(out, 'f'))).isSymbolicLink()).toBe(true);
  });

  it('after the lexical check, replacing a parent directory by a symlink out is refused for writes', async () => {
    let swap = false;
    const { ws, out } = await scratch({
      beforeOpen: async () => {
        if (!swap) return;
        await fs.rm(join(out, 'dir'), { recursive: true, force: true });
        await fs.symlink(outside, join(out, 'dir'));
      },
    });
    await ws.write('p', '/out/dir/f', 'harmless');
    swap = true;
    expect(refused(await ws.write('p', '/out/dir/secret.txt', 'overwritten'), '/out/dir/secret.txt')).toBe('escape');
    expect(refused(await ws.write('p', '/out/dir/new', 'planted'), '/out/dir/new')).toBe('escape');
    await outsideUnchanged();
  });

  it('between looking a name up and opening it, a symlink, a directory or a FIFO swapped in is refused', async () => {
    let replacement: ((host: string) => Promise<void>) | undefined;
    const { ws, out } = await scratch({
      afterLookup: async (virtualPath) => {
        if (replacement === undefined || virtualPath !== '/out/f') return;
        await fs.rm(join(out, 'f'), { recursive: true, force: true });
        await replacement(join(out, 'f'));
      },
    });
    const swaps: ((host: string) => Promise<void>)[] = [
      (host) => fs.symlink(join(outside, 'secret.txt'), host),
      (host) => fs.mkdir(host),
      async (host) => {
        execFileSync('mkfifo', [host]);
      },
    ];
    for (const swap of swaps) {
      replacement = undefined;
      await fs.rm(join(out, 'f'), { recursive: true, force: true });
      await ws.write('p', '/out/f', 'harmless');
      replacement = swap;
      expect(refused(await ws.read('p', '/out/f'), '/out/f')).toBe('escape');
    }
  });
});

describe('other ways out', () => {
  it('a hard link to a file outside, planted in a writable mount, is refused', async () => {
    const { ws, out } = await scratch();
    await fs.link(join(outside, 'secret.txt'), join(out, 'hard'));
    expect(refused(await ws.read('p', '/out/hard'), '/out/hard')).toBe('escape');
  });

  it('a commit into a base directory swapped for a symlink out fails whole, changing nothing', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('e', { kind: 'shared', path: '/docs' });
    await ws.mount('e', { kind: 'overlay', path: '/draft', over: '/docs' });
    await ws.write('e', '/docs/keep.md', 'kept');
    await ws.write('e', '/draft/a.md', 'A');
    await ws.write('e', '/draft/sub/secret.txt', 'overwritten');
    await fs.symlink(outside, join(ws.root, 'shared', 'docs', 'sub'));
    expect(refused(await ws.commitOverlay('e', '/draft', 1), '/draft')).toBe('escape');
    await outsideUnchanged();
    expect(await fs.readdir(join(ws.root, 'shared', 'docs'))).toEqual(['keep.md', 'sub']);
    expect(await fs.readdir(join(ws.root, 'journal'))).toEqual([]);
    expect(await ws.mountVersion('e', '/docs')).toBe(1);
    const draft = await ws.read('e', '/draft/a.md');
    expect(draft.ok && draft.bytes.toString()).toBe('A');
  });

  it('a hard link to a file outside, planted in an overlay, is not committed', async () => {
    const ws = await Workspace.create(join(base, 'ws'));
    await ws.mount('e', { kind: 'shared', path: '/docs' });
    await ws.mount('e', { kind: 'overlay', path: '/draft', over: '/docs' });
    await fs.link(join(outside, 'secret.txt'), join(ws.root, 'overlays', 'e', 'draft', 'copy.txt'));
    expect(refused(await ws.commitOverlay('e', '/draft', 0), '/draft')).toBe('escape');
    expect(await fs.readdir(join(ws.root, 'shared', 'docs'))).toEqual([]);
  });

  it('a FIFO is not a file, and reading it does not wait for a writer', async () => {
    const { ws, out } = await scratch();
    execFileSync('mkfifo', [join(out, 'pipe')]);
    expect(refused(await ws.read('p', '/out/pipe'), '/out/pipe')).toBe('not-a-file');
  });

  it('any path built from dangerous pieces either stays inside or is refused', async () => {
    const { ws, out } = await scratch();
    await fs.symlink(outside, join(out, 'dir'));
    await fs.symlink('../../../../outside/secret.txt', join(out, 'leak'));
    await fs.symlink('..', join(out, 'up'));
    await fs.mkdir(join(base, 'ws', 'scratch', 'p', 'out-evil'));
    await fs.symlink(join(base, 'ws', 'scratch', 'p', 'out-evil'), join(out, 'evil'));
    const piece = fc.constantFrom('..', '.', '', 'dir', 'leak', 'up', 'evil', 'secret.txt', 'new', 'a\0', 'out', 'out-evil');
    const path = fc.tuple(fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 5 })).map(([absolute, pieces]) => `${absolute ? '/' : ''}${pieces.join('/')}`);
    await fc.assert(
      fc.asyncProperty(path, async (virtualPath) => {
        const read = await ws.read('p', virtualPath);
        if (read.ok) expect(read.bytes.toString()).not.toBe(SECRET);
        else refused(read, virtualPath);
        await ws.write('p', virtualPath, 'planted');
        await outsideUnchanged();
        expect(await fs.readdir(join(base, 'ws', 'scratch', 'p', 'out-evil'))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
