// Reads events.jsonl a chunk at a time, so a log of millions of events replays in bounded memory.
// Synchronous: a replay steps the kernel, which is synchronous, between lines. A cursor shows each
// line as a range of a decoded chunk, so moving to the next line allocates nothing; fileLines
// gives each line as a string of its own, for readers that keep them.
import { closeSync, openSync, readSync } from 'node:fs';

export interface LineReadOptions {
  /** Bytes read at a time. */
  readonly chunkBytes?: number;
  /** Called with the bytes after the last newline, when there are any: a torn last line, not shown. */
  readonly onTail?: (bytes: number) => void;
}

/** A log's complete lines, one at a time: the current one is text.slice(start, end), without its newline. */
export interface LineCursor {
  /** Moves to the next line; false (and no line) at the end, when the file is closed. */
  next(): boolean;
  /** Lets go of the file before the end (a reader that stops early). */
  close(): void;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A cursor over lines held in memory. */
export function arrayCursor(lines: readonly string[]): LineCursor {
  let index = -1;
  const cursor = {
    text: '',
    start: 0,
    end: 0,
    close(): void {
      index = lines.length;
    },
    next(): boolean {
      index++;
      if (index >= lines.length) return false;
      cursor.text = lines[index] as string;
      cursor.end = cursor.text.length;
      return true;
    },
  };
  return cursor;
}

/** A cursor over the complete lines of a file, decoded as UTF-8 a chunk of whole lines at a time. */
export function fileCursor(path: string, options: LineReadOptions = {}): LineCursor {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let fd: number | undefined = openSync(path, 'r');
  let carry: Buffer = Buffer.alloc(0);
  /** Where the line after the current one starts in text. */
  let next = 0;
  const close = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  /** Decodes the next run of whole lines into text; false at the end of the file. */
  const load = (): boolean => {
    while (fd !== undefined) {
      const read = readSync(fd, chunk, 0, chunkBytes, null);
      if (read === 0) {
        close();
        if (carry.length > 0) options.onTail?.(carry.length);
        return false;
      }
      const data = carry.length === 0 ? chunk.subarray(0, read) : Buffer.concat([carry, chunk.subarray(0, read)]);
      const last = data.lastIndexOf(10);
      // The rest is read into the chunk again: what is left of it is copied out.
      carry = Buffer.from(data.subarray(last + 1));
      if (last < 0) continue;
      cursor.text = data.toString('utf8', 0, last + 1);
      next = 0;
      return true;
    }
    return false;
  };
  const cursor = {
    text: '',
    start: 0,
    end: 0,
    close,
    next(): boolean {
      if (next >= cursor.text.length && !load()) return false;
      cursor.start = next;
      cursor.end = cursor.text.indexOf('\n', next);
      next = cursor.end + 1;
      return true;
    },
  };
  return cursor;
}

/** The complete lines of a file, without their newlines, each as a string of its own. */
export function* fileLines(path: string, options: LineReadOptions = {}): Generator<string, void, undefined> {
  const cursor = fileCursor(path, options);
  try {
    while (cursor.next()) yield cursor.text.slice(cursor.start, cursor.end);
  } finally {
    cursor.close();
  }
}
