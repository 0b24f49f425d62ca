// Overlay commits as one journalled operation, and the version counters their compare-and-swap
// reads. The journal lists the files before any is copied; every file is staged beside its target
// before any is renamed into place, and a journal left by a crash is undone (still staging) or
// finished (placing) when the workspace is next opened, so a commit is applied in full or not at all.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AosError } from '../../bytecode/errors.js';
import { FileProblem, type Tree } from './confined.js';
import { dropStaged, entriesBelow, placeStaged, stageFile, temporaryName } from './tree-io.js';
import { RESERVED_PREFIX, encodeName, quote } from './virtual-paths.js';

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
 * journal: an interrupted overlay commit that cannot be finished or undone.
 */
export type WorkspaceProblem = 'platform' | 'options' | 'mount' | 'journal';

/** A workspace that cannot be set up or opened; its code is `workspace.<problem>`. */
export class WorkspaceError extends AosError {
  constructor(problem: WorkspaceProblem, message: string) {
    super(`workspace.${problem}`, message);
  }
}

export const WORKSPACE_DIRS = ['scratch', 'shared', 'overlays', 'versions', 'journal', 'overlay-state'] as const;

/** Writes a small host file atomically and durably (temporary file, fsync, rename, directory fsync). */
export async function writeJsonDurably(dir: string, name: string, value: unknown): Promise<void> {
  const temporary = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await fs.open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, join(dir, name));
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
    await fs.rm(join(this.dir, name), { force: true });
    await syncDirectory(this.dir);
  }

  private async base(plan: CommitPlan): Promise<Tree> {
    const base = await this.tree(plan.baseDir, plan.over);
    if (base === undefined) throw new FileProblem('io', `the base ${quote(plan.over)} of overlay ${quote(plan.overlay)} is missing`);
    return base;
  }

  private async tree(relative: string, virtualRoot: string): Promise<Tree | undefined> {
    try {
      return { realRoot: await fs.realpath(join(this.root, relative)), virtualRoot, refuseHardLinks: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

const journalName = (process: string, overlay: string) => `${encodeName(JSON.stringify([process, overlay]))}.json`;

/** Empties an overlay (its directory is made again, empty) and forgets what was copied up into it. */
export async function clearOverlay(root: string, overlayDir: string, process: string, overlay: string): Promise<void> {
  const dir = join(root, overlayDir);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await fs.rm(overlayStateFile(root, process, overlay), { force: true });
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
    files.every((f: Partial<StagedFile>) => segmentsOk(f.path) && typeof f.staged === 'string' && f.staged.startsWith(`${RESERVED_PREFIX}tmp-`) && !f.staged.includes('/'));
  if (!valid) throw new WorkspaceError('journal', `workspace journal ${name} is damaged; move it aside to open the workspace`);
  return plan as CommitPlan;
}
