// Reads events.jsonl a chunk at a time, line by line, so a log of millions of events replays in
// bounded memory. Synchronous: a replay steps the kernel, which is synchronous, between lines.
import { closeSync, openSync, readSync } from 'node:fs';

export interface LineReadOptions {
  /** Bytes read at a time. */
  readonly chunkBytes?: number;
  /** Called with the bytes after the last newline, when there are any: a torn last line, not yielded. */
  readonly onTail?: (bytes: number) => void;
}

/** The complete lines of a file, without their newlines, decoded as UTF-8. */
export function* fileLines(path: string, options: LineReadOptions = {}): Generator<string, void, undefined> {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunkBytes, null);
      if (read === 0) break;
      const data = carry.length === 0 ? chunk.subarray(0, read) : Buffer.concat([carry, chunk.subarray(0, read)]);
      let start = 0;
      for (let end = data.indexOf(10); end >= 0; end = data.indexOf(10, start)) {
        yield data.toString('utf8', start, end);
        start = end + 1;
      }
      // The chunk is read into again: what is left of it is copied out.
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) options.onTail?.(carry.length);
  } finally {
    closeSync(fd);
  }
}
