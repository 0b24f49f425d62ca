// A run's workspace on disk and each process's mounts over it. The kernel resolved and checked
// every path lexically; this performs the I/O, re-checks the path, confines every open to the
// mount's real directory (confined.ts) and refuses writes to read-only mounts in code, since the
// host runs as root and root ignores file modes. A mount's directory in the workspace is named,
// never resolved (mount-directories.ts), and each walk opens it again and checks it is still that
// very directory. Results name virtual paths only.
import { existsSync, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assert } from '../../bytecode/errors.js';
import type { MountEntry } from '../../bytecode/format.js';
import { FileProblem, ioProblem, withWalk, type EntryKind, type FileErrorKind, type Tree } from './confined.js';
import { sweepLeftovers } from './leftovers.js';
import { directoryOrError, inEachFolder, makeMountDirectory, mountProblem, mountTree, storageOf, workspaceFolder } from './mount-directories.js';
import { copyFile, copySymlink, entriesBelow, entriesHere, makeDirectories, readFile, realPath, writeFile, type WriteHooks } from './tree-io.js';
import {
  MOUNT_DIRS,
  WORKSPACE_DIRS,
  WorkspaceError,
  WorkspaceJournal,
  clearOverlay,
  overlayFiles,
  overlayStateFile,
  sweepRecordTemporaries,
  writeJsonDurably,
  type JournalHooks,
} from './journal.js';
import { below, chooseMount, pathProblem, quote, segmentsOf } from './virtual-paths.js';

export interface WorkspaceHooks extends WriteHooks, JournalHooks {
  /** Tests only: runs after the lexical checks and before anything is opened, with the host path the operation walks to. */
  readonly beforeOpen?: (virtualPath: string, hostPath: string) => void | Promise<void>;
}

export interface WorkspaceOptions {
  /** The largest file read or written, in bytes. Default 64 MiB. */
  readonly maxFileBytes?: number;
  readonly hooks?: WorkspaceHooks;
}

export interface FileError {
  readonly kind: FileErrorKind;
  /** Names the operation and virtual paths only, so it may be recorded. */
  readonly message: string;
  /** Host-side detail (host paths, errno text); never to be recorded. */
  readonly detail?: string;
}

export type FileResult<T extends object = object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: FileError };

export interface DirectoryEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

interface Mounted {
  readonly entry: MountEntry;
  readonly tree: Tree;
  readonly writable: boolean;
  /** The mount's directory relative to the workspace root; undefined for reference mounts. */
  readonly storage?: string;
  /** The version counter's key; undefined for reference mounts and overlays. */
  readonly versionKey?: string;
  /** An overlay's base mount. */
  readonly base?: Mounted;
}

type Operation = 'read' | 'write' | 'list' | 'resolve' | 'commit' | 'discard';

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/**
 * Write ids a shared mount's version record keeps: more than the writes a run can have in flight
 * at once, which are all a resumed run may dispatch again.
 */
const REMEMBERED_WRITES = 1024;

export class Workspace {
  private readonly mounts = new Map<string, Mounted[]>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Per overlay, the relative paths already copied up from the base (loaded lazily, kept on disk). */
  private readonly copiedUp = new Map<string, Set<string>>();
  private readonly journal: WorkspaceJournal;
  private readonly maxFileBytes: number;
  private readonly hooks: WorkspaceHooks;

