// The task table: one record per assignment of a task to an owner process. A record moves
// open → produced → verified | rejected, or to failed; it counts as complete only once its
// required verification has passed, and the verifier is never of the producer's lineage.
import type { TaskEntry } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { taskRecordId, type ArtifactId, type Pid, type TaskRecordId } from './ids.js';

export type TaskState = 'open' | 'produced' | 'verified' | 'rejected' | 'failed';

export interface TaskRecord {
  readonly id: TaskRecordId;
  /** Index into code.tasks. */
  readonly task: number;
  readonly owner: Pid;
  /** The process that assigned it (spawned the owner with it). */
  readonly opener: Pid;
  readonly input: JsonValue;
  state: TaskState;
  output: JsonValue;
  artifacts: ArtifactId[];
  verdict: JsonValue;
}

export class TaskTable {
  private readonly records: TaskRecord[] = [];
  /** Each opener's records, oldest first: what a process's exit checks, without a scan of every record. */
  private readonly byOpener = new Map<Pid, TaskRecord[]>();

  open(task: number, owner: Pid, opener: Pid, input: JsonValue): TaskRecord {
    const record: TaskRecord = { id: taskRecordId(this.records.length), task, owner, opener, input, state: 'open', output: null, artifacts: [], verdict: null };
    this.records.push(record);
    const own = this.byOpener.get(opener);
    if (own === undefined) this.byOpener.set(opener, [record]);
    else own.push(record);
    return record;
  }

  get(id: TaskRecordId): TaskRecord | undefined {
    return this.records[id];
  }

  /** The latest record of a task that the opener assigned, if any. */
  latest(task: number, opener: Pid): TaskRecord | undefined {
    const own = this.byOpener.get(opener) ?? [];
    for (let i = own.length - 1; i >= 0; i--) {
      const r = own[i] as TaskRecord;
      if (r.task === task) return r;
    }
    return undefined;
  }

  /** A record the opener assigned was produced and never judged, though its task requires verification. */
  hasUnverified(opener: Pid, tasks: readonly TaskEntry[]): boolean {
    const own = this.byOpener.get(opener);
    return own !== undefined && own.some((r) => r.state === 'produced' && tasks[r.task]?.verify !== undefined);
  }

  all(): readonly TaskRecord[] {
    return this.records;
  }
}
