// Overlay commits as one journalled operation, and the version counters their compare-and-swap
// reads. The journal lists the files before any is copied; every file is staged beside its target
// before any is renamed into place, and a journal left by a crash is undone (still staging) or
// finished (placing) when the workspace is next opened, so a commit is applied in full or not at all.
// The workspace's own folders are opened as the directories they were made, never through a link.
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AosError } from '../../bytecode/errors.js';
import { FileProblem, errnoOf, fdPath, makeDirectory, withWalk, type Tree } from './confined.js';
import { removeTree } from './leftovers.js';
import { dropStaged, entriesBelow, placeStaged, stageFile, temporaryName } from './tree-io.js';
import { TEMPORARY_PREFIX, encodeName, quote } from './virtual-paths.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** A mount's version: how many writes (shared mounts) and commits changed it, and the last commit. */
export interface VersionRecord {
  readonly version: number;
  readonly last?: { readonly process: string; readonly overlay: string; readonly base: number };
  /** The ids of the latest writes that advanced the version, newest last: a write dispatched again moves it no further. */
  readonly writes?: readonly string[];
}

/** A file of a commit and the temporary name it is staged under beside its target. */
export interface StagedFile {
  readonly path: string;
  readonly staged: string;
}

/** What a commit copies, and where; directories are relative to the workspace root. */
export interface CommitRequest {
  readonly process: string;
  readonly overlay: string;
  readonly over: string;
  readonly overlayDir: string;
  readonly baseDir: string;
  readonly versionKey: string;
  readonly base: number;
  readonly files: readonly string[];
}

/**
 * A commit as journalled. While `staging`, temporary copies are written beside their targets and
 * nothing visible has changed: a crash or failure undoes it. While `placing`, the copies are
 * renamed over their targets: a crash is finished on the next open.
 */
export interface CommitPlan extends Omit<CommitRequest, 'files'> {
  readonly phase: 'staging' | 'placing';
  readonly files: readonly StagedFile[];
}

export interface JournalHooks {
  /** Tests only: runs after each file is staged or placed; a promise that never settles stands for a crash there. */
  readonly afterCommitStep?: (phase: 'staged' | 'placed', file: string) => void | Promise<void>;
}

/**
 * platform: the host lacks what the file driver needs (Linux, /proc). options: an invalid option.
 * mount: a mount that cannot be made (a bad path, a missing source folder or base, a clash).
 * escape: a mount's directory, a folder above it, or one of the workspace's own folders is a
 * symbolic link or not a directory, so what is there could lie outside the workspace.
 * journal: an interrupted overlay commit that cannot be finished or undone.
 */
export type WorkspaceProblem = 'platform' | 'options' | 'mount' | 'escape' | 'journal';

/** A workspace that cannot be set up or opened; its code is `workspace.<problem>`. */
export class WorkspaceError extends AosError {
  constructor(problem: WorkspaceProblem, message: string) {
    super(`workspace.${problem}`, message);
  }
}

/** The folders the mounts live in. */
export const MOUNT_DIRS = ['scratch', 'shared', 'overlays'] as const;
/** The folders of the host's own records. */
const RECORD_DIRS = ['versions', 'journal', 'overlay-state'] as const;
export const WORKSPACE_DIRS = [...MOUNT_DIRS, ...RECORD_DIRS] as const;
/** A record being written, before it is renamed into place. */
const RECORD_TEMPORARY_PREFIX = '.tmp-';

/**
 * The workspace as a tree to walk from its root. Messages name its folders as the run directory
 * holds them (`workspace/shared/out`), never by host path: a file result may carry them to the log.
 */
export const workspaceTree = (root: string): Tree => ({ realRoot: root, virtualRoot: 'workspace', refuseHardLinks: false });

/** Opens one of the workspace's own folders, refusing it unless it is the directory at `dir` itself (`dir` is a real path). */
async function openRecordFolder(dir: string): Promise<FileHandle> {
  const moved = (detail: string) => new FileProblem('escape', `the workspace's folder ${quote(basename(dir))} no longer lies where it was set up`, detail);
  let folder: FileHandle;
  try {
    folder = await fs.open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ELOOP' || code === 'ENOTDIR') throw moved(code);
    throw error;
  }
  const real = await fs.readlink(fdPath(folder)).catch(async (error: unknown) => {
    await folder.close();
    throw error;
  });
  if (real !== dir) {
    await folder.close();
    throw moved(real);
  }
  return folder;
}

