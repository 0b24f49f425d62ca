// The task table: one record per assignment of a task to an owner process. A record moves
// open → produced → verified | rejected, or to failed; it counts as complete only once its
// required verification has passed, and the verifier is never of the producer's lineage.
import type { TaskEntry } from '../bytecode/format.js';
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
  /** Each opener's records, oldest first: what a process's exit checks, without a scan of every record. */
  private readonly byOpener = new Map<string, TaskRecord[]>();

  open(task: number, owner: string, opener: string, input: JsonValue): TaskRecord {
    const record: TaskRecord = { id: this.records.length, task, owner, opener, input, state: 'open', output: null, artifacts: [], verdict: null };
    this.records.push(record);
    const own = this.byOpener.get(opener);
    if (own === undefined) this.byOpener.set(opener, [record]);
    else own.push(record);
    return record;
  }

  get(id: number): TaskRecord | undefined {
    return this.records[id];
  }

  /** The latest record of a task that the opener assigned, if any. */
  latest(task: number, opener: string): TaskRecord | undefined {
    const own = this.byOpener.get(opener) ?? [];
    for (let i = own.length - 1; i >= 0; i--) {
      const r = own[i] as TaskRecord;
      if (r.task === task) return r;
    }
    return undefined;
  }

  /** A record the opener assigned was produced and never judged, though its task requires verification. */
  hasUnverified(opener: string, tasks: readonly TaskEntry[]): boolean {
    const own = this.byOpener.get(opener);
    return own !== undefined && own.some((r) => r.state === 'produced' && tasks[r.task]?.verify !== undefined);
  }

  all(): readonly TaskRecord[] {
    return this.records;
  }
}
