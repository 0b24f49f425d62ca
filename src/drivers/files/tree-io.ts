// Reading, writing, copying and listing inside a confined tree, each through walks (confined.ts).
// Writes go to a temporary file beside the target, created with O_EXCL|O_NOFOLLOW and checked,
// then renamed over the target, so a reader never sees half a file; the folders a write makes for
// its file are noted until it is in place, so a failed write leaves none behind (leftovers.ts). A
// commit stages all its temporary files before it renames any. A copy keeps its source's
// permission bits, so a program a tool built is still executable after a copy-up or a commit.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, type Dirent, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { FileProblem, entryKind, errnoOf, fdPath, ioProblem, makeDirectory, withWalk, type EntryKind, type Located, type MakeDirectory, type Tree, type Walk, type WalkHooks } from './confined.js';
import { MadeDirectories } from './leftovers.js';
import { RESERVED_PREFIX, TEMPORARY_PREFIX, below, quote } from './virtual-paths.js';

export interface WriteHooks extends WalkHooks {
  /** Tests only: runs after a temporary file is filled and synced, before its rename; a promise that never settles stands for a crash there. */
  readonly afterFill?: (virtualPath: string) => void | Promise<void>;
}

const COPY_CHUNK = 1 << 20;
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** Reads a regular file of at most `cap` bytes. */
export async function readFile(tree: Tree, segments: readonly string[], virtualPath: string, cap: number, hooks: WalkHooks = {}): Promise<Buffer> {
  return withWalk(tree, hooks, async (walk) => {
    const found = await walk.locate(segments);
    if (found.kind !== 'file') throw notAFile(found, virtualPath);
    try {
      return await readCapped(found.handle, found.stats.size, virtualPath, cap);
    } finally {
      await found.handle.close();
    }
  });
}

function notAFile(found: Exclude<Located, { kind: 'file' }>, virtualPath: string): FileProblem {
  switch (found.kind) {
    case 'missing':
      return new FileProblem('not-found', `${quote(virtualPath)} does not exist`);
    case 'directory':
      return new FileProblem('not-a-file', `${quote(virtualPath)} is a directory`);
    case 'other':
      return new FileProblem('not-a-file', `${quote(virtualPath)} is not a regular file`);
  }
}

async function readCapped(handle: FileHandle, size: number, virtualPath: string, cap: number): Promise<Buffer> {
  const tooLarge = () => new FileProblem('too-large', `${quote(virtualPath)} is larger than the limit of ${cap} bytes`);
  if (size > cap) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    // Read one byte past the cap, so a file that grew since fstat is caught.
    const buffer = Buffer.allocUnsafe(Math.min(COPY_CHUNK, cap + 1 - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > cap) throw tooLarge();
  }
  return Buffer.concat(chunks, total);
}

/** A fresh name for a temporary file; the reserved prefix keeps it out of listings and paths. */
export const temporaryName = (): string => `${TEMPORARY_PREFIX}${randomBytes(8).toString('hex')}`;

/** The permission bits a written file is created with (less the umask). */
const NEW_FILE_MODE = 0o644;

/** The permission bits of a file, to give its copy (never set-id or sticky bits). */
const permissions = (stats: Stats): number => stats.mode & 0o777;

/**
 * Replaces (or creates) a file atomically: the parent directories are walked (and made), a
 * temporary file is filled beside the target and renamed over it. A symlink at the target is
 * replaced, never written through. A write that fails removes the directories it made, unless
 * something else was put in them since. `ifAbsent` skips the write when the target exists; `mode`
 * sets the file's permission bits exactly (otherwise they are 0644 less the umask).
 */
export async function writeFile(
  tree: Tree,
  segments: readonly string[],
  virtualPath: string,
  fill: (handle: FileHandle) => Promise<void>,
  options: { readonly ifAbsent?: boolean; readonly hooks?: WriteHooks; readonly mode?: number } = {},
): Promise<boolean> {
  const hooks = options.hooks ?? {};
  return withWalk(tree, hooks, async (walk) => {
    const made = new MadeDirectories();
    try {
      const name = await enterParent(walk, segments, virtualPath, made.make);
      if (options.ifAbsent && (await walk.lstat(name)) !== undefined) {
        await made.keep();
        return false;
      }
      const temporary = temporaryName();
      await fillTemporary(walk, temporary, virtualPath, fill, options.mode);
      try {
        await hooks.afterFill?.(virtualPath);
      } catch (error) {
        await fs.unlink(walk.entry(temporary)).catch(() => undefined);
        throw error;
      }
      await renameInto(walk, temporary, name, virtualPath);
    } catch (error) {
      await made.undo();
      throw error;
    }
    await made.keep();
    return true;
  });
}

