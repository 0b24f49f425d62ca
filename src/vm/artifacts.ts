// Artifact records over content-addressed blobs. A record keeps its kind, its producer's name
// and incarnation, the artifacts it was made from and the verdicts given on it; the bytes live in
// a blob named by their sha256, so two artifacts with equal bytes stay two records over one blob.
import type { JsonValue } from '../bytecode/json.js';
import { canonicalJson } from '../bytecode/canonical.js';
import { sha256Hex } from '../bytecode/hash.js';
import { artifactId, type ArtifactId, type Pid } from './ids.js';

export interface Verdict {
  readonly by: string;
  readonly passed: boolean;
  readonly verdict: JsonValue;
}

export interface ArtifactRecord {
  readonly id: ArtifactId;
  readonly kind: string;
  readonly hash: string;
  readonly size: number;
  readonly producer: Pid;
  readonly incarnation: number;
  readonly inputs: readonly ArtifactId[];
  readonly verdicts: Verdict[];
}

export interface Blob {
  readonly hash: string;
  readonly text: string;
}

/** The value a program holds for an artifact: enough to name it and check its bytes. */
export function artifactRef(record: ArtifactRecord): JsonValue {
  return { artifact: record.id, hash: record.hash, kind: record.kind };
}

/** Artifact ids referred to anywhere inside a value: the lineage of an artifact made from it. */
function referencedArtifacts(value: JsonValue, known: (id: number) => boolean): ArtifactId[] {
  const found = new Set<ArtifactId>();
  const pending: JsonValue[] = [value];
  for (let v = pending.pop(); v !== undefined; v = pending.pop()) {
    if (Array.isArray(v)) {
      pending.push(...v);
    } else if (typeof v === 'object' && v !== null) {
      const id = v['artifact'];
      if (typeof id === 'number' && typeof v['hash'] === 'string' && known(id)) found.add(artifactId(id));
      for (const key of Object.keys(v)) pending.push(v[key] as JsonValue);
    }
  }
  return [...found].sort((a, b) => a - b);
}

export class ArtifactStore {
  private readonly records: ArtifactRecord[] = [];

  /** Records a value; returns the record and the blob the host must store before the record's event. */
  record(kind: string, value: JsonValue, producer: Pid, incarnation: number): { record: ArtifactRecord; blob: Blob } {
    const text = typeof value === 'string' ? value : canonicalJson(value);
    const hash = sha256Hex(text);
    const inputs = referencedArtifacts(value, (id) => id < this.records.length);
    const record: ArtifactRecord = { id: artifactId(this.records.length), kind, hash, size: byteLength(text), producer, incarnation, inputs, verdicts: [] };
    this.records.push(record);
    return { record, blob: { hash, text } };
  }

  get(id: ArtifactId): ArtifactRecord | undefined {
    return this.records[id];
  }

  all(): readonly ArtifactRecord[] {
    return this.records;
  }
}

/** UTF-8 byte length without allocating a buffer. */
export function byteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
