// The task table: one record per assignment of a task to an owner process. A record moves
// open → produced → verified | rejected, or to failed; it counts as complete only once its
// required verification has passed, and the verifier is never of the producer's lineage.
import type { JsonValue } from '../bytecode/json.js';

export type TaskState = 'open' | 'produced' | 'verified' | 'rejected' | 'failed';

export interface TaskRecord {
  readonly id: number;
  /** Index into code.tasks. */
  readonly task: number;
  readonly owner: string;
  /** The process that assigned it (spawned the owner with it). */
  readonly opener: string;
  readonly input: JsonValue;
  state: TaskState;
  output: JsonValue;
  artifacts: number[];
  verdict: JsonValue;
}

export class TaskTable {
  private readonly records: TaskRecord[] = [];

  open(task: number, owner: string, opener: string, input: JsonValue): TaskRecord {
    const record: TaskRecord = { id: this.records.length, task, owner, opener, input, state: 'open', output: null, artifacts: [], verdict: null };
    this.records.push(record);
    return record;
  }

  get(id: number): TaskRecord | undefined {
    return this.records[id];
  }

  /** The latest record of a task that the opener assigned, if any. */
  latest(task: number, opener: string): TaskRecord | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i] as TaskRecord;
      if (r.task === task && r.opener === opener) return r;
    }
    return undefined;
  }

  /** Records the opener assigned that were produced and never judged, though verification is required. */
  unverified(opener: string, requiresVerification: (task: number) => boolean): TaskRecord[] {
    return this.records.filter((r) => r.opener === opener && r.state === 'produced' && requiresVerification(r.task));
  }

  all(): readonly TaskRecord[] {
    return this.records;
  }
}
