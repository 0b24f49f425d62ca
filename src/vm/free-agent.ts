// The built-in loop of a free agent (an agent with no program): each turn asks the model with
// the agent's context — system prompt, task, input, the messages that arrived, its latest
// handoff and any feedback on a malformed reply — until a reply finishes or fails the task.
// A reply is structured: `{"finish": {"output": …, …handoff fields}}` or `{"fail": reason}`.
import type { KernelCore } from './core.js';
import { awaitEffect, chargeModelCall, retryLater } from './effect-calls.js';
import { exhaustBudget, exitProcess } from './lifecycle.js';
import { isObject, type JsonValue } from '../bytecode/json.js';
import { exitOk } from './overlay.js';
import type { Process } from './process.js';

function context(k: KernelCore, p: Process): { [key: string]: JsonValue } {
  const agent = k.code.agents[p.agent];
  const model = agent !== undefined && agent.model >= 0 ? k.code.models[agent.model] : undefined;
  const record = p.task >= 0 ? k.tasks.get(p.task) : undefined;
  const task = record === undefined ? undefined : k.code.tasks[record.task];
  const inbox: JsonValue[] = [];
  for (let m = p.mailbox.take(); m !== undefined; m = p.mailbox.take()) {
    k.emit('msg.received', p.name, { from: m.from, msg: m.id });
    inbox.push({ from: m.from, value: m.value });
  }
  const request: { [key: string]: JsonValue } = {
    agent: agent?.name ?? p.name,
    handoff: p.handoff >= 0 ? p.handoff : null,
    inbox,
    input: p.input,
    model: model === undefined ? null : { ...model },
    system: agent !== undefined && agent.prompt >= 0 ? (k.constant(agent.prompt) as JsonValue) : null,
    task: task === undefined ? null : { description: task.description ?? null, name: task.name },
    tools: (agent?.tools ?? []).map((t) => k.code.tools[t]?.name ?? ''),
    turn: p.turns + 1,
  };
  if (p.feedback !== null) request['feedback'] = p.feedback;
  return request;
}

/** What a reply asks for, or why it cannot be read. */
function readReply(reply: JsonValue): { finish: JsonValue } | { fail: JsonValue } | { problem: string } {
  let content = isObject(reply) ? reply['content'] : undefined;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content) as JsonValue;
    } catch {
      return { problem: 'the reply is not JSON: expected {"finish": {...}} or {"fail": reason}' };
    }
  }
  if (isObject(content) && isObject(content['finish'])) return { finish: content['finish'] };
  if (isObject(content) && content['fail'] !== undefined) return { fail: content['fail'] as JsonValue };
  return { problem: 'expected {"finish": {"output": ...}} or {"fail": reason}' };
}

export function freeAgentStep(k: KernelCore, p: Process): void {
  const remaining = p.budget.remaining;
  if (remaining.turns < 1 || remaining.tokens <= 0) {
    exhaustBudget(k, p, remaining.turns < 1 ? 'turns' : 'tokens');
    return;
  }
  const id = awaitEffect(k, p, 'model', context(k, p), (c) => {
    p.turns++;
    if (!c.ok) {
      if (retryLater(k, p, c.error.kind === 'timeout' ? 'timeout' : 'tool_failure', () => k.makeReady(p), p.turnRetries)) return;
      exitProcess(k, p, 'failed', null, { error: { kind: c.error.kind, message: c.error.message }, kind: 'model-failed' });
      return;
    }
    if (!chargeModelCall(k, p, c.value)) return;
    const reply = readReply(c.value);
    if (!('problem' in reply)) p.turnRetries.used = 0;
    if ('finish' in reply) {
      p.feedback = null;
      const finish = reply.finish as { [key: string]: JsonValue };
      exitOk(k, p, finish['output'] ?? null);
      return;
    }
    if ('fail' in reply) {
      exitProcess(k, p, 'failed', null, reply.fail);
      return;
    }
    k.emit('output.malformed', p.name, { effect: id, error: reply.problem });
    p.feedback = reply.problem;
    if (retryLater(k, p, 'malformed_output', () => k.makeReady(p), p.turnRetries)) return;
    exitProcess(k, p, 'failed', null, { error: reply.problem, kind: 'malformed-output' });
  });
}
