// The run's blobs (conversations, contents of writes, tool output kept as bytes): held in memory
// for the effects that read them, and stored in the run directory for replay. The write-ahead
// order needs every blob stored before a line that names it is committed: `stored()` waits for them.
import type { RunLog } from '../log/writer.js';

export type BlobContent = string | Uint8Array;

/** What the effect executor needs of the blob store: blobs the kernel handed over, and a place for tool output. */
export interface BlobAccess {
  get(hash: string): BlobContent | undefined;
  put(hash: string, content: BlobContent): void;
}

export class RunBlobs implements BlobAccess {
  private readonly byHash = new Map<string, BlobContent>();
  /** Blobs put since the last `stored()`, on their way to the run directory. */
  private readonly storing: Promise<void>[] = [];

  constructor(private readonly log: Pick<RunLog, 'putBlob'>) {}

  /** Every blob of the run, by hash. */
  get all(): ReadonlyMap<string, BlobContent> {
    return this.byHash;
  }

  get(hash: string): BlobContent | undefined {
    return this.byHash.get(hash);
  }

  /** Keeps the blob and starts storing it; a hash already kept is the same content, so it is put once. */
  put(hash: string, content: BlobContent): void {
    if (this.byHash.has(hash)) return;
    this.byHash.set(hash, content);
    const stored = this.log.putBlob(hash, content);
    // Awaited by the next `stored()`, which fails with it; until then it is not unhandled.
    stored.catch(() => undefined);
    this.storing.push(stored);
  }

  /**
   * Resolves once every blob put so far is durable; rejects if one could not be stored. Not an
   * async function: the live loop awaits it, and by arrival an extra tick there would move where
   * completions fall.
   */
  stored(): Promise<unknown> {
    return Promise.all(this.storing.splice(0));
  }
}
