// The syscalls whose work the host does: ask (a model call), exec (a tool), read, write and
// sleep. Each issues one effect and blocks until its completion is admitted; failures are
// retried under the agent's or task's retry policy, with the backoff as a timer.
import { assert } from '../bytecode/errors.js';
import type { Instruction } from '../bytecode/format.js';
import { isObject, type JsonObject, type JsonValue } from '../bytecode/json.js';
import { canonicalJson } from '../bytecode/canonical.js';
import { sha256Hex as sha256 } from '../bytecode/hash.js';
import { allows } from './caps.js';
import type { KernelCore } from './core.js';
import type { Completion } from './effects.js';
import type { EffectId } from './ids.js';
import { exhaustBudget } from './lifecycle.js';
import { fencingProblem } from './lease-calls.js';
import { constantOperand, flagOperand, msOperand, optionalArtifactOperand, stringOperand, stringsOperand, toolOperand } from './operands.js';
import { deny, fail, type SyscallOutcome } from './outcomes.js';
import type { Process } from './process.js';
import { mayRetry, retryDelay, retryPolicyFor, type FailureKind } from './retry.js';
import { buildToolCall } from './tool-args.js';
import { resolvePath, type Resolution } from './vfs.js';
import { chargedTokens } from './rules.js';
import { byteLength } from './artifacts.js';

/** Blocks `p` on one effect; `then` runs on its completion while `p` is still in the same incarnation. */
export function awaitEffect(k: KernelCore, p: Process, op: Parameters<KernelCore['request']>[1], request: Parameters<KernelCore['request']>[2], then: (c: Completion) => void): EffectId {
  const incarnation = p.incarnation;
  const id = k.request(p, op, request, (c) => {
    if (p.incarnation !== incarnation || p.state === 'exited') return;
    p.wait = null;
    then(c);
  });
  k.block(p, { kind: 'effect', effect: id });
  return id;
}

/** Tries used by one operation (an ask, a tool run, a free agent's run of malformed replies). */
export interface RetryCounter {
  used: number;
}

/**
 * Retries after the policy's backoff when it covers this failure; false when it does not. The
 * counter spans every failure kind, so an operation makes at most `attempts` tries in all.
 */
export function retryLater(k: KernelCore, p: Process, kind: FailureKind, again: () => void, counter: RetryCounter): boolean {
  const policy = retryPolicyFor(k.code, p.agent, k.taskIndexOf(p));
  const used = counter.used;
  if (!mayRetry(policy, kind, used)) return false;
  counter.used = used + 1;
  const backoff = retryDelay(policy, used + 1);
  k.emit('retry.scheduled', p.name, { attempt: used + 2, backoff, on: kind });
  const incarnation = p.incarnation;
  const id = k.timer(p, backoff, 'backoff', () => {
    if (p.incarnation === incarnation && p.state !== 'exited') again();
  });
  k.block(p, { kind: 'effect', effect: id });
  return true;
}

/** Charges one model call; false when it exhausted the budget (and the process failed). */
export function chargeModelCall(k: KernelCore, p: Process, reply: JsonValue): boolean {
  const charged = p.budget.chargeTurn(chargedTokens(reply));
  if (charged === 'ok') return true;
  exhaustBudget(k, p, charged);
  return false;
}

/** The reply's content, parsed as JSON when a schema asks for structure. */
function replyContent(reply: JsonValue, structured: boolean): { value: JsonValue } | { problem: string } {
  const content = typeof reply === 'object' && reply !== null && !Array.isArray(reply) ? reply['content'] : undefined;
  if (content === undefined) return { problem: 'the reply has no content' };
  if (!structured || typeof content !== 'string') return { value: content };
  try {
    return { value: JSON.parse(content) as JsonValue };
  } catch (error) {
    return { problem: `the reply is not JSON: ${(error as Error).message}` };
  }
}

function modelRequest(k: KernelCore, p: Process, prompt: string, schemaIndex: number, input: JsonValue, attempt: number, feedback: string | null): { [key: string]: JsonValue } {
  const agent = k.agentOf(p);
  const model = agent !== undefined && agent.model >= 0 ? k.code.models[agent.model] : undefined;
  const request: { [key: string]: JsonValue } = {
    agent: agent?.name ?? p.name,
    attempt,
    input,
    model: model === undefined ? null : { ...model },
    prompt,
    schema: schemaIndex >= 0 ? k.constant(schemaIndex) : null,
    system: agent !== undefined && agent.prompt >= 0 ? k.constant(agent.prompt) : null,
  };
  if (feedback !== null) request['feedback'] = feedback;
  return request;
}

export function ask(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const input = flagOperand(ins, 'ASK', 3) ? (p.frame?.stack.pop() ?? null) : null;
  const prompt = stringOperand(k.constants, ins, 'ASK', 1);
  const artifact = optionalArtifactOperand(ins, 'ASK', 2);
  const schemaIndex = artifact === null ? -1 : (k.code.artifacts[artifact]?.schema ?? -1);
  const retries: RetryCounter = { used: 0 };
  const attemptAsk = (attempt: number, feedback: string | null): void => {
    const remaining = p.budget.remaining;
    if (remaining.turns < 1 || remaining.tokens <= 0) {
      exhaustBudget(k, p, remaining.turns < 1 ? 'turns' : 'tokens');
      return;
    }
    const id = awaitEffect(k, p, 'model', modelRequest(k, p, prompt, schemaIndex, input, attempt, feedback), (c) => {
      if (!c.ok) {
        if (retryLater(k, p, c.error.kind === 'timeout' ? 'timeout' : 'tool_failure', () => attemptAsk(attempt + 1, null), retries)) return;
        fail(k, p, { kind: 'model-failed', error: { kind: c.error.kind, message: c.error.message } });
        return;
      }
      if (!chargeModelCall(k, p, c.value)) return;
      const content = replyContent(c.value, schemaIndex >= 0);
      const problem = 'problem' in content ? content.problem : schemaIndex >= 0 ? k.validator.problem(schemaIndex, content.value) : undefined;
      if (problem === undefined && 'value' in content) {
        k.resume(p, content.value);
        return;
      }
      k.emit('output.malformed', p.name, { effect: id, error: problem ?? 'malformed' });
      if (retryLater(k, p, 'malformed_output', () => attemptAsk(attempt + 1, problem ?? null), retries)) return;
      fail(k, p, { error: problem ?? 'malformed', kind: 'malformed-output' });
    });
  };
  attemptAsk(1, null);
  return 'stop';
}

