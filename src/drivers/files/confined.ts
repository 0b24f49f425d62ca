// Walks confined to one directory tree. A path is walked one component at a time from an open
// directory descriptor — through /proc/self/fd, Node's stand-in for openat — with O_NOFOLLOW, so
// nothing is opened by a path an attacker can redirect; symbolic links are followed by hand only
// while they stay inside the tree, and every descriptor handed out has its real path checked.
import { constants, promises as fs, type Dirent, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { AosError, assert } from '../../bytecode/errors.js';
import { below, quote } from './virtual-paths.js';

export type FileErrorKind = 'not-found' | 'escape' | 'read-only' | 'not-a-file' | 'not-a-directory' | 'invalid-path' | 'too-large' | 'conflict' | 'io';

/**
 * A refusal or failure; `problem` names virtual paths only, `detail` may name host paths and is
 * never recorded. Its code is `file.<kind>`.
 */
export class FileProblem extends AosError {
  constructor(
    readonly kind: FileErrorKind,
    readonly problem: string,
    readonly detail?: string,
  ) {
    super(`file.${kind}`, problem);
  }
}

/** A directory tree I/O may not leave. */
export interface Tree {
  /** The tree's real path when it was set up; it is opened by this path and must still be there. */
  readonly realRoot: string;
  /** The virtual path of the root, for messages. */
  readonly virtualRoot: string;
  /** Refuse regular files with more than one link: in a writable tree a tool may have linked in a file from outside. */
  readonly refuseHardLinks: boolean;
}

export interface WalkHooks {
  /** Tests only: runs after a final component was looked up and before it is opened. */
  readonly afterLookup?: (virtualPath: string) => void | Promise<void>;
}

export type Located =
  | { readonly kind: 'directory' }
  | { readonly kind: 'file'; readonly handle: FileHandle; readonly stats: Stats }
  | { readonly kind: 'missing'; readonly name: string }
  | { readonly kind: 'other'; readonly name: string };

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

/** As Linux bounds symlink expansions in one lookup. */
const MAX_SYMLINK_EXPANSIONS = 40;
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;

/** A host path for an open descriptor; opening through it reaches the same file, wherever it now is. */
export const fdPath = (handle: FileHandle): string => `/proc/self/fd/${handle.fd}`;
export const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** An errno from the host as a problem naming the virtual path; other errors are bugs and pass through. */
export function ioProblem(error: unknown, virtualPath: string): FileProblem {
  if (error instanceof FileProblem) return error;
  const code = errnoOf(error);
  if (code === undefined) throw error;
  const detail = (error as Error).message;
  switch (code) {
    case 'ENOENT':
      return new FileProblem('not-found', `${quote(virtualPath)} does not exist`, detail);
    case 'ELOOP':
      return new FileProblem('escape', `${quote(virtualPath)} became a symbolic link while it was being opened`, detail);
    case 'ENOTDIR':
      return new FileProblem('not-a-directory', `a component of ${quote(virtualPath)} is not a directory`, detail);
    case 'EISDIR':
      return new FileProblem('not-a-file', `${quote(virtualPath)} is a directory`, detail);
    default:
      return new FileProblem('io', `${quote(virtualPath)} could not be accessed (${code})`, detail);
  }
}

export function entryKind(entry: Dirent | Stats): EntryKind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  return entry.isFile() ? 'file' : 'other';
}

/** Makes the missing directory `name` in the walk's current directory. */
export type MakeDirectory = (walk: Walk, name: string) => Promise<void>;

/** A plain mkdir; one made at the same moment by someone else does as well. */
export const makeDirectory: MakeDirectory = async (walk, name) => {
  await fs.mkdir(walk.entry(name), 0o755).catch((error: unknown) => {
    if (errnoOf(error) !== 'EEXIST') throw ioProblem(error, walk.at(name));
  });
};

/** Where a walk that takes no symbolic link stopped: the name, and what is there (undefined: nothing). */
export interface Stuck {
  readonly name: string;
  readonly stats: Stats | undefined;
}

