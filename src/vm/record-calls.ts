// Syscalls that leave records: attach (an artifact), checkpoint (the process's resumable
// state, itself an artifact) and verify (a task's verification gate, judged by a tool or by an
// agent outside the producer's lineage, with rejected work retried when the task's policy says so).
import { assert } from '../bytecode/errors.js';
import type { ArtifactEntry, Instruction } from '../bytecode/format.js';
import { isObject, type JsonValue } from '../bytecode/json.js';
import { artifactRef, type ArtifactRecord } from './artifacts.js';
import type { KernelCore } from './core.js';
import { runTool } from './effect-calls.js';
import { spawnAgent } from './lifecycle.js';
import { appended } from './lists.js';
import { artifactOperand, flagOperand, taskOperand } from './operands.js';
import { fail, failingInstruction, type SyscallOutcome } from './outcomes.js';
import type { Process } from './process.js';
import { mayRetry, retryDelay, retryPolicyFor } from './retry.js';
import { stateAfterVerdict } from './rules.js';
import type { TaskRecord } from './tasks.js';

export function recordArtifact(k: KernelCore, p: Process, kind: string, value: JsonValue): ArtifactRecord {
  const { record, blob } = k.artifacts.record(kind, value, p.name, p.incarnation);
  k.blob(blob);
  k.emit('artifact.recorded', p.name, { hash: record.hash, id: record.id, incarnation: p.incarnation, inputs: [...record.inputs], kind, size: record.size });
  return record;
}

/**
 * Checks a value against its artifact kind's schema and records it as an artifact of the
 * process (a `handoff` becomes its latest handoff); gives the program's reference to it, or what
 * is wrong with the value. Used by ATTACH and by a free agent's attach_artifact.
 */
export function attachValue(k: KernelCore, p: Process, entry: ArtifactEntry, value: JsonValue): { readonly ref: JsonValue } | { readonly problem: string } {
  const problem = entry.schema >= 0 ? k.validator.problem(entry.schema, value) : undefined;
  if (problem !== undefined) return { problem };
  const record = recordArtifact(k, p, entry.name, value);
  p.attached = appended(p.attached, record.id);
  if (entry.name === 'handoff') p.handoff = record.id;
  return { ref: artifactRef(record) };
}

export function attach(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const value = p.frame?.stack.pop() ?? null;
  const kind = artifactOperand(ins, 'ATTACH', 1);
  const entry = k.code.artifacts[kind];
  assert(entry !== undefined, () => `no artifact kind ${kind}`);
  const attached = attachValue(k, p, entry, value);
  if ('problem' in attached) return fail(k, p, { artifact: entry.name, error: attached.problem, kind: 'malformed-artifact' });
  p.frame?.stack.push(attached.ref);
  return 'continue';
}

export function checkpoint(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const frame = p.frame;
  assert(frame !== null, () => `${p.name} checkpoints without a frame`);
  const value = flagOperand(ins, 'CHECKPOINT', 1) ? (frame.stack.pop() ?? null) : null;
  const inbox = (p.mailbox?.snapshot() ?? []).map((m) => ({ from: m.from, msg: m.id }));
  // The recorded form names no handoff as -1.
  const content = { handoff: p.handoff ?? -1, inbox, pc: frame.pc, slots: [...frame.slots], value };
  const { id } = recordArtifact(k, p, 'checkpoint', content);
  p.checkpoint = { artifact: id, pc: frame.pc, slots: [...frame.slots] };
  k.emit('checkpoint.saved', p.name, { artifact: id, pc: frame.pc });
  return 'continue';
}

/** The verdict an agent's final exit gives: its output when it holds a boolean `passed`. */
function agentVerdict(exit: Process['exit']): JsonValue {
  if (exit?.status === 'ok' && typeof exit.output === 'object' && exit.output !== null && !Array.isArray(exit.output) && typeof exit.output['passed'] === 'boolean') return exit.output;
  return { passed: false, reason: exit === null ? 'no verdict' : { kind: 'verifier-gave-no-verdict', status: exit.status, output: exit.output } };
}

function passed(verdict: JsonValue): boolean {
  return typeof verdict === 'object' && verdict !== null && !Array.isArray(verdict) && verdict['passed'] === true;
}

function lineageOf(k: KernelCore, agent: number): string | undefined {
  return k.code.agents[agent]?.lineage;
}