/** Copies a file into a temporary file beside its target in another tree, for `placeStaged` to rename later; false when the source is gone. */
export async function stageFile(from: Tree, to: Tree, segments: readonly string[], temporary: string): Promise<boolean> {
  return withWalk(from, {}, async (source) => {
    const found = await source.locate(segments);
    if (found.kind === 'missing') return false;
    if (found.kind !== 'file') throw notAFile(found, below(from.virtualRoot, segments));
    try {
      const virtualPath = below(to.virtualRoot, segments);
      await withWalk(to, {}, async (walk) => {
        await enterParent(walk, segments, virtualPath, makeDirectory);
        await fillTemporary(walk, temporary, virtualPath, (target) => copyHandle(found.handle, target), permissions(found.stats));
      });
      return true;
    } finally {
      await found.handle.close();
    }
  });
}

/** Renames a staged file over its target; false when it is not there (already placed, or never staged). */
export async function placeStaged(tree: Tree, segments: readonly string[], temporary: string): Promise<boolean> {
  const virtualPath = below(tree.virtualRoot, segments);
  return withWalk(tree, {}, async (walk) => {
    const name = await enterParent(walk, segments, virtualPath).catch((error: unknown) => {
      if (error instanceof FileProblem && error.kind === 'not-found') return undefined;
      throw error;
    });
    if (name === undefined || (await walk.lstat(temporary)) === undefined) return false;
    await renameInto(walk, temporary, name, virtualPath, true);
    return true;
  });
}

/**
 * Removes a staged file if it can be reached inside the tree. Where it cannot (its directory was
 * swapped since), it stays behind under its reserved name, which no path or listing shows.
 */
export async function dropStaged(tree: Tree, segments: readonly string[], temporary: string): Promise<void> {
  const virtualPath = below(tree.virtualRoot, segments);
  await withWalk(tree, {}, async (walk) => {
    await walk.enter(segments.slice(0, -1));
    await fs.unlink(walk.entry(temporary)).catch((error: unknown) => {
      if (errnoOf(error) !== 'ENOENT') throw ioProblem(error, virtualPath);
    });
  }).catch((error: unknown) => {
    if (!(error instanceof FileProblem)) throw error;
  });
}

/** Walks to the directory that holds the target (making missing ones with `make`) and returns the target's name; a directory there is refused. */
async function enterParent(walk: Walk, segments: readonly string[], virtualPath: string, make?: MakeDirectory): Promise<string> {
  const name = segments[segments.length - 1];
  if (name === undefined) throw new FileProblem('not-a-file', `${quote(virtualPath)} is the root of a mount, a directory`);
  await walk.enter(segments.slice(0, -1), make);
  if ((await walk.lstat(name))?.isDirectory()) throw new FileProblem('not-a-file', `${quote(virtualPath)} is a directory`);
  return name;
}

/**
 * Creates the temporary file with O_EXCL|O_NOFOLLOW, checks where it really is, fills and syncs
 * it; removes it on failure. A given `mode` is set exactly, whatever the umask.
 */
async function fillTemporary(walk: Walk, temporary: string, virtualPath: string, fill: (handle: FileHandle) => Promise<void>, mode?: number): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fs.open(walk.entry(temporary), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, NEW_FILE_MODE);
  } catch (error) {
    throw ioProblem(error, virtualPath);
  }
  try {
    await walk.checkInside(handle, virtualPath, false);
    if (mode !== undefined) await handle.chmod(mode);
    await fill(handle);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.unlink(walk.entry(temporary)).catch(() => undefined);
    throw ioProblem(error, virtualPath);
  }
  await handle.close();
}

/** Renames within the walk's current directory and syncs it, so the new name is durable; a staged file outlives a failure, for the journal. */
async function renameInto(walk: Walk, temporary: string, name: string, virtualPath: string, keepOnFailure = false): Promise<void> {
  try {
    await fs.rename(walk.entry(temporary), walk.entry(name));
  } catch (error) {
    if (!keepOnFailure) await fs.unlink(walk.entry(temporary)).catch(() => undefined);
    throw ioProblem(error, virtualPath);
  }
  await walk.current.sync();
}

/** Copies from an open handle to another, in chunks. */
export async function copyHandle(from: FileHandle, to: FileHandle): Promise<void> {
  const buffer = Buffer.allocUnsafe(COPY_CHUNK);
  for (;;) {
    const { bytesRead } = await from.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    let written = 0;
    while (written < bytesRead) written += (await to.write(buffer, written, bytesRead - written)).bytesWritten;
  }
}