const moved = (tree: Tree, detail: string) => new FileProblem('escape', `mount ${quote(tree.virtualRoot)} no longer lies where it was set up`, detail);

/** One walk through a tree: a stack of open directories from the root down to where the walk stands. */
export class Walk {
  private readonly dirs: FileHandle[] = [];
  private readonly names: string[] = [];
  private expansions = 0;

  private constructor(
    readonly tree: Tree,
    private readonly hooks: WalkHooks,
  ) {}

  /** Opens the tree's root, refusing it if it is no longer the directory that was set up. */
  static async open(tree: Tree, hooks: WalkHooks = {}): Promise<Walk> {
    const walk = new Walk(tree, hooks);
    let root: FileHandle;
    try {
      root = await fs.open(tree.realRoot, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ELOOP' || code === 'ENOTDIR') throw moved(tree, code);
      throw ioProblem(error, tree.virtualRoot);
    }
    walk.dirs.push(root);
    const real = await fs.readlink(fdPath(root)).catch(async (error: unknown) => {
      await walk.close();
      throw error;
    });
    if (real !== tree.realRoot) {
      await walk.close();
      throw moved(tree, real);
    }
    return walk;
  }

  async close(): Promise<void> {
    for (const dir of this.dirs.splice(0)) await dir.close();
  }

  /** The virtual path of `name` in the current directory (or of the directory itself). */
  at(name?: string): string {
    return below(this.tree.virtualRoot, name === undefined ? this.names : [...this.names, name]);
  }

  /** A host path naming `name` inside the open current directory, which no rename can redirect. */
  entry(name: string): string {
    return `${fdPath(this.current)}/${name}`;
  }

  get current(): FileHandle {
    const top = this.dirs[this.dirs.length - 1];
    assert(top !== undefined, 'file driver: a walk always holds its root');
    return top;
  }

  /** Walks into each component as a directory; missing ones are made with `make`, if given. */
  async enter(components: readonly string[], make?: MakeDirectory): Promise<void> {
    for (const name of components) await this.step(name, make);
  }

  /**
   * Walks into each component as a real directory, never through a symbolic link; missing ones
   * are made with `make`, if given. Returns where it stopped: at a link, a file, or a missing
   * name it may not make; undefined when it got through.
   */
  async descend(components: readonly string[], make?: MakeDirectory): Promise<Stuck | undefined> {
    for (const name of components) {
      let stats = await this.lstat(name);
      if (stats === undefined && make !== undefined) {
        await make(this, name);
        stats = await this.lstat(name);
      }
      if (stats?.isDirectory() !== true) return { name, stats };
      await this.pushDirectory(name);
    }
    return undefined;
  }

  /** Walks all but the last segment, then resolves the last one (following symlinks inside the tree). */
  async locate(segments: readonly string[], make?: MakeDirectory): Promise<Located> {
    if (segments.length === 0) return { kind: 'directory' };
    await this.enter(segments.slice(0, -1), make);
    return this.final(segments[segments.length - 1] as string);
  }

  async lstat(name: string): Promise<Stats | undefined> {
    try {
      return await fs.lstat(this.entry(name));
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw ioProblem(error, this.at(name));
    }
  }

  /** Throws unless the descriptor lies below the root (or is the root, when `rootAllowed`). */
  async checkInside(handle: FileHandle, virtualPath: string, rootAllowed: boolean): Promise<void> {
    const real = await fs.readlink(fdPath(handle));
    const root = this.tree.realRoot;
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (real.startsWith(prefix) || (rootAllowed && real === root)) return;
    throw new FileProblem('escape', `${quote(virtualPath)} lies outside mount ${quote(this.tree.virtualRoot)}`, real);
  }

  async pushDirectory(name: string): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await fs.open(this.entry(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ELOOP' || code === 'ENOTDIR') throw new FileProblem('escape', `${quote(this.at(name))} changed while it was being opened`, code);
      throw ioProblem(error, this.at(name));
    }
    this.dirs.push(handle);
    this.names.push(name);
  }

  async up(): Promise<void> {
    if (this.dirs.length === 1) throw new FileProblem('escape', `a symbolic link leads above mount ${quote(this.tree.virtualRoot)}`);
    await this.dirs.pop()?.close();
    this.names.pop();
  }

  private async step(name: string, make: MakeDirectory | undefined): Promise<void> {
    if (name === '' || name === '.') return;
    if (name === '..') return this.up();
    let stats = await this.lstat(name);
    if (stats === undefined && make !== undefined) {
      await make(this, name);
      stats = await this.lstat(name);
    }
    if (stats === undefined) throw new FileProblem('not-found', `${quote(this.at(name))} does not exist`);
    if (stats.isSymbolicLink()) return this.enter(await this.expand(name), make);
    if (!stats.isDirectory()) throw new FileProblem('not-a-directory', `${quote(this.at(name))} is not a directory`);
    await this.pushDirectory(name);
  }

  /** Resolves the last component: a directory is entered, a regular file opened for reading. */
  private async final(name: string): Promise<Located> {
    if (name === '' || name === '.' || name === '..') {
      await this.step(name, undefined);
      return { kind: 'directory' };
    }
    const stats = await this.lstat(name);
    await this.hooks.afterLookup?.(this.at(name));
    if (stats === undefined) return { kind: 'missing', name };
    if (stats.isSymbolicLink()) {
      const target = await this.expand(name);
      if (target.length === 0) return { kind: 'directory' };
      await this.enter(target.slice(0, -1));
      return this.final(target[target.length - 1] as string);
    }
    if (stats.isDirectory()) {
      await this.pushDirectory(name);
      await this.checkInside(this.current, this.at(), true);
      return { kind: 'directory' };
    }
    if (!stats.isFile()) return { kind: 'other', name };
    return this.openFile(name);
  }

  private async openFile(name: string): Promise<Located> {
    const virtualPath = this.at(name);
    let handle: FileHandle;
    try {
      // O_NONBLOCK: if a FIFO was swapped in, opening it must not wait for a writer.
      handle = await fs.open(this.entry(name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    } catch (error) {
      throw ioProblem(error, virtualPath);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new FileProblem('escape', `${quote(virtualPath)} changed while it was being opened`);
      await this.checkInside(handle, virtualPath, false);
      if (this.tree.refuseHardLinks && stats.nlink > 1) {
        throw new FileProblem('escape', `${quote(virtualPath)} has ${stats.nlink} hard links; in a writable mount such a file is refused, since another of its names may lie outside`);
      }
      return { kind: 'file', handle, stats };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * The components a symlink stands for, relative to the current directory. An absolute target is
   * followed only when it names a place inside the tree's real root; then the walk restarts there.
   */
  private async expand(name: string): Promise<string[]> {
    this.expansions += 1;
    if (this.expansions > MAX_SYMLINK_EXPANSIONS) {
      throw new FileProblem('invalid-path', `${quote(this.at(name))}: more than ${MAX_SYMLINK_EXPANSIONS} symbolic links to follow (a loop?)`);
    }
    let target: string;
    try {
      target = await fs.readlink(this.entry(name));
    } catch (error) {
      throw ioProblem(error, this.at(name));
    }
    if (!target.startsWith('/')) return target.split('/');
    const root = this.tree.realRoot;
    if (target !== root && !target.startsWith(root.endsWith('/') ? root : `${root}/`)) {
      throw new FileProblem('escape', `symbolic link ${quote(this.at(name))} points outside mount ${quote(this.tree.virtualRoot)}`, target);
    }
    while (this.dirs.length > 1) await this.up();
    return target.slice(root.length).split('/');
  }
}

/** Opens a walk, runs `body`, and always closes every descriptor it holds. */
export async function withWalk<T>(tree: Tree, hooks: WalkHooks, body: (walk: Walk) => Promise<T>): Promise<T> {
  const walk = await Walk.open(tree, hooks);
  try {
    return await body(walk);
  } finally {
    await walk.close();
  }
}
