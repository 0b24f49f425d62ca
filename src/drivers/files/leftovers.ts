// What a write cut short leaves in a workspace, and its removal. A write fills a temporary file
// beside its target and makes the folders its file needs under a note; a failed write removes
// both at once, and what a crash left is swept away when the workspace is next opened, with any
// half-made seed of a mount. Removal opens directories relative to open descriptors with
// O_NOFOLLOW and never follows a link, so it touches nothing outside the folder it is given.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { errnoOf, fdPath, makeDirectory, type MakeDirectory, type Walk } from './confined.js';
import { MADE_PREFIX, SEED_PREFIX, TEMPORARY_PREFIX } from './virtual-paths.js';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;
/** A note holds one directory entry name (255 bytes at most) as JSON. */
const MAX_NOTE_BYTES = 4096;

const inside = (dir: FileHandle, name: string): string => `${fdPath(dir)}/${name}`;
const identity = (stats: Stats): string => `${stats.dev}:${stats.ino}`;

/** A catch handler that lets one errno pass. */
const unless =
  (code: string) =>
  (error: unknown): void => {
    if (errnoOf(error) !== code) throw error;
  };

/** Opens `name` in `dir` as a directory without following a link; undefined when it is not one (any more). */
export async function openDirectory(dir: FileHandle, name: string): Promise<FileHandle | undefined> {
  try {
    return await fs.open(inside(dir, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Removes `name` from `dir`: a directory with everything in it, anything else (a link too) by unlinking it. */
export async function removeTree(dir: FileHandle, name: string): Promise<void> {
  const child = await openDirectory(dir, name);
  if (child === undefined) {
    await fs.unlink(inside(dir, name)).catch(unless('ENOENT'));
    return;
  }
  try {
    for (const entry of await fs.readdir(fdPath(child))) await removeTree(child, entry);
  } finally {
    await child.close();
  }
  await fs.rmdir(inside(dir, name)).catch(unless('ENOENT'));
}

/**
 * Removes `name` from `dir` if it holds nothing but directories, at any depth, and those with it;
 * true when it is gone. Only rmdir removes anything, and rmdir takes only an empty directory, so a
 * file put there in the meantime keeps it and every folder above it.
 */
export async function removeEmptyDirectories(dir: FileHandle, name: string): Promise<boolean> {
  const child = await openDirectory(dir, name);
  if (child === undefined) return false;
  let empty = true;
  try {
    for (const entry of await fs.readdir(fdPath(child), { withFileTypes: true })) {
      if (!entry.isDirectory() || !(await removeEmptyDirectories(child, entry.name))) empty = false;
    }
  } finally {
    await child.close();
  }
  if (!empty) return false;
  // ENOTEMPTY when something was put there since the listing: it stays, as do the folders above.
  return fs.rmdir(inside(dir, name)).then(
    () => true,
    () => false,
  );
}

interface Note {
  /** The directory the note is in, which holds the directory it names. */
  readonly dir: FileHandle;
  readonly note: string;
  readonly made: string;
}

/**
 * The directories one write makes for its file. Before it makes one inside a directory it did not
 * make itself, it leaves a note there naming it, synced with its directory before the mkdir, so a
 * crash cannot leave the directory without the note; the notes go once the file is in place.
 */
export class MadeDirectories {
  private readonly notes: Note[] = [];
  /** The directories this write made, by device and inode. */
  private readonly made = new Set<string>();

  readonly make: MakeDirectory = async (walk, name) => {
    if (!this.made.has(identity(await walk.current.stat()))) await this.leaveNote(walk, name);
    await makeDirectory(walk, name);
    this.made.add(identity(await fs.lstat(walk.entry(name))));
  };

  /** The file is in place: the directories stay, the notes go. */
  async keep(): Promise<void> {
    for (const { dir, note } of this.notes.splice(0)) {
      try {
        await fs.unlink(inside(dir, note)).catch(unless('ENOENT'));
      } finally {
        await dir.close();
      }
    }
  }

  /** The write failed: each directory it made goes, unless something was put in it since; then the notes. */
  async undo(): Promise<void> {
    for (const { dir, note, made } of this.notes.splice(0).reverse()) {
      try {
        await removeEmptyDirectories(dir, made);
        await fs.unlink(inside(dir, note)).catch(unless('ENOENT'));
      } finally {
        await dir.close();
      }
    }
  }

  private async leaveNote(walk: Walk, made: string): Promise<void> {
    const dir = await fs.open(fdPath(walk.current), O_RDONLY | O_DIRECTORY);
    const note = `${MADE_PREFIX}${randomBytes(8).toString('hex')}`;
    try {
      const handle = await fs.open(inside(dir, note), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(JSON.stringify({ made }));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await dir.sync();
    } catch (error) {
      await fs.unlink(inside(dir, note)).catch(() => undefined);
      await dir.close();
      throw error;
    }
    this.notes.push({ dir, note, made });
  }
}

/**
 * Removes, in `dir` and below it, what writes cut short by a crash left: temporary files, half-made
 * seeds, and each noted directory a write made, unless something was put in it since. Nothing else
 * is touched, and no link is followed.
 */
export async function sweepLeftovers(dir: FileHandle): Promise<void> {
  const notes: string[] = [];
  for (const entry of await fs.readdir(fdPath(dir), { withFileTypes: true })) {
    const { name } = entry;
    if (name.startsWith(TEMPORARY_PREFIX) || name.startsWith(SEED_PREFIX)) await removeTree(dir, name);
    else if (name.startsWith(MADE_PREFIX)) notes.push(name);
    else if (entry.isDirectory()) {
      const child = await openDirectory(dir, name);
      if (child === undefined) continue;
      try {
        await sweepLeftovers(child);
      } finally {
        await child.close();
      }
    }
  }
  // Only now, after the folders below: a noted folder may have held the write's temporary file.
  for (const note of notes) {
    const made = await readNote(dir, note);
    if (made !== undefined) await removeEmptyDirectories(dir, made);
    await fs.unlink(inside(dir, note)).catch(unless('ENOENT'));
  }
}

/** The name a note holds; undefined when it is damaged, which a note cut short before its sync is: its directory was never made. */
async function readNote(dir: FileHandle, note: string): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO planted under a note's name must not hold the sweep up.
    handle = await fs.open(inside(dir, note), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch {
    return undefined;
  }
  let text: string;
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(MAX_NOTE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_NOTE_BYTES, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  try {
    const { made } = JSON.parse(text) as { made?: unknown };
    return typeof made === 'string' && made !== '' && made !== '.' && made !== '..' && !made.includes('/') ? made : undefined;
  } catch {
    return undefined;
  }
}
