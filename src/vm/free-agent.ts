// The loop of a free agent (an agent with no program), DESIGN.md section 7. Each turn asks the
// model with the conversation so far — system prompt, task and input (and the handoff of a
// previous incarnation), messages that arrived, feedback — and the tools on offer; the reply's
// tool calls run one by one as syscalls, their results join the conversation, and the next turn
// begins, until the model calls `finish` or `fail` or the budget runs out. A reply that calls no
// tool is malformed: it is fed back under the retry policy. The conversation travels to the host
// as a blob, so the log holds each turn's context once, by hash.
import { canonicalJson } from '../bytecode/canonical.js';
import { sha256Hex } from '../bytecode/hash.js';
import { isObject, type JsonObject, type JsonValue } from '../bytecode/json.js';
import { later, runAgentTool, toolSpecs, type ToolCall } from './agent-tools.js';
import type { KernelCore } from './core.js';
import type { Completion } from './effects.js';
import { awaitEffect, chargeModelCall, retryLater } from './effect-calls.js';
import type { EffectId } from './ids.js';
import { exhaustBudget, exitProcess } from './lifecycle.js';
import { agentLoop, type AgentLoop, type Process } from './process.js';

const GUIDANCE = 'Work with the tools you are offered. When the task is done, call finish with the output it asks for and a handoff; if it cannot be done, call fail with the reason.';

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : canonicalJson(value ?? null);
}

/** The conversation a new incarnation starts with. */
function opening(k: KernelCore, p: Process): JsonValue[] {
  const agent = k.agentOf(p);
  const record = p.task === null ? undefined : k.tasks.get(p.task);
  const task = record === undefined ? undefined : k.code.tasks[record.task];
  const lines = [GUIDANCE];
  if (task !== undefined) lines.push(`Task ${task.name}: ${task.description ?? '(no description)'}`);
  lines.push(`Input: ${text(p.input)}`);
  const handoff = p.handoff === null ? undefined : k.artifacts.get(p.handoff);
  if (handoff !== undefined) lines.push(`You are restarting. Your previous incarnation's handoff is artifact ${handoff.id} (sha256 ${handoff.hash}).`);
  const messages: JsonValue[] = [];
  if (agent !== undefined && agent.prompt >= 0) messages.push({ content: text(k.constant(agent.prompt)), role: 'system' });
  messages.push({ content: lines.join('\n'), role: 'user' });
  return messages;
}

export function freeAgentStep(k: KernelCore, p: Process, loop: AgentLoop): void {
  const next = loop.continuation;
  if (next !== null) {
    loop.continuation = null;
    next(loop.resumed);
    return;
  }
  startTurn(k, p, loop);
}

function startTurn(k: KernelCore, p: Process, loop: AgentLoop): void {
  const remaining = p.budget.remaining;
  if (remaining.turns < 1 || remaining.tokens <= 0) {
    exhaustBudget(k, p, remaining.turns < 1 ? 'turns' : 'tokens');
    return;
  }
  const transcript = (loop.transcript ??= opening(k, p));
  const arrived: string[] = [];
  for (let m = p.mailbox?.take(); m !== undefined; m = p.mailbox?.take()) {
    k.emit('msg.received', p.name, { from: m.from, msg: m.id });
    arrived.push(`from ${m.from}: ${text(m.value)}`);
  }
  if (arrived.length > 0) transcript.push({ content: `Messages arrived:\n${arrived.join('\n')}`, role: 'user' });
  if (loop.feedback !== null) {
    transcript.push({ content: loop.feedback, role: 'user' });
    loop.feedback = null;
  }
  const context = canonicalJson({ messages: transcript, tools: toolSpecs(k, p) });
  const hash = sha256Hex(context);
  k.blob({ hash, text: context });
  const agent = k.agentOf(p);
  const model = agent !== undefined && agent.model >= 0 ? k.code.models[agent.model] : undefined;
  const request = { agent: agent?.name ?? p.name, context: hash, messages: transcript.length, model: model === undefined ? null : { ...model }, turn: loop.turns + 1 };
  const id = awaitEffect(k, p, 'model', request, (c) => later(k, p, () => onReply(k, p, id, c)));
}

