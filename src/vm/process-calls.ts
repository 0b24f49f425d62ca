// The process syscalls: spawn, call, await, signal, parallel, exit and fail, and the two
// instructions that name processes (PARENT, AGENT_REF).
import { assert } from '../bytecode/errors.js';
import type { Instruction } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import type { SignalOp } from '../bytecode/opcodes.js';
import { allows } from './caps.js';
import type { KernelCore } from './core.js';
import { handle, handleName } from './handles.js';
import type { EffectId, Pid } from './ids.js';
import { exitProcess, exitValue, spawnAgent, spawnProcess } from './lifecycle.js';
import { appended, removed } from './lists.js';
import { agentOperand, flagOperand, indexesOperand, optionalMsOperand, optionalTaskOperand, signalOperand } from './operands.js';
import { deny, fail, type SyscallOutcome } from './outcomes.js';
import { exitOk } from './overlay.js';
import { finalExitOf, type Process, type ProcessRecord } from './process.js';

function popInput(p: Process, given: boolean): JsonValue {
  return given ? (p.frame?.stack.pop() ?? null) : null;
}

/** SPAWN and CALL: the agent of operand 1, with the task of operand 2, when the caps allow it. */
function spawnChild(k: KernelCore, p: Process, ins: Instruction, op: 'SPAWN' | 'CALL', input: JsonValue): Process | undefined {
  const agent = agentOperand(ins, op, 1);
  const entry = k.code.agents[agent];
  assert(entry !== undefined, () => `no agent ${agent}`);
  if (!allows(p.caps, { kind: 'spawn', agent })) {
    deny(k, p, 'spawn', { agent: entry.name });
    return undefined;
  }
  return spawnAgent(k, p, agent, input, optionalTaskOperand(ins, op, 2));
}

export function spawnCall(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const input = popInput(p, flagOperand(ins, 'SPAWN', 3));
  const child = spawnChild(k, p, ins, 'SPAWN', input);
  if (child === undefined) return 'stop';
  p.frame?.stack.push(handle(child.name));
  return 'continue';
}

/** Blocks `p` until `target` ends for good, or until the timeout (then the target is cancelled when asked). */
function awaitName(k: KernelCore, p: Process, target: ProcessRecord, timeout: number | null, cancelOnTimeout: boolean): SyscallOutcome {
  if (target.final) {
    p.frame?.stack.push(exitValue(finalExitOf(target)));
    return 'continue';
  }
  const wait = { kind: 'await' as const, target: target.name, timer: null as EffectId | null, cancelOnTimeout };
  k.block(p, wait);
  if (!target.awaiters.includes(p.name)) target.awaiters = appended(target.awaiters, p.name);
  if (timeout !== null) {
    wait.timer = k.timer(p, timeout, 'await', () => {
      if (p.wait !== wait) return;
      target.awaiters = removed(target.awaiters, p.name);
      if (cancelOnTimeout) signalProcess(k, p.name, target, 'cancel');
      k.resume(p, { output: null, status: 'timeout' });
    });
  }
  return 'stop';
}

export function callAgent(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const input = popInput(p, flagOperand(ins, 'CALL', 3));
  const child = spawnChild(k, p, ins, 'CALL', input);
  if (child === undefined) return 'stop';
  return awaitName(k, p, child, optionalMsOperand(ins, 'CALL', 4), true);
}

export function awaitProcess(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const target = p.frame?.stack.pop() ?? null;
  const name = handleName(target);
  const process = name === undefined ? undefined : k.processes.get(name);
  if (process === undefined) {
    p.frame?.stack.push({ output: null, reason: { kind: 'unknown-process', target }, status: 'failed' });
    return 'continue';
  }
  return awaitName(k, p, process, optionalMsOperand(ins, 'AWAIT', 1), false);
}

/** Wakes a process whose await, call or join was waiting on `ended`. */
export function wakeOnFinal(k: KernelCore, waiter: Process, ended: Process): void {
  const wait = waiter.wait;
  if (wait === null || ended.exit === null) return;
  if (wait.kind === 'await' && wait.target === ended.name) {
    k.cancel(wait.timer);
    k.resume(waiter, exitValue(ended.exit));
  } else if (wait.kind === 'join' && wait.branches.includes(ended.name)) {
    joinBranch(k, waiter, ended, wait.branches);
  }
}

