// The run's blob store alone: a blob is kept and stored once, and `stored()` is what the
// write-ahead order waits for before a commit, so it waits for every put and fails with one.
import { describe, expect, it } from 'vitest';
import { RunBlobs } from '../../src/runtime/blob-store.js';

/** A log whose puts settle only when the test says so. */
function heldLog() {
  const puts: { hash: string; settle: (error?: Error) => void }[] = [];
  const log = {
    putBlob: (hash: string) =>
      new Promise<void>((resolve, reject) => {
        puts.push({ hash, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      }),
  };
  return { log, puts };
}

describe('the run blob store', () => {
  it('keeps each blob once and stores it once', () => {
    const { log, puts } = heldLog();
    const blobs = new RunBlobs(log);
    blobs.put('h1', 'one');
    blobs.put('h1', 'one');
    blobs.put('h2', new Uint8Array([1, 2]));
    expect(puts.map((p) => p.hash)).toEqual(['h1', 'h2']);
    expect(blobs.get('h1')).toBe('one');
    expect([...blobs.all.keys()]).toEqual(['h1', 'h2']);
  });

  it('resolves stored() only once every blob put so far is stored', async () => {
    const { log, puts } = heldLog();
    const blobs = new RunBlobs(log);
    blobs.put('h1', 'one');
    blobs.put('h2', 'two');
    let done = false;
    const stored = blobs.stored().then(() => (done = true));
    puts[0]?.settle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    puts[1]?.settle();
    await stored;
    expect(done).toBe(true);
  });

  it('fails stored() with a blob that could not be stored', async () => {
    const { log, puts } = heldLog();
    const blobs = new RunBlobs(log);
    blobs.put('h1', 'one');
    puts[0]?.settle(new Error('disk full'));
    await expect(blobs.stored()).rejects.toThrow('disk full');
  });
});