/** The reply's text and tool calls; arguments sent as JSON text are parsed here. */
function readReply(reply: JsonValue): { content: string; calls: ToolCall[]; bad: string | null } {
  const value = isObject(reply) ? reply : {};
  const content = value['content'] === undefined || value['content'] === null ? '' : text(value['content']);
  const calls: ToolCall[] = [];
  const raw = Array.isArray(value['toolCalls']) ? value['toolCalls'] : [];
  for (const [i, item] of raw.entries()) {
    if (!isObject(item) || typeof item['name'] !== 'string') return { content, calls, bad: `tool call ${i + 1} has no name` };
    let args: JsonValue = item['arguments'] ?? {};
    if (typeof args === 'string') {
      try {
        args = JSON.parse(args) as JsonValue;
      } catch {
        return { content, calls, bad: `the arguments of tool call ${i + 1} (${item['name']}) are not JSON` };
      }
    }
    calls.push({ arguments: args, id: typeof item['id'] === 'string' ? item['id'] : `call-${i + 1}`, name: item['name'] });
  }
  return { content, calls, bad: null };
}

/** A reply with no tool calls may still be `{"finish": …}` or `{"fail": …}` as JSON text. */
function textCall(content: string): ToolCall | undefined {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(content) as JsonValue;
  } catch {
    return undefined;
  }
  if (isObject(parsed) && isObject(parsed['finish'])) return { arguments: parsed['finish'], id: 'text', name: 'finish' };
  if (isObject(parsed) && parsed['fail'] !== undefined) return { arguments: { reason: text(parsed['fail']) }, id: 'text', name: 'fail' };
  return undefined;
}

function onReply(k: KernelCore, p: Process, effect: EffectId, c: Completion): void {
  const loop = agentLoop(p);
  loop.turns++;
  if (!c.ok) {
    if (retryLater(k, p, c.error.kind === 'timeout' ? 'timeout' : 'tool_failure', () => k.makeReady(p), (loop.turnRetries ??= { used: 0 }))) return;
    exitProcess(k, p, 'failed', null, { error: { kind: c.error.kind, message: c.error.message }, kind: 'model-failed' });
    return;
  }
  if (!chargeModelCall(k, p, c.value)) return;
  const reply = readReply(c.value);
  const calls = reply.calls.length > 0 || reply.bad !== null ? reply.calls : [textCall(reply.content)].filter((x) => x !== undefined);
  const entry: JsonObject = { content: reply.content, role: 'assistant' };
  if (reply.calls.length > 0) entry['toolCalls'] = reply.calls.map((call) => ({ arguments: call.arguments, id: call.id, name: call.name }));
  loop.transcript?.push(entry);
  const problem = reply.bad ?? (calls.length === 0 ? 'the reply called no tool: call a tool, or finish with the output and a handoff' : null);
  if (problem !== null) {
    k.emit('output.malformed', p.name, { effect, error: problem });
    loop.feedback = problem;
    if (retryLater(k, p, 'malformed_output', () => k.makeReady(p), (loop.turnRetries ??= { used: 0 }))) return;
    exitProcess(k, p, 'failed', null, { error: problem, kind: 'malformed-output' });
    return;
  }
  loop.turnRetries = null;
  runCalls(k, p, calls, 0);
}

/** Runs the turn's tool calls in order; when the last has its result, the next turn begins. */
function runCalls(k: KernelCore, p: Process, calls: readonly ToolCall[], index: number): void {
  const call = calls[index];
  if (call === undefined) {
    k.makeReady(p);
    return;
  }
  runAgentTool(k, p, call, (result) => {
    agentLoop(p).transcript?.push({ content: text(result), name: call.name, role: 'tool', toolCallId: call.id });
    runCalls(k, p, calls, index + 1);
  });
}
