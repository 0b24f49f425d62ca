// A disk in memory under the run directory's writer (DurableFs), for the crash-safety tests. Each
// file has durable bytes and bytes written since its last sync; each directory has durable entries
// and entries created, renamed or removed since its last syncDir. A crash drops what was never
// synced (or, as a journal might, keeps some of it: a prefix of a file's unsynced appends, a prefix
// of the unsynced directory changes in the order they were made) and ends the process that was
// using the disk: every later call it makes fails. A crash can also be armed at the Nth operation.
// Calls can take effect after random waits, to interleave as on a real disk, and be watched as
// they take effect. The disk is written out to its real root on demand (materialise).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { DurableFile, DurableFs } from '../../src/log/durable-fs.js';

/** Thrown by every call of a process after its crash, and by the call a crash point stops. */
export class CrashedError extends Error {
  override readonly name = 'CrashedError';
}

export interface CrashOptions {
  /**
   * power (default): only synced bytes and synced directory entries survive, unless `random`
   * keeps some of the rest. process: the process dies but the system keeps everything it was
   * given, as after a SIGKILL.
   */
  readonly loss?: 'power' | 'process';
  /**
   * With power loss: each file keeps a random prefix of its unsynced appends (a torn tail; a file
   * rewritten from the start keeps its synced bytes or a prefix of the new ones), and a random
   * prefix of the unsynced directory changes survives, in the order they were made.
   */
  readonly random?: () => number;
}

/** One call made to the disk, in order: op is the DurableFs or DurableFile method. */
export interface Operation {
  readonly index: number;
  readonly op: string;
  /** Relative to the disk's root (rename: from and to, with a space between). */
  readonly path: string;
  /** rename: the renamed file's bytes, as it takes effect; write: the bytes written. */
  bytes?: Uint8Array;
  /** The process (0, 1, …; a new one after each crash) that made the call. */
  readonly process: number;
}

export interface CrashDiskOptions {
  readonly latency?: () => number;
  readonly watch?: (operation: Operation) => void;
}

type Entry = { readonly kind: 'file'; readonly inode: number } | { readonly kind: 'dir'; readonly dir: number };

interface Inode {
  durable: Uint8Array;
  current: Uint8Array;
}

interface Directory {
  durable: Map<string, Entry>;
  current: Map<string, Entry>;
}

/** A directory entry set (entry) or removed (undefined) by one call; rename makes two parts. */
interface ChangePart {
  readonly dir: number;
  readonly name: string;
  readonly entry: Entry | undefined;
  synced: boolean;
}

const ROOT = 0;