/** Copies one regular file between trees (atomically at the target); false when the source is gone or `ifAbsent` found a target. */
export async function copyFile(from: Tree, to: Tree, segments: readonly string[], options: { readonly ifAbsent?: boolean } = {}): Promise<boolean> {
  const sourcePath = below(from.virtualRoot, segments);
  return withWalk(from, {}, async (walk) => {
    const found = await walk.locate(segments);
    if (found.kind === 'missing') return false;
    if (found.kind !== 'file') throw notAFile(found, sourcePath);
    try {
      return await writeFile(to, segments, below(to.virtualRoot, segments), (target) => copyHandle(found.handle, target), { ...options, mode: permissions(found.stats) });
    } finally {
      await found.handle.close();
    }
  });
}

/** Makes each missing directory of a path, as `mkdir -p` would, without leaving the tree. */
export async function makeDirectories(tree: Tree, segments: readonly string[]): Promise<void> {
  await withWalk(tree, {}, (walk) => walk.enter(segments, makeDirectory));
}

/** Recreates a symlink verbatim unless the name exists. Reads through it are still confined. */
export async function copySymlink(to: Tree, segments: readonly string[], target: string): Promise<void> {
  const name = segments[segments.length - 1] as string;
  await withWalk(to, {}, async (walk) => {
    await walk.enter(segments.slice(0, -1), makeDirectory);
    if ((await walk.lstat(name)) !== undefined) return;
    await fs.symlink(target, walk.entry(name)).catch((error: unknown) => {
      if (errnoOf(error) !== 'EEXIST') throw ioProblem(error, below(to.virtualRoot, segments));
    });
  });
}

/** The entries of the current directory of a walk, host names excluded, sorted by code unit. */
export async function entriesHere(walk: Walk): Promise<{ name: string; kind: EntryKind }[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(`${fdPath(walk.current)}`, { withFileTypes: true });
  } catch (error) {
    throw ioProblem(error, walk.at());
  }
  return entries
    .filter((entry) => !entry.name.startsWith(RESERVED_PREFIX))
    .map((entry) => ({ name: entry.name, kind: entryKind(entry) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every entry below a directory, depth first, without following symlinks; paths are segment lists. */
export async function entriesBelow(tree: Tree, segments: readonly string[]): Promise<{ segments: string[]; kind: EntryKind; target?: string }[]> {
  return withWalk(tree, {}, async (walk) => {
    const found = await walk.locate(segments);
    if (found.kind === 'missing') return [];
    if (found.kind === 'file') await found.handle.close();
    if (found.kind !== 'directory') throw new FileProblem('not-a-directory', `${quote(below(tree.virtualRoot, segments))} is not a directory`);
    const out: { segments: string[]; kind: EntryKind; target?: string }[] = [];
    const visit = async (prefix: string[]): Promise<void> => {
      for (const entry of await entriesHere(walk)) {
        const path = [...prefix, entry.name];
        if (entry.kind === 'symlink') out.push({ segments: path, kind: 'symlink', target: await fs.readlink(walk.entry(entry.name)) });
        else out.push({ segments: path, kind: entry.kind });
        if (entry.kind !== 'directory') continue;
        await walk.pushDirectory(entry.name);
        await visit(path);
        await walk.up();
      }
    };
    await visit([...segments]);
    return out;
  });
}

/** The real path a tool may be given: the file or directory itself, or where a missing final name would be created. */
export async function realPath(tree: Tree, segments: readonly string[], virtualPath: string, create: boolean, hooks: WalkHooks = {}): Promise<{ path: string; kind: 'file' | 'directory' | 'missing' }> {
  return withWalk(tree, hooks, async (walk) => {
    const found = await walk.locate(segments, create ? makeDirectory : undefined);
    switch (found.kind) {
      case 'file':
        try {
          return { path: await fs.readlink(fdPath(found.handle)), kind: 'file' };
        } finally {
          await found.handle.close();
        }
      case 'directory':
        await walk.checkInside(walk.current, virtualPath, true);
        return { path: await fs.readlink(fdPath(walk.current)), kind: 'directory' };
      case 'missing':
        await walk.checkInside(walk.current, virtualPath, true);
        return { path: `${await fs.readlink(fdPath(walk.current))}/${found.name}`, kind: 'missing' };
      case 'other':
        throw new FileProblem('not-a-file', `${quote(virtualPath)} is not a regular file or directory`);
    }
  });
}