/** Runs the task's verification on `value`, then calls `done` with the verdict. */
function judge(k: KernelCore, p: Process, taskIndex: number, record: TaskRecord | undefined, value: JsonValue, done: (verdict: JsonValue, by: string) => void): boolean {
  const task = k.code.tasks[taskIndex];
  const verification = task?.verify;
  if (task === undefined || verification === undefined) {
    done({ passed: false, reason: { kind: 'no-verification', task: task?.name ?? taskIndex } }, '');
    return false;
  }
  if ('agent' in verification) {
    const verifier = k.code.agents[verification.agent];
    assert(verifier !== undefined, () => `task ${task.name} names no verifier`);
    if (task.owner >= 0 && lineageOf(k, task.owner) === verifier.lineage) {
      k.emit('cap.denied', p.name, { at: failingInstruction(p), detail: { task: task.name, verifier: verifier.name }, op: 'verify' });
      done({ passed: false, reason: { kind: 'verifier-is-producer', verifier: verifier.name } }, verifier.name);
      return false;
    }
    const input = { description: task.description ?? null, producer: record?.owner ?? null, task: task.name, value };
    const child = spawnAgent(k, p, verification.agent, input, null);
    k.block(p, { kind: 'verify', record: record?.id ?? null, verifier: child.name });
    k.verifyWaits.set(child.name, (exit) => done(agentVerdict(exit), child.name));
    child.awaiters = appended(child.awaiters, p.name);
    return true;
  }
  const tool = k.code.tools[verification.tool];
  const args = k.constant(verification.args) as { [name: string]: JsonValue };
  runTool(k, p, verification.tool, args, (result) => {
    const r = typeof result === 'object' && result !== null && !Array.isArray(result) ? result : {};
    const verdict: { [key: string]: JsonValue } = { exit_code: r['exit_code'] ?? -1, passed: r['exit_code'] === 0 };
    if (r['json'] !== undefined) verdict['json'] = r['json'] as JsonValue;
    if (r['error'] !== undefined) verdict['error'] = r['error'] as JsonValue;
    done(verdict, tool?.name ?? '');
  });
  return p.state !== 'running';
}

export function verify(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const taskIndex = taskOperand(ins, 'VERIFY', 1);
  const value = flagOperand(ins, 'VERIFY', 2) ? (p.frame?.stack.pop() ?? null) : null;
  const attemptVerify = (record: TaskRecord | undefined, judged: JsonValue, retries: number): boolean =>
    judge(k, p, taskIndex, record, judged, (verdict, by) => {
      settleVerdict(k, p, record, verdict, by);
      if (!passed(verdict) && record !== undefined && retryRejected(k, p, record, verdict, retries, (next, output) => attemptVerify(next, output, retries + 1))) return;
      // After a `rejected` retry the program's value is not what was judged last, so the verdict
      // carries the output it judged; otherwise it is the verifier's verdict exactly.
      k.resume(p, retries > 0 && isObject(verdict) ? { ...verdict, value: judged } : verdict);
    });
  const blocked = attemptVerify(k.tasks.latest(taskIndex, k.taskHolder(p)), value, 0);
  return blocked || p.state !== 'running' ? 'stop' : 'continue';
}

function settleVerdict(k: KernelCore, p: Process, record: TaskRecord | undefined, verdict: JsonValue, by: string): void {
  const ok = passed(verdict);
  const next = record === undefined ? null : stateAfterVerdict(record.state, ok);
  if (record !== undefined && next !== null) {
    record.state = next;
    record.verdict = verdict;
    for (const id of record.artifacts) k.artifacts.get(id)?.verdicts.push({ by, passed: ok, verdict });
  }
  k.emit(ok ? 'task.verified' : 'task.rejected', p.name, { by, task: record?.id ?? -1, verdict });
}

/**
 * A rejected task whose retry policy covers `rejected` runs again: after the backoff a new
 * process of its owner gets the original input and the verdict, and its output is judged anew.
 */
function retryRejected(k: KernelCore, p: Process, record: TaskRecord, verdict: JsonValue, retries: number, again: (next: TaskRecord, output: JsonValue) => void): boolean {
  const task = k.code.tasks[record.task];
  const owner = task === undefined || task.owner < 0 ? null : task.owner;
  const policy = retryPolicyFor(k.code, owner, record.task);
  if (owner === null || k.code.agents[owner] === undefined || !mayRetry(policy, 'rejected', retries)) return false;
  const backoff = retryDelay(policy, retries + 1);
  k.emit('retry.scheduled', p.name, { attempt: retries + 2, backoff, on: 'rejected' });
  const incarnation = p.incarnation;
  const timer = k.timer(p, backoff, 'backoff', () => {
    if (p.incarnation !== incarnation || p.state === 'exited') return;
    const child = spawnAgent(k, p, owner, { input: record.input, rejected: verdict }, record.task);
    const next = child.task === null ? undefined : k.tasks.get(child.task);
    assert(next !== undefined, () => `${child.name} was spawned for task ${record.task} but holds no record`);
    k.block(p, { kind: 'verify', record: next.id, verifier: child.name });
    k.verifyWaits.set(child.name, (exit) => {
      if (exit?.status === 'ok' || exit?.status === 'unverified') again(next, exit.output);
      else k.resume(p, { passed: false, reason: { kind: 'retry-failed', status: exit?.status ?? 'failed' }, value: null });
    });
    child.awaiters = appended(child.awaiters, p.name);
  });
  k.block(p, { kind: 'effect', effect: timer });
  return true;
}
