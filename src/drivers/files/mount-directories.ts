// Where each mount lives in the workspace, and making it there. A mount's directory is named,
// never resolved: it and every folder above it must be real directories, opened one at a time
// with O_NOFOLLOW, since a tool may have planted a link on the way that would put the mount
// outside the workspace or on top of another mount. The same holds for the workspace folder and
// its own folders. Messages name host paths: they go to the operator, never to the log.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { MountEntry } from '../../bytecode/format.js';
import { makeDirectory, withWalk, type Stuck, type Tree, type Walk } from './confined.js';
import { WorkspaceError } from './journal.js';
import { removeTree } from './leftovers.js';
import { SEED_PREFIX, encodeName, quote, segmentsOf } from './virtual-paths.js';

/** A mount's directory and the folders above it, relative to the workspace; undefined for a reference mount, which lies outside. */
export function storageOf(processName: string, entry: MountEntry): string[] | undefined {
  const segments = segmentsOf(entry.path);
  switch (entry.kind) {
    case 'scratch':
      return ['scratch', encodeName(processName), ...segments];
    case 'shared':
      return ['shared', ...segments];
    case 'overlay':
      return ['overlays', encodeName(processName), ...segments];
    case 'reference':
      return undefined;
  }
}

/** A mount in the workspace by its name, never resolved: a walk opens it and refuses it unless it is that very directory. */
export function mountTree(root: string, storage: readonly string[], virtualRoot: string): Tree {
  return { realRoot: join(root, ...storage), virtualRoot, refuseHardLinks: true };
}

/** The workspace as a tree whose messages name host paths. */
const hostTree = (root: string): Tree => ({ realRoot: root, virtualRoot: root, refuseHardLinks: false });

/**
 * Makes a mount's directory and the folders above it, each a real directory; a link or a file on
 * the way refuses the mount, naming it. A new directory is seeded with a copy of `sourceDir`.
 */
export async function makeMountDirectory(root: string, processName: string, entry: MountEntry, storage: readonly string[], sourceDir: string | undefined): Promise<void> {
  await withWalk(hostTree(root), {}, async (walk) => {
    const name = storage[storage.length - 1] as string;
    let stuck = await walk.descend(storage.slice(0, -1), makeDirectory);
    if (stuck === undefined && sourceDir !== undefined && (await walk.lstat(name)) === undefined) {
      await seed(walk, name, sourceDir, `the source folder of mount ${quote(entry.path)}`);
    }
    stuck ??= await walk.descend([name], makeDirectory);
    if (stuck !== undefined) {
      throw new WorkspaceError('escape', `mount ${quote(entry.path)} of process ${quote(processName)}: ${await standing(walk, stuck)}; a mount's directory and every folder above it must be real directories inside the workspace`);
    }
  });
}

/**
 * Why a process's mount could not be made where the kernel places it, naming the host path of
 * the link or non-directory that stands on the way; undefined when it can (a missing directory is
 * made when the process is mounted). A reference mount shows a folder outside the workspace and
 * is not looked at. Nothing is made or changed.
 */
export async function mountProblem(root: string, processName: string, entry: MountEntry): Promise<string | undefined> {
  const storage = storageOf(processName, entry);
  if (storage === undefined) return undefined;
  return withWalk(hostTree(root), {}, async (walk) => {
    const stuck = await walk.descend(storage);
    return stuck?.stats === undefined ? undefined : standing(walk, stuck);
  });
}

/** Opens each of the workspace's own folders, made if missing, and runs `body` in it; each must be a real directory. */
export async function inEachFolder(root: string, folders: readonly string[], body?: (folder: FileHandle) => Promise<void>): Promise<void> {
  await withWalk(hostTree(root), {}, async (walk) => {
    for (const folder of folders) {
      const stuck = await walk.descend([folder], makeDirectory);
      if (stuck !== undefined) throw new WorkspaceError('escape', `${await standing(walk, stuck)}; the workspace's own folders must be real directories`);
      await body?.(walk.current);
      await walk.up();
    }
  });
}

/**
 * The workspace folder's real path, made if missing. The folders above it are the operator's and
 * may be reached through links; the folder itself may not be one, or the run's files would lie
 * wherever it points.
 */
export async function workspaceFolder(root: string): Promise<string> {
  const absolute = resolve(root);
  await fs.mkdir(dirname(absolute), { recursive: true });
  const real = join(await fs.realpath(dirname(absolute)), basename(absolute));
  await fs.mkdir(real).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  const stats = await fs.lstat(real);
  if (stats.isDirectory()) return real;
  const what = stats.isSymbolicLink() ? `a symbolic link (to ${JSON.stringify(await fs.readlink(real))})` : 'not a directory';
  throw new WorkspaceError('escape', `the workspace folder ${JSON.stringify(real)} is ${what}; it must be a real directory`);
}

export async function directoryOrError(dir: string, what: string): Promise<void> {
  const stats = await fs.stat(dir).catch(() => undefined);
  if (stats?.isDirectory() !== true) throw new WorkspaceError('mount', `${what} is not a directory`);
}

/** What stands where a walk that takes no link stopped: the host path and what it is. */
async function standing(walk: Walk, stuck: Stuck): Promise<string> {
  const path = JSON.stringify(walk.at(stuck.name));
  if (stuck.stats === undefined) return `${path} is missing`;
  if (!stuck.stats.isSymbolicLink()) return `${path} is not a directory`;
  const target = await fs.readlink(walk.entry(stuck.name)).catch(() => undefined);
  return `${path} is a symbolic link${target === undefined ? '' : ` (to ${JSON.stringify(target)})`}`;
}

/**
 * Fills the new directory `name` with a copy of a source folder, made aside under a seed's name
 * and renamed in, so that a crash leaves no half-made mount, only a seed the next open sweeps away.
 */
async function seed(walk: Walk, name: string, sourceDir: string, what: string): Promise<void> {
  await directoryOrError(sourceDir, what);
  const aside = `${SEED_PREFIX}${randomBytes(8).toString('hex')}`;
  try {
    await copyTree(resolve(sourceDir), walk.entry(aside));
    await fs.rename(walk.entry(aside), walk.entry(name));
  } catch (error) {
    await removeTree(walk.current, aside);
    if ((await walk.lstat(name)) === undefined) throw error;
  }
}

/** Copies a trusted source folder: directories, regular files, and symlinks verbatim (reads through them stay confined). */
async function copyTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to);
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else if (entry.isFile()) await fs.copyFile(source, target);
    else if (entry.isSymbolicLink()) await fs.symlink(await fs.readlink(source), target);
  }
}