/**
 * Writes a small host file atomically and durably (temporary file, fsync, rename, directory fsync)
 * in one of the workspace's own folders, opened first so that a link swapped in is refused.
 */
export async function writeJsonDurably(dir: string, name: string, value: unknown): Promise<void> {
  const folder = await openRecordFolder(dir);
  try {
    const temporary = `${fdPath(folder)}/${RECORD_TEMPORARY_PREFIX}${randomBytes(8).toString('hex')}`;
    const handle = await fs.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(value)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, `${fdPath(folder)}/${name}`);
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Removes the temporary files of records a crash cut short before their rename. */
export async function sweepRecordTemporaries(root: string): Promise<void> {
  for (const dir of RECORD_DIRS) {
    const folder = await openRecordFolder(join(root, dir));
    try {
      for (const name of await fs.readdir(fdPath(folder))) {
        if (name.startsWith(RECORD_TEMPORARY_PREFIX)) await removeTree(folder, name);
      }
    } finally {
      await folder.close();
    }
  }
}

/** Removes a record, if it is there, durably. */
async function removeRecord(dir: string, name: string): Promise<void> {
  const folder = await openRecordFolder(dir);
  try {
    await fs.unlink(`${fdPath(folder)}/${name}`).catch((error: unknown) => {
      if (errnoOf(error) !== 'ENOENT') throw error;
    });
    await folder.sync();
  } finally {
    await folder.close();
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Where the set of paths copied up into an overlay is kept. */
export function overlayStateFile(root: string, process: string, overlay: string): string {
  return join(root, 'overlay-state', `${encodeName(JSON.stringify([process, overlay]))}.json`);
}

export class WorkspaceJournal {
  private readonly dir: string;

  constructor(
    private readonly root: string,
    private readonly hooks: JournalHooks = {},
  ) {
    this.dir = join(root, 'journal');
  }

  async version(key: string): Promise<VersionRecord> {
    const record = (await readJson(join(this.root, 'versions', `${encodeName(key)}.json`))) as VersionRecord | undefined;
    return record ?? { version: 0 };
  }

  async setVersion(key: string, record: VersionRecord): Promise<void> {
    await writeJsonDurably(join(this.root, 'versions'), `${encodeName(key)}.json`, record);
  }

  /** Stages every file, then places them all, advances the version and empties the overlay; a failure while staging changes nothing. */
  async commit(request: CommitRequest): Promise<void> {
    const plan: CommitPlan = { ...request, phase: 'staging', files: request.files.map((path) => ({ path, staged: temporaryName() })) };
    const name = journalName(plan.process, plan.overlay);
    await writeJsonDurably(this.dir, name, plan);
    try {
      const overlay = await this.tree(plan.overlayDir, plan.overlay);
      const base = await this.base(plan);
      if (overlay === undefined) throw new FileProblem('io', `overlay ${quote(plan.overlay)} is missing`);
      for (const file of plan.files) {
        await stageFile(overlay, base, file.path.split('/'), file.staged);
        await this.hooks.afterCommitStep?.('staged', file.path);
      }
    } catch (error) {
      await this.undo(plan, name);
      throw error;
    }
    const placing: CommitPlan = { ...plan, phase: 'placing' };
    await writeJsonDurably(this.dir, name, placing);
    await this.finish(placing, name);
  }

  /** Recovers a commit of this overlay that an earlier failure left journalled, so a new one cannot overwrite its journal. */
  async recoverPending(process: string, overlay: string): Promise<void> {
    const name = journalName(process, overlay);
    const plan = await readJson(join(this.dir, name));
    if (plan !== undefined) await this.recover(checkedPlan(plan, name), name);
  }

  /** Undoes or finishes every commit a crash interrupted. */
  async replay(): Promise<void> {
    const names = (await fs.readdir(this.dir)).filter((name) => name.endsWith('.json')).sort();
    for (const name of names) {
      const plan = checkedPlan(await readJson(join(this.dir, name)), name);
      try {
        await this.recover(plan, name);
      } catch (error) {
        const reason = error instanceof FileProblem ? error.problem : String(error);
        throw new WorkspaceError('journal', `the interrupted commit of overlay ${quote(plan.overlay)} (journal ${name}) cannot be recovered: ${reason}`);
      }
    }
  }

  private async recover(plan: CommitPlan, name: string): Promise<void> {
    if (plan.phase === 'staging') await this.undo(plan, name);
    else await this.finish(plan, name);
  }

  private async undo(plan: CommitPlan, name: string): Promise<void> {
    const base = await this.tree(plan.baseDir, plan.over);
    if (base !== undefined) for (const file of plan.files) await dropStaged(base, file.path.split('/'), file.staged);
    await this.forget(name);
  }

  /** Idempotent, so a commit placed in part is finished by running it again. */
  private async finish(plan: CommitPlan, name: string): Promise<void> {
    const base = await this.base(plan);
    for (const file of plan.files) {
      await placeStaged(base, file.path.split('/'), file.staged);
      await this.hooks.afterCommitStep?.('placed', file.path);
    }
    const { writes } = await this.version(plan.versionKey);
    await this.setVersion(plan.versionKey, { version: plan.base + 1, last: { process: plan.process, overlay: plan.overlay, base: plan.base }, ...(writes === undefined ? {} : { writes }) });
    await clearOverlay(this.root, plan.overlayDir, plan.process, plan.overlay);
    await this.forget(name);
  }

  private async forget(name: string): Promise<void> {
    await removeRecord(this.dir, name);
  }

  private async base(plan: CommitPlan): Promise<Tree> {
    const base = await this.tree(plan.baseDir, plan.over);
    if (base === undefined) throw new FileProblem('io', `the base ${quote(plan.over)} of overlay ${quote(plan.overlay)} is missing`);
    return base;
  }

  /** Named, never resolved: a walk opens it and refuses it unless it is the directory itself, so a link swapped in leads nowhere. */
  private async tree(relative: string, virtualRoot: string): Promise<Tree | undefined> {
    const realRoot = join(this.root, relative);
    try {
      await fs.lstat(realRoot);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw error;
    }
    return { realRoot, virtualRoot, refuseHardLinks: true };
  }
}

const journalName = (process: string, overlay: string) => `${encodeName(JSON.stringify([process, overlay]))}.json`;

/**
 * Empties an overlay's directory (making it if missing) and forgets what was copied up into it.
 * The directory is reached through real directories only, and nothing is removed through a link.
 */
export async function clearOverlay(root: string, overlayDir: string, process: string, overlay: string): Promise<void> {
  await withWalk(workspaceTree(root), {}, async (walk) => {
    const stuck = await walk.descend(overlayDir.split('/'), makeDirectory);
    if (stuck !== undefined) throw new FileProblem('escape', `overlay ${quote(overlay)} no longer lies where it was set up`, walk.at(stuck.name));
    for (const name of await fs.readdir(fdPath(walk.current))) await removeTree(walk.current, name);
  });
  const state = overlayStateFile(root, process, overlay);
  await removeRecord(dirname(state), basename(state));
}

/** The regular files of an overlay, as relative paths in code-unit order; symlinks and special files are not committed. */
export async function overlayFiles(overlay: Tree): Promise<string[]> {
  const entries = await entriesBelow(overlay, []);
  return entries
    .filter((entry) => entry.kind === 'file')
    .map((entry) => entry.segments.join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const relativeOk = (dir: unknown): dir is string =>
  typeof dir === 'string' && /^(scratch|shared|overlays)(\/|$)/.test(dir) && !dir.split('/').some((s) => s === '..' || s === '.' || s === '');

/** A journal is the host's own file, but a damaged one must not steer renames outside the workspace. */
function checkedPlan(value: unknown, name: string): CommitPlan {
  const plan = value as Partial<CommitPlan> | undefined;
  const files = plan?.files;
  const segmentsOk = (path: unknown) => typeof path === 'string' && path !== '' && !path.split('/').some((s) => s === '' || s === '.' || s === '..');
  const valid =
    plan !== undefined &&
    (plan.phase === 'staging' || plan.phase === 'placing') &&
    typeof plan.process === 'string' &&
    typeof plan.overlay === 'string' &&
    typeof plan.over === 'string' &&
    typeof plan.versionKey === 'string' &&
    typeof plan.base === 'number' &&
    Number.isSafeInteger(plan.base) &&
    relativeOk(plan.overlayDir) &&
    relativeOk(plan.baseDir) &&
    Array.isArray(files) &&
    files.every((f: Partial<StagedFile>) => segmentsOk(f.path) && typeof f.staged === 'string' && f.staged.startsWith(TEMPORARY_PREFIX) && !f.staged.includes('/'));
  if (!valid) throw new WorkspaceError('journal', `workspace journal ${name} is damaged; move it aside to open the workspace`);
  return plan as CommitPlan;
}