function fsError(code: string, op: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${op} '${path}'`), { code });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export class CrashDisk {
  readonly root: string;
  readonly operations: Operation[] = [];
  #process = 0;
  #inodes = new Map<number, Inode>();
  #dirs = new Map<number, Directory>([[ROOT, { durable: new Map(), current: new Map() }]]);
  #changes: ChangePart[][] = [];
  #nextId = 1;
  #armed: { readonly index: number; readonly options: CrashOptions } | undefined;

  readonly #latency: (() => number) | undefined;
  readonly #watch: ((operation: Operation) => void) | undefined;

  /**
   * root: a real directory, which exists; every path the disk is given lies inside it.
   * latency: each call takes effect after a random wait (a turn of the event loop, or a few
   * milliseconds, longer for syncs), so that the writer's calls interleave with the rest of the
   * host and with each other as on a real disk, and their order depends on timing; without it,
   * each takes effect at once. watch: called as each call takes effect (a rename with the bytes it
   * moves), before its effect.
   */
  constructor(root: string, options: CrashDiskOptions = {}) {
    this.root = resolve(root);
    this.#latency = options.latency;
    this.#watch = options.watch;
  }

  /** A disk holding these files durably, by path relative to root (directories made as needed). */
  static holding(root: string, files: ReadonlyMap<string, Uint8Array>, options: CrashDiskOptions = {}): CrashDisk {
    const disk = new CrashDisk(root, options);
    for (const [path, bytes] of files) {
      let dir = ROOT;
      const names = path.split('/');
      for (const name of names.slice(0, -1)) {
        let entry = disk.#entries(dir).current.get(name);
        if (entry === undefined) {
          entry = { kind: 'dir', dir: disk.#newDir() };
          disk.#entries(dir).current.set(name, entry);
        }
        if (entry.kind !== 'dir') throw new Error(`crash disk: ${path} goes through a file`);
        dir = entry.dir;
      }
      disk.#entries(dir).current.set(names.at(-1) ?? '', { kind: 'file', inode: disk.#newInode(bytes.slice()) });
    }
    disk.#settle();
    return disk;
  }

  /** The number of the process now using the disk. */
  get process(): number {
    return this.#process;
  }

  /** Makes the call with this index (counting every call since the disk was made) crash. */
  crashAt(index: number, options: CrashOptions = {}): void {
    this.#armed = { index, options };
  }

  /** The file system of a new process, which replaces any before it (those are dead from now on). */
  newProcess(): DurableFs {
    this.#armed = undefined;
    this.#process++;
    return this.fs();
  }

  /** The file system of the process now using the disk. */
  fs(): DurableFs {
    const process = this.#process;
    return {
      open: async (path, mode) => {
        await this.#begin(process, 'open', path);
        this.#alive(process, 'open', path);
        const { dir, name } = this.#parent(path, 'open');
        let entry = this.#entries(dir).current.get(name);
        if (entry?.kind === 'dir') throw fsError('EISDIR', 'open', path);
        if (entry === undefined) {
          entry = { kind: 'file', inode: this.#newInode(new Uint8Array()) };
          this.#change([{ dir, name, entry }]);
        } else if (mode === 'truncate') {
          this.#inode(entry.inode).current = new Uint8Array();
        }
        return this.#file(process, entry.inode, mode, path);
      },
      createExclusive: async (path, data) => {
        await this.#begin(process, 'createExclusive', path);
        this.#alive(process, 'createExclusive', path);
        const { dir, name } = this.#parent(path, 'createExclusive');
        if (this.#entries(dir).current.has(name)) return false;
        // As DurableFs promises: the bytes are durable before the name appears; the name is not.
        const inode = this.#newInode(data.slice());
        this.#inode(inode).durable = this.#inode(inode).current;
        this.#change([{ dir, name, entry: { kind: 'file', inode } }]);
        return true;
      },
      mkdir: async (path) => {
        await this.#begin(process, 'mkdir', path);
        this.#alive(process, 'mkdir', path);
        let dir = ROOT;
        let created: string | undefined;
        const parts = this.#parts(path, 'mkdir');
        for (const [i, name] of parts.entries()) {
          const entry = this.#entries(dir).current.get(name);
          if (entry?.kind === 'file') throw fsError('ENOTDIR', 'mkdir', path);
          if (entry !== undefined) {
            dir = entry.dir;
            continue;
          }
          const id = this.#newDir();
          this.#change([{ dir, name, entry: { kind: 'dir', dir: id } }]);
          created ??= join(this.root, ...parts.slice(0, i + 1));
          dir = id;
        }
        return created;
      },
      syncDir: async (path) => {
        await this.#begin(process, 'syncDir', path);
        this.#alive(process, 'syncDir', path);
        if (!this.#inside(path)) return;
        const entry = this.#lookup(path);
        if (entry?.kind !== 'dir') throw fsError(entry === undefined ? 'ENOENT' : 'ENOTDIR', 'syncDir', path);
        const directory = this.#entries(entry.dir);
        directory.durable = new Map(directory.current);
        for (const change of this.#changes) for (const part of change) if (part.dir === entry.dir) part.synced = true;
      },
      rename: async (from, to) => {
        await this.#begin(process, 'rename', [from, to]);
        this.#alive(process, 'rename', [from, to]);
        const moved = this.#lookup(from);
        if (moved === undefined) throw fsError('ENOENT', 'rename', from);
        const source = this.#parent(from, 'rename');
        const target = this.#parent(to, 'rename');
        if (this.#entries(target.dir).current.get(target.name)?.kind === 'dir') throw fsError('EISDIR', 'rename', to);
        this.#change([
          { dir: target.dir, name: target.name, entry: moved },
          { dir: source.dir, name: source.name, entry: undefined },
        ]);
      },
      truncate: async (path, size) => {
        await this.#begin(process, 'truncate', path);
        this.#alive(process, 'truncate', path);
        const entry = this.#lookup(path);
        if (entry?.kind !== 'file') throw fsError(entry === undefined ? 'ENOENT' : 'EISDIR', 'truncate', path);
        const inode = this.#inode(entry.inode);
        const cut = new Uint8Array(size);
        cut.set(inode.current.subarray(0, size));
        inode.current = cut;
        inode.durable = cut;
      },
      remove: async (path) => {
        await this.#begin(process, 'remove', path);
        this.#alive(process, 'remove', path);
        const { dir, name } = this.#parent(path, 'remove');
        const entry = this.#entries(dir).current.get(name);
        if (entry === undefined) return false;
        if (entry.kind === 'dir') throw fsError('EISDIR', 'remove', path);
        this.#change([{ dir, name, entry: undefined }]);
        return true;
      },
      readFile: async (path) => {
        await this.#begin(process, 'readFile', path);
        this.#alive(process, 'readFile', path);
        const entry = this.#lookup(path);
        if (entry === undefined) return undefined;
        if (entry.kind === 'dir') throw fsError('EISDIR', 'readFile', path);
        return this.#inode(entry.inode).current.slice();
      },
      stat: async (path) => {
        await this.#begin(process, 'stat', path);
        this.#alive(process, 'stat', path);
        const entry = this.#lookup(path);
        if (entry === undefined) return undefined;
        return { size: entry.kind === 'file' ? this.#inode(entry.inode).current.length : 0 };
      },
    };
  }

  /**
   * The crash: the process using the disk is gone, and what survives is what was synced, with the
   * options' losses. The next process (newProcess) finds the disk as the crash left it.
   */
  crash(options: CrashOptions = {}): void {
    this.#armed = undefined;
    this.#process++;
    if (options.loss === 'process') {
      for (const inode of this.#inodes.values()) inode.durable = inode.current;
      for (const dir of this.#dirs.values()) dir.durable = new Map(dir.current);
    } else {
      this.#loseUnsynced(options.random);
    }
    this.#settle();
  }

  /** The bytes of a file (path relative to the root) that a crash now would leave, random losses aside. */
  durableBytes(path: string): Uint8Array | undefined {
    const entry = this.#lookup(join(this.root, path));
    return entry?.kind === 'file' ? this.#inode(entry.inode).durable : undefined;
  }

  /** Every file reachable from the root as the running process sees it, by relative path. */
  files(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    const walk = (dir: number, prefix: string): void => {
      for (const [name, entry] of [...this.#entries(dir).current].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const path = prefix === '' ? name : `${prefix}/${name}`;
        if (entry.kind === 'dir') walk(entry.dir, path);
        else out.set(path, this.#inode(entry.inode).current);
      }
    };
    walk(ROOT, '');
    return out;
  }

  /**
   * What a crash would lose now: files (with a name) whose bytes are not all synced, and directory changes not
   * synced ('+' an entry made, '-' one removed), by relative path.
   */
  unsynced(): string[] {
    const paths = new Map<number, string>([[ROOT, '']]);
    const inodes = new Map<number, string>();
    const walk = (dir: number): void => {
      for (const [name, entry] of this.#entries(dir).current) {
        const path = `${paths.get(dir) ?? '?'}${name}`;
        if (entry.kind === 'dir') {
          paths.set(entry.dir, `${path}/`);
          walk(entry.dir);
        } else inodes.set(entry.inode, path);
      }
    };
    walk(ROOT);
    const out: string[] = [];
    for (const [id, path] of inodes) if (!sameBytes(this.#inode(id).durable, this.#inode(id).current)) out.push(`bytes of ${path}`);
    for (const change of this.#changes) {
      for (const part of change) if (!part.synced) out.push(`${part.entry === undefined ? '-' : '+'}${paths.get(part.dir) ?? '?'}${part.name}`);
    }
    return out;
  }

  /** Writes the files (and directories) the running process sees into the real root, beside what is there. */
  materialise(): void {
    const walk = (dir: number, real: string): void => {
      mkdirSync(real, { recursive: true });
      for (const [name, entry] of this.#entries(dir).current) {
        if (entry.kind === 'dir') walk(entry.dir, join(real, name));
        else writeFileSync(join(real, name), this.#inode(entry.inode).current);
      }
    };
    walk(ROOT, this.root);
  }

  /**
   * Counts a call of process, or fails it: the process crashed, or crashes now. With latency, the
   * call takes effect a turn of the event loop later, as a real one completes on another thread.
   */
  async #begin(process: number, op: string, paths: string | readonly string[], bytes?: Uint8Array): Promise<void> {
    const shown = (typeof paths === 'string' ? [paths] : paths).map((p) => relative(this.root, resolve(p)) || '.').join(' ');
    const dead = () => new CrashedError(`process ${process} crashed: its ${op} of ${shown} never happened`);
    if (process !== this.#process) throw dead();
    const operation: Operation = { index: this.operations.length, op, path: shown, process, ...(bytes === undefined ? {} : { bytes }) };
    this.operations.push(operation);
    const armed = this.#armed;
    if (armed !== undefined && armed.index === operation.index) {
      this.crash(armed.options);
      throw new CrashedError(`crash point ${operation.index}: the process crashed before ${op} ${shown}`);
    }
    if (this.#latency !== undefined) {
      // A sync waits for the device: it takes longer than a call the page cache answers.
      const slow = op === 'sync' || op === 'syncDir' || op === 'truncate';
      const wait = Math.floor(this.#latency() * (slow ? 4 : 2));
      await new Promise((resolve) => (wait === 0 ? setImmediate(resolve) : setTimeout(resolve, wait)));
      if (process !== this.#process) throw dead();
    }
    if (op === 'rename') {
      const moved = this.#lookup(typeof paths === 'string' ? paths : (paths[0] ?? ''));
      if (moved?.kind === 'file') operation.bytes = this.#inode(moved.inode).current.slice();
    }
    this.#watch?.(operation);
  }

  /**
   * Fails a call whose process crashed after the call began: a call takes effect after the await
   * of #begin, and a crash of another call of the same process may come in between. A syscall the
   * kernel had not finished when the process died never happened.
   */
  #alive(process: number, op: string, paths: string | readonly string[]): void {
    if (process === this.#process) return;
    const shown = (typeof paths === 'string' ? [paths] : paths).map((p) => relative(this.root, resolve(p)) || '.').join(' ');
    throw new CrashedError(`process ${process} crashed: its ${op} of ${shown} never happened`);
  }

  #file(process: number, inode: number, mode: 'append' | 'truncate', path: string): DurableFile {
    let position = 0;
    let closed = false;
    const check = async (op: string, bytes?: Uint8Array): Promise<Inode> => {
      await this.#begin(process, op, path, bytes);
      this.#alive(process, op, path);
      if (closed) throw fsError('EBADF', op, path);
      return this.#inode(inode);
    };
    return {
      write: async (data) => {
        const file = await check('write', data.slice());
        this.#alive(process, 'write', path);
        if (mode === 'append') {
          file.current = concat(file.current, data);
          return;
        }
        const next = new Uint8Array(Math.max(file.current.length, position + data.length));
        next.set(file.current);
        next.set(data, position);
        file.current = next;
        position += data.length;
      },
      sync: async () => {
        const file = await check('sync');
        this.#alive(process, 'sync', path);
        file.durable = file.current;
      },
      close: async () => {
        await check('close');
        closed = true;
      },
    };
  }

  #loseUnsynced(random: (() => number) | undefined): void {
    for (const inode of this.#inodes.values()) {
      if (sameBytes(inode.durable, inode.current) || random === undefined) continue;
      const { durable, current } = inode;
      const appended = current.length > durable.length && sameBytes(current.subarray(0, durable.length), durable);
      if (appended) inode.durable = current.slice(0, durable.length + Math.floor(random() * (current.length - durable.length + 1)));
      else if (random() < 0.5) inode.durable = current.slice(0, Math.floor(random() * (current.length + 1)));
    }
    for (const inode of this.#inodes.values()) inode.current = inode.durable;
    const pending = this.#changes.filter((change) => change.some((part) => !part.synced));
    const kept = random === undefined ? 0 : Math.floor(random() * (pending.length + 1));
    for (const change of pending.slice(0, kept)) {
      for (const part of change) {
        const entries = this.#entries(part.dir).durable;
        if (part.entry === undefined) entries.delete(part.name);
        else entries.set(part.name, part.entry);
      }
    }
    for (const dir of this.#dirs.values()) dir.current = new Map(dir.durable);
  }

  /** After a load or a crash: everything present is durable, and no change is pending. */
  #settle(): void {
    for (const inode of this.#inodes.values()) inode.durable = inode.current;
    for (const dir of this.#dirs.values()) dir.durable = new Map(dir.current);
    this.#changes = [];
  }

  #change(parts: Omit<ChangePart, 'synced'>[]): void {
    const change = parts.map((part) => ({ ...part, synced: false }));
    for (const part of change) {
      const entries = this.#entries(part.dir).current;
      if (part.entry === undefined) entries.delete(part.name);
      else entries.set(part.name, part.entry);
    }
    this.#changes.push(change);
  }

  #newInode(bytes: Uint8Array): number {
    const id = this.#nextId++;
    this.#inodes.set(id, { durable: new Uint8Array(), current: bytes });
    return id;
  }

  #newDir(): number {
    const id = this.#nextId++;
    this.#dirs.set(id, { durable: new Map(), current: new Map() });
    return id;
  }

  #inode(id: number): Inode {
    const inode = this.#inodes.get(id);
    if (inode === undefined) throw new Error(`crash disk invariant: no inode ${id}`);
    return inode;
  }

  #entries(id: number): Directory {
    const dir = this.#dirs.get(id);
    if (dir === undefined) throw new Error(`crash disk invariant: no directory ${id}`);
    return dir;
  }

  #inside(path: string): boolean {
    const rel = relative(this.root, resolve(path));
    return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
  }

  /** The path's names below the root; a path outside it is a mistake of the test. */
  #parts(path: string, op: string): string[] {
    if (!this.#inside(path)) throw new Error(`crash disk: ${op} of ${path}, outside the disk's root ${this.root}`);
    const rel = relative(this.root, resolve(path));
    return rel === '' ? [] : rel.split(sep);
  }

  #lookup(path: string): Entry | undefined {
    let entry: Entry = { kind: 'dir', dir: ROOT };
    for (const name of this.#parts(path, 'lookup')) {
      if (entry.kind !== 'dir') return undefined;
      const next = this.#entries(entry.dir).current.get(name);
      if (next === undefined) return undefined;
      entry = next;
    }
    return entry;
  }

  /** The existing directory a path's last name goes in. */
  #parent(path: string, op: string): { dir: number; name: string } {
    const parts = this.#parts(path, op);
    const name = parts.at(-1);
    if (name === undefined) throw fsError('EISDIR', op, path);
    const parent = this.#lookup(dirname(resolve(path)));
    if (parent?.kind !== 'dir') throw fsError('ENOENT', op, path);
    return { dir: parent.dir, name };
  }
}