  private constructor(
    /** The workspace directory's real path. */
    readonly root: string,
    options: WorkspaceOptions,
  ) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.hooks = options.hooks ?? {};
    this.journal = new WorkspaceJournal(root, this.hooks);
  }

  /**
   * Opens (or makes) a workspace directory and brings it back to where the run can go on from:
   * finishes or undoes any overlay commit a crash interrupted, then removes what writes cut short
   * left behind (leftovers.ts). The folder and its own folders must be real directories.
   */
  static async create(root: string, options: WorkspaceOptions = {}): Promise<Workspace> {
    if (process.platform !== 'linux' || !existsSync('/proc/self/fd')) {
      throw new WorkspaceError('platform', 'the file driver needs Linux with /proc mounted: it opens files relative to open directories through /proc/self/fd');
    }
    const max = options.maxFileBytes;
    if (max !== undefined && (!Number.isSafeInteger(max) || max < 0)) throw new WorkspaceError('options', `maxFileBytes must be a non-negative integer, not ${max}`);
    const workspace = new Workspace(await workspaceFolder(root), options);
    await inEachFolder(workspace.root, WORKSPACE_DIRS);
    await workspace.journal.replay();
    await inEachFolder(workspace.root, MOUNT_DIRS, sweepLeftovers);
    await sweepRecordTemporaries(workspace.root);
    return workspace;
  }

  /**
   * Gives a process a mount. Scratch mounts are private to the process; shared mounts are one tree
   * by virtual path for every process (so main's "/" shows an agent's "/shared"); both are seeded
   * from `sourceDir` when their directory does not exist yet. A reference mount shows `sourceDir`
   * and is never written. An overlay's base (`over`) must be mounted first. Mounting the same
   * entry again does nothing.
   */
  async mount(processName: string, entry: MountEntry, sourceDir?: string): Promise<void> {
    if (typeof processName !== 'string' || processName === '' || processName.includes('\0')) {
      throw new WorkspaceError('mount', `process name ${JSON.stringify(processName)} must be a non-empty string without NUL`);
    }
    const problem = pathProblem(entry.path);
    if (problem !== undefined) throw new WorkspaceError('mount', `mount path ${quote(String(entry.path))} ${problem}`);
    const mounts = this.mounts.get(processName) ?? [];
    if (mounts.some((m) => m.entry.path === entry.path && m.entry.kind === entry.kind && m.entry.over === entry.over)) return;
    const pairsWithOverlay = (a: MountEntry, b: MountEntry) => a.kind === 'overlay' && a.over === b.path;
    if (mounts.some((m) => m.entry.path === entry.path && !pairsWithOverlay(entry, m.entry) && !pairsWithOverlay(m.entry, entry))) {
      throw new WorkspaceError('mount', `process ${quote(processName)} already has a mount at ${quote(entry.path)}`);
    }
    const mounted = await this.prepare(processName, entry, sourceDir, mounts);
    this.mounts.set(processName, [...(this.mounts.get(processName) ?? []), mounted]);
  }

  async read(processName: string, path: string): Promise<FileResult<{ bytes: Buffer }>> {
    return this.attempt('read', path, async () => {
      const { mounted, segments } = await this.target(processName, path, 'read');
      const readFrom = (tree: Tree) => readFile(tree, segments, path, this.maxFileBytes, this.hooks);
      if (mounted.base === undefined) return { bytes: await readFrom(mounted.tree) };
      return { bytes: (await unlessNotFound(readFrom(mounted.tree))) ?? (await readFrom(mounted.base.tree)) };
    });
  }

  /**
   * Creates or replaces a file atomically (temporary file and rename; text is written as UTF-8);
   * a write to a shared mount advances its version. `effect` is the write's idempotency key: the
   * same write dispatched again (a resumed run) stores the same bytes and advances nothing.
   */
  async write(processName: string, path: string, bytes: Uint8Array | string, options: { readonly effect?: string } = {}): Promise<FileResult> {
    return this.attempt('write', path, async () => {
      const { mounted, segments } = await this.target(processName, path, 'write');
      const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
      if (data.byteLength > this.maxFileBytes) throw new FileProblem('too-large', `${data.byteLength} bytes is more than the limit of ${this.maxFileBytes}`);
      const store = () => writeFile(mounted.tree, segments, path, (handle) => handle.writeFile(data), { hooks: this.hooks });
      const key = mounted.versionKey;
      if (mounted.entry.kind !== 'shared' || key === undefined) await store();
      else {
        // As the kernel counts: every write to a shared mount is a new version (src/vm/effect-calls.ts).
        await this.exclusive(key, async () => {
          await store();
          const record = await this.journal.version(key);
          const { effect } = options;
          if (effect !== undefined && record.writes?.includes(effect) === true) return;
          const writes = effect === undefined ? record.writes : [...(record.writes ?? []), effect].slice(-REMEMBERED_WRITES);
          await this.journal.setVersion(key, { ...record, version: record.version + 1, ...(writes === undefined ? {} : { writes }) });
        });
      }
      return {};
    });
  }

  /** A directory's entries sorted by code unit; in an overlay, the overlay's and the base's together. */
  async list(processName: string, path: string): Promise<FileResult<{ entries: DirectoryEntry[] }>> {
    return this.attempt('list', path, async () => {
      const { mounted, segments } = await this.target(processName, path, 'read');
      const listOf = (tree: Tree) =>
        withWalk(tree, this.hooks, async (walk) => {
          const found = await walk.locate(segments);
          if (found.kind === 'file') await found.handle.close();
          if (found.kind === 'missing') throw new FileProblem('not-found', `${quote(path)} does not exist`);
          if (found.kind !== 'directory') throw new FileProblem('not-a-directory', `${quote(path)} is not a directory`);
          return entriesHere(walk);
        });
      if (mounted.base === undefined) return { entries: await listOf(mounted.tree) };
      const own = await unlessNotFound(listOf(mounted.tree));
      const under = await unlessNotFound(listOf(mounted.base.tree));
      if (own === undefined && under === undefined) throw new FileProblem('not-found', `${quote(path)} does not exist`);
      const byName = new Map([...(under ?? []), ...(own ?? [])].map((entry) => [entry.name, entry]));
      return { entries: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
    });
  }

  /**
   * Why a process's mount could not be made where the kernel places it, naming the host path of
   * the symbolic link or non-directory that stands on the way; undefined when it can. Nothing is
   * made or changed (mount-directories.ts).
   */
  async mountProblem(processName: string, entry: MountEntry): Promise<string | undefined> {
    return mountProblem(this.root, processName, entry);
  }

  /**
   * The real directory a process's mount lives in, as mounted, without opening or copying
   * anything: for recognising its host path in what tools print. Undefined when not mounted.
   */
  hostRoot(processName: string, mountPath: string): string | undefined {
    return this.mounts.get(processName)?.find((m) => m.entry.path === mountPath)?.tree.realRoot;
  }

  /**
   * A checked real path for a tool's argv or cwd: inside the mount when checked, or where a missing
   * final name would be made (writable mounts only; `write` also makes missing parents). In an
   * overlay the path is first copied up from the base, so a tool never changes the base.
   */
  async realPathFor(processName: string, path: string, access: 'read' | 'write'): Promise<FileResult<{ path: string }>> {
    return this.attempt('resolve', path, async () => {
      const { mounted, segments } = await this.target(processName, path, access);
      if (mounted.base !== undefined) await this.copyUp(processName, mounted, mounted.base, segments);
      // A missing path in a read-only mount may be an output a tool was to make there: say why it cannot.
      const cannotMake = (problem: string) => new FileProblem('not-found', `${problem}, and reference mount ${quote(mounted.entry.path)} is read-only: no tool may create anything in it`);
      const found = await realPath(mounted.tree, segments, path, access === 'write', this.hooks).catch((error: unknown) => {
        throw !mounted.writable && error instanceof FileProblem && error.kind === 'not-found' ? cannotMake(error.problem) : error;
      });
      if (found.kind === 'missing' && !mounted.writable) throw cannotMake(`${quote(path)} does not exist`);
      return { path: found.path };
    });
  }

  /**
   * Commits an overlay onto its base as one journalled operation, if the base is still at
   * `expectedBaseVersion`; the overlay is left empty. Repeating a commit that already happened
   * (a completion lost in a crash) succeeds again with no files.
   */
  async commitOverlay(processName: string, overlayPath: string, expectedBaseVersion: number): Promise<FileResult<{ version: number; files: string[] }>> {
    assert(Number.isSafeInteger(expectedBaseVersion) && expectedBaseVersion >= 0, () => `file driver: a base version is a non-negative integer, got ${expectedBaseVersion}`);
    return this.attempt('commit', overlayPath, async () => {
      const overlay = this.overlay(processName, overlayPath);
      const base = overlay.base as Mounted;
      const key = base.versionKey;
      if (key === undefined || base.storage === undefined || overlay.storage === undefined) {
        throw new FileProblem('read-only', `the overlay is over reference mount ${quote(base.entry.path)}, which is read-only`);
      }
      return this.exclusive(key, async () => {
        await this.journal.recoverPending(processName, overlayPath);
        const current = await this.journal.version(key);
        if (current.version !== expectedBaseVersion) {
          const last = current.last;
          const repeated = current.version === expectedBaseVersion + 1 && last?.process === processName && last.overlay === overlayPath && last.base === expectedBaseVersion;
          if (repeated) return { version: current.version, files: [] };
          throw new FileProblem('conflict', `the overlay began from version ${expectedBaseVersion} of ${quote(base.entry.path)}, which is now at version ${current.version}`);
        }
        const files = await overlayFiles(overlay.tree);
        await this.journal.commit({
          process: processName,
          overlay: overlayPath,
          over: base.entry.path,
          overlayDir: overlay.storage as string,
          baseDir: base.storage as string,
          versionKey: key,
          base: expectedBaseVersion,
          files,
        });
        this.copiedUp.delete(JSON.stringify([processName, overlayPath]));
        return { version: expectedBaseVersion + 1, files: files.map((file) => below(base.entry.path, file.split('/'))) };
      });
    });
  }

  /** Drops everything written to an overlay; the base is untouched. */
  async discardOverlay(processName: string, overlayPath: string): Promise<FileResult> {
    return this.attempt('discard', overlayPath, async () => {
      const overlay = this.overlay(processName, overlayPath);
      const clear = async () => {
        // A commit that failed while placing cannot be undone, only finished: it is, before the overlay goes.
        await this.journal.recoverPending(processName, overlayPath);
        await clearOverlay(this.root, overlay.storage as string, processName, overlayPath);
      };
      const key = overlay.base?.versionKey;
      await (key === undefined ? clear() : this.exclusive(key, clear));
      this.copiedUp.delete(JSON.stringify([processName, overlayPath]));
      return {};
    });
  }

  /** The version counter of a process's scratch or shared mount (0 before any write or commit). */
  async mountVersion(processName: string, mountPath: string): Promise<number> {
    const key = this.mounts.get(processName)?.find((m) => m.entry.path === mountPath && m.entry.kind !== 'overlay')?.versionKey;
    return key === undefined ? 0 : (await this.journal.version(key)).version;
  }

  private async prepare(processName: string, entry: MountEntry, sourceDir: string | undefined, mounts: readonly Mounted[]): Promise<Mounted> {
    switch (entry.kind) {
      case 'scratch':
      case 'shared': {
        const storage = storageOf(processName, entry) as string[];
        await makeMountDirectory(this.root, processName, entry, storage, sourceDir);
        const versionKey = entry.kind === 'scratch' ? `scratch ${JSON.stringify([processName, entry.path])}` : `shared ${entry.path}`;
        return { entry, storage: storage.join('/'), versionKey, writable: true, tree: mountTree(this.root, storage, entry.path) };
      }
      case 'reference': {
        if (sourceDir === undefined) throw new WorkspaceError('mount', `reference mount ${quote(entry.path)} needs a source folder`);
        await directoryOrError(sourceDir, `the source folder of reference mount ${quote(entry.path)}`);
        // The workflow's own folder, outside the workspace: resolved once, then every walk checks it is still there.
        return { entry, writable: false, tree: { realRoot: await fs.realpath(sourceDir), virtualRoot: entry.path, refuseHardLinks: false } };
      }
      case 'overlay': {
        const base = mounts.find((m) => m.entry.path === entry.over && m.entry.kind !== 'overlay');
        if (base === undefined) throw new WorkspaceError('mount', `overlay ${quote(entry.path)} is over ${quote(String(entry.over))}, which process ${quote(processName)} has not mounted (mount the base first)`);
        if (sourceDir !== undefined) throw new WorkspaceError('mount', `overlay ${quote(entry.path)} takes no source folder: it starts as its base`);
        const storage = storageOf(processName, entry) as string[];
        await makeMountDirectory(this.root, processName, entry, storage, undefined);
        return { entry, storage: storage.join('/'), base, writable: true, tree: mountTree(this.root, storage, entry.path) };
      }
    }
  }

  /** The mount and the segments below it for a path; refuses bad paths and writes outside writable mounts before anything is opened. */
  private async target(processName: string, path: string, access: 'read' | 'write'): Promise<{ mounted: Mounted; segments: string[] }> {
    const problem = pathProblem(path);
    if (problem !== undefined) throw new FileProblem('invalid-path', `the path ${problem}`);
    const mounted = chooseMount(this.mounts.get(processName) ?? [], path);
    if (mounted === undefined) throw new FileProblem(access === 'write' ? 'read-only' : 'not-found', `the path lies in no mount of process ${quote(processName)}`);
    if (access === 'write' && !mounted.writable) throw new FileProblem('read-only', `reference mount ${quote(mounted.entry.path)} is read-only`);
    const segments = segmentsOf(path).slice(segmentsOf(mounted.entry.path).length);
    await this.hooks.beforeOpen?.(path, join(mounted.tree.realRoot, ...segments));
    return { mounted, segments };
  }

  private overlay(processName: string, overlayPath: string): Mounted {
    const overlay = this.mounts.get(processName)?.find((m) => m.entry.kind === 'overlay' && m.entry.path === overlayPath);
    if (overlay?.base === undefined) throw new FileProblem('invalid-path', `process ${quote(processName)} has no overlay mounted there`);
    return overlay;
  }

  /** Copies a path (a file, or a directory's whole contents) from the base into the overlay once, never over the overlay's own files. */
  private async copyUp(processName: string, overlay: Mounted, base: Mounted, segments: readonly string[]): Promise<void> {
    const key = JSON.stringify([processName, overlay.entry.path]);
    const stateFile = overlayStateFile(this.root, processName, overlay.entry.path);
    let done = this.copiedUp.get(key);
    if (done === undefined) {
      const saved = await fs.readFile(stateFile, 'utf8').then((text) => JSON.parse(text) as string[], () => []);
      done = new Set(saved);
      this.copiedUp.set(key, done);
    }
    const covered = (relative: string) => [...(done as Set<string>)].some((d) => d === '' || d === relative || relative.startsWith(`${d}/`));
    const relative = segments.join('/');
    if (covered(relative)) return;
    // A path whose folders the base lacks has nothing to copy: the overlay makes it new.
    const kind = await withWalk(base.tree, {}, async (walk) => {
      const found = await walk.locate(segments);
      if (found.kind === 'file') await found.handle.close();
      return found.kind;
    }).catch((error: unknown) => {
      if (error instanceof FileProblem && error.kind === 'not-found') return 'missing' as const;
      throw error;
    });
    if (kind === 'file') await copyFile(base.tree, overlay.tree, segments, { ifAbsent: true });
    else if (kind === 'directory') {
      await makeDirectories(overlay.tree, segments);
      for (const item of await entriesBelow(base.tree, segments)) {
        if (covered(item.segments.join('/'))) continue;
        if (item.kind === 'file') await copyFile(base.tree, overlay.tree, item.segments, { ifAbsent: true });
        else if (item.kind === 'directory') await makeDirectories(overlay.tree, item.segments);
        else if (item.kind === 'symlink' && item.target !== undefined) await copySymlink(overlay.tree, item.segments, item.target);
      }
    } else return;
    done.add(relative);
    await writeJsonDurably(dirname(stateFile), basename(stateFile), [...done].sort());
  }

  /** Runs operations on one version counter one at a time, so a compare-and-swap cannot interleave with a write. */
  private async exclusive<T>(key: string, body: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(body, body);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  /** Runs an operation; a refusal or host failure becomes an error result naming the operation and the virtual path. */
  private async attempt<T extends object>(operation: Operation, path: string, body: () => Promise<T>): Promise<FileResult<T>> {
    try {
      return { ok: true, ...(await body()) };
    } catch (error) {
      const problem = ioProblem(error, typeof path === 'string' ? path : '');
      const named = typeof path === 'string' ? quote(path) : 'a path that is not a string';
      const failure: FileError = { kind: problem.kind, message: `${operation} ${named}: ${problem.problem}` };
      return { ok: false, error: problem.detail === undefined ? failure : { ...failure, detail: problem.detail } };
    }
  }
}

/** The value, or undefined where there is nothing (an overlay then shows its base). */
async function unlessNotFound<T>(attempt: Promise<T>): Promise<T | undefined> {
  try {
    return await attempt;
  } catch (error) {
    if (error instanceof FileProblem && error.kind === 'not-found') return undefined;
    throw error;
  }
}
