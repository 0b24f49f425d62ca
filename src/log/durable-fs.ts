// The file operations the run directory's writer depends on, as an interface, so that tests can
// put a file system underneath that loses what was never synced and crashes between any two steps.
// Nothing written through it may be taken as durable before the sync that covers it has returned.
import { link, mkdir, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, relative, resolve, sep } from 'node:path';

/** An open file, written sequentially from where it was opened. */
export interface DurableFile {
  /** Writes all of data after what was written before (at the end of the file, in append mode). */
  write(data: Uint8Array): Promise<void>;
  /** Returns once everything written through this file is durable, with the size needed to read it back. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Paths are the writer's own names (relative or absolute); the interface never resolves them.
 * A missing file is a value (undefined, false), never an exception; every other failure throws.
 */
export interface DurableFs {
  /** Opens for writing, creating the file if missing: 'append' keeps its bytes, 'truncate' empties it. */
  open(path: string, mode: 'append' | 'truncate'): Promise<DurableFile>;
  /**
   * Creates a file holding exactly data unless path already exists, in one step: no reader ever sees
   * it empty or partly written, even after a crash (its bytes are durable before its name appears).
   * False when path exists. Its name is not synced: a crash may lose the file, never its bytes alone.
   */
  createExclusive(path: string, data: Uint8Array): Promise<boolean>;
  /** Creates a directory and its missing parents; returns the outermost one it created, if any. */
  mkdir(path: string): Promise<string | undefined>;
  /** Returns once the entries of the directory (files created, renamed or removed in it) are durable. */
  syncDir(path: string): Promise<void>;
  /** Replaces to with from in one step; durable only after a syncDir of to's directory. */
  rename(from: string, to: string): Promise<void>;
  /** Cuts a file to its first size bytes, durably: returns once the new size is synced. */
  truncate(path: string, size: number): Promise<void>;
  /** Removes a file; false when it did not exist. */
  remove(path: string): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array | undefined>;
  stat(path: string): Promise<{ readonly size: number } | undefined>;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

class NodeFile implements DurableFile {
  constructor(private readonly handle: FileHandle) {}

  async write(data: Uint8Array): Promise<void> {
    // write(2) may take fewer bytes than asked (a full disk, a signal); the rest must follow in order.
    for (let offset = 0; offset < data.length; ) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  }

  sync(): Promise<void> {
    // fdatasync also flushes the file size, which appended data needs to be read back; it skips
    // the timestamps that fsync would flush for nothing.
    return this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * The real file system on node:fs/promises. The writer does one write and one sync per group commit,
 * not per event, so the promise overhead is small; and the asynchronous calls run fsync on libuv's
 * thread pool, so a commit never stalls the event loop that receives model replies and tool output.
 */
export const nodeFs: DurableFs = {
  async open(path, mode) {
    return new NodeFile(await open(path, mode === 'append' ? 'a' : 'w'));
  },

  async createExclusive(path, data) {
    // Written aside under a unique name and linked into place: link(2) fails when the name exists,
    // so the file appears whole or not at all. The bytes are synced first: a later sync of the
    // directory (for another file) would make the name durable, and without it a crash could leave
    // the name with no bytes, an empty lock file that no reader can take for a lock.
    const aside = `${path}.${randomBytes(8).toString('hex')}.new`;
    const handle = await open(aside, 'wx');
    try {
      const file = new NodeFile(handle);
      await file.write(data);
      await file.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(aside, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(aside);
    }
  },

  mkdir(path) {
    return mkdir(path, { recursive: true });
  },

  async truncate(path, size) {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(size);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },

  async syncDir(path) {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },

  rename(from, to) {
    return rename(from, to);
  },

  async remove(path) {
    try {
      await unlink(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  },

  async readFile(path) {
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },

  async stat(path) {
    try {
      return { size: (await stat(path)).size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
};

/**
 * Creates a directory so that it survives a crash: each directory mkdir made is synced into its
 * parent, outermost first.
 */
export async function makeDirDurable(fs: DurableFs, path: string): Promise<void> {
  const created = await fs.mkdir(path);
  if (created === undefined) return;
  // mkdir reports the directory in its own spelling; the depth below it is what counts.
  const below = relative(resolve(created), resolve(path));
  const levels = below === '' ? 1 : below.split(sep).length + 1;
  const parents: string[] = [];
  for (let dir = path; parents.length < levels; dir = dirname(dir)) parents.push(dirname(dir));
  for (const parent of parents.reverse()) await fs.syncDir(parent);
}

/**
 * Replaces a file's contents atomically and durably: a reader, even after a crash, finds either the
 * old bytes or all of the new ones. The new contents are written and synced under a temporary name
 * that is fixed, so the caller must be the only writer of path (the run's lock sees to that).
 */
export async function replaceFile(fs: DurableFs, path: string, data: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await fs.open(temporary, 'truncate');
  try {
    await file.write(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(temporary, path);
  await fs.syncDir(dirname(path));
}