/** Applies a signal from `from` to `target`; recorded even when the target has already ended. */
export function signalProcess(k: KernelCore, from: Pid | 'host', target: ProcessRecord, op: SignalOp): void {
  k.emit('proc.signalled', target.name, { from, op });
  if (target.final) return;
  switch (op) {
    case 'kill':
    case 'cancel':
      exitProcess(k, target, op === 'kill' ? 'killed' : 'cancelled', null, { from, kind: 'signal', op }, { final: true });
      return;
    case 'pause':
      if (target.state === 'paused' || target.state === 'exited') return;
      target.pausedFrom = target.state === 'running' ? 'ready' : target.state;
      target.state = 'paused';
      k.scheduler.remove(target.name);
      return;
    case 'resume':
      if (target.state !== 'paused') return;
      target.state = target.pausedFrom ?? 'ready';
      target.pausedFrom = null;
      if (target.state === 'ready') k.scheduler.add(target.name);
  }
}

export function signal(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const op = signalOperand(ins, 'SIGNAL', 1);
  const value = p.frame?.stack.pop() ?? null;
  const name = handleName(value);
  const target = name === undefined ? undefined : k.processes.get(name);
  if (target === undefined) return fail(k, p, { kind: 'unknown-process', target: value });
  if (!allows(p.caps, { kind: 'signal', descendant: k.isDescendant(target.name, p.name) })) return deny(k, p, 'signal', { op, target: target.name });
  signalProcess(k, p.name, target, op);
  return p.state === 'running' ? 'continue' : 'stop';
}

export function parallel(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const procedures = indexesOperand(k.constants, ins, 'PARALLEL', 1);
  if (procedures.length === 0) return 'continue';
  const slots = p.frame?.slots ?? [];
  const branches = procedures.map((index) => {
    const proc = k.code.procedures[index];
    assert(proc !== undefined, () => `no branch procedure ${index}`);
    const captured = proc.captures.map(([outer]) => slots[outer] ?? null);
    return spawnProcess(k, p, { kind: 'branch', agent: p.agent, procedure: index, spec: proc.name, input: null, task: null, captured }).name;
  });
  k.block(p, { kind: 'join', branches, procedures });
  return 'stop';
}

/** A branch ended: a failure fails the parent; when all succeeded their writes are copied back in branch order. */
function joinBranch(k: KernelCore, parent: Process, ended: Process, branches: readonly Pid[]): void {
  const exit = ended.exit;
  if (exit === null) return;
  if (exit.status !== 'ok') {
    parent.wait = null;
    exitProcess(k, parent, 'failed', null, { branch: ended.name, kind: 'branch-failed', reason: exit.reason ?? exit.status });
    return;
  }
  const all = branches.map((n) => k.process(n));
  if (!all.every((b) => b.final)) return;
  const slots = parent.frame?.slots;
  for (const b of all) {
    const proc = b.procedure === null ? undefined : k.code.procedures[b.procedure];
    const finalSlots = k.branchSlots.get(b.name);
    if (proc === undefined || slots === undefined || finalSlots === undefined) continue;
    for (const [inner, outer] of proc.writes) slots[outer] = finalSlots[inner] ?? null;
  }
  for (const b of all) k.branchSlots.delete(b.name);
  parent.wait = null;
  k.makeReady(parent);
}

export function exit(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const value = popInput(p, flagOperand(ins, 'EXIT', 1));
  if (p.kind === 'branch' && p.frame !== null) k.branchSlots.set(p.name, [...p.frame.slots]);
  exitOk(k, p, value);
  return 'stop';
}

export function failCall(k: KernelCore, p: Process): SyscallOutcome {
  return fail(k, p, p.frame?.stack.pop() ?? null);
}

export function parent(k: KernelCore, p: Process): SyscallOutcome {
  p.frame?.stack.push(p.parent === null ? null : handle(p.parent));
  return 'continue';
}

export function agentRef(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const name = k.latestOf.get(agentOperand(ins, 'AGENT_REF', 1));
  p.frame?.stack.push(name === undefined ? null : handle(name));
  return 'continue';
}