/** Runs a tool for `p` and hands `then` its result, retrying tool failures under the policy. */
export function runTool(k: KernelCore, p: Process, toolIndex: number, args: { readonly [name: string]: JsonValue }, then: (result: JsonValue) => void): void {
  const tool = k.code.tools[toolIndex];
  assert(tool !== undefined, () => `no tool ${toolIndex}`);
  const call = buildToolCall(tool, args, p.mounts);
  if (!call.ok) {
    then({ error: { kind: 'invalid-argument', message: call.problem }, exit_code: -1 });
    return;
  }
  const request: { [key: string]: JsonValue } = { argv: call.argv, cwd: call.cwd, env: tool.env, tool: tool.name };
  if (tool.timeout !== undefined) request['timeout'] = tool.timeout;
  if (tool.outputCap !== undefined) request['outputCap'] = tool.outputCap;
  const retries: RetryCounter = { used: 0 };
  const attempt = (): void => {
    awaitEffect(k, p, 'tool', request, (c) => {
      if (c.ok) {
        then(c.value);
        return;
      }
      const kind: FailureKind = c.error.kind === 'timeout' ? 'timeout' : 'tool_failure';
      if (retryLater(k, p, kind, attempt, retries)) return;
      then({ error: { kind: c.error.kind, message: c.error.message }, exit_code: -1 });
    });
  };
  attempt();
}

export function exec(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const names = stringsOperand(k.constants, ins, 'EXEC', 2);
  const stack = p.frame?.stack ?? [];
  const values = stack.splice(stack.length - names.length, names.length);
  const toolIndex = toolOperand(ins, 'EXEC', 1);
  if (!allows(p.caps, { kind: 'tool', tool: toolIndex })) return deny(k, p, 'exec', { tool: k.code.tools[toolIndex]?.name ?? toolIndex });
  const args = Object.fromEntries(names.map((n, i) => [n, values[i] as JsonValue]));
  runTool(k, p, toolIndex, args, (result) => k.resume(p, result));
  return p.state === 'running' ? 'continue' : 'stop';
}

export function read(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const resolved = resolvePath(p.mounts, constantOperand(k.constants, ins, 'READ', 1), 'read');
  if (!resolved.ok) return deny(k, p, 'read', { error: resolved.error, message: resolved.message });
  awaitEffect(k, p, 'read', { path: resolved.path }, (c) => {
    if (c.ok) k.resume(p, c.value);
    else fail(k, p, { error: { kind: c.error.kind, message: c.error.message }, kind: 'read-failed', path: resolved.path });
  });
  return 'stop';
}

export function write(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const stack = p.frame?.stack ?? [];
  const value = stack.pop() ?? null;
  const lease = flagOperand(ins, 'WRITE', 2) ? (stack.pop() ?? null) : undefined;
  const resolved = resolvePath(p.mounts, constantOperand(k.constants, ins, 'WRITE', 1), 'write');
  if (!resolved.ok) return deny(k, p, 'write', { error: resolved.error, message: resolved.message });
  if (lease !== undefined) {
    const problem = fencingProblem(k, p, lease);
    if (problem !== undefined) return fail(k, p, problem);
  }
  const text = typeof value === 'string' ? value : canonicalJson(value);
  const token = isObject(lease ?? null) ? ((lease as JsonObject)['token'] ?? null) : undefined;
  writeEffect(k, p, resolved, text, token, (c) => {
    if (!c.ok) fail(k, p, { error: { kind: c.error.kind, message: c.error.message }, kind: 'write-failed', path: resolved.path });
    else k.resume(p, undefined);
  });
  return 'stop';
}

/**
 * Writes text to a resolved path as one effect, its content in a blob; when the write lands in a
 * shared mount, that mount's version moves (overlay commits compare against it). Used by the
 * WRITE syscall and by a free agent's write_file.
 */
export function writeEffect(k: KernelCore, p: Process, resolved: Extract<Resolution, { ok: true }>, text: string, token: JsonValue | undefined, then: (c: Completion) => void): void {
  const hash = sha256(text);
  k.blob({ hash, text });
  const request: { [key: string]: JsonValue } = { blob: hash, path: resolved.path, size: byteLength(text) };
  if (token !== undefined) request['token'] = token;
  awaitEffect(k, p, 'write', request, (c) => {
    if (c.ok && resolved.mount.kind === 'shared') k.mountVersions.set(resolved.mount.path, (k.mountVersions.get(resolved.mount.path) ?? 0) + 1);
    then(c);
  });
}

export function sleep(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const incarnation = p.incarnation;
  const id = k.timer(p, msOperand(ins, 'SLEEP', 1), 'sleep', () => {
    if (p.incarnation === incarnation && p.state !== 'exited') k.resume(p, undefined);
  });
  k.block(p, { kind: 'effect', effect: id });
  return 'stop';
}
