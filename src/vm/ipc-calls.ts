// Messages between processes: send and recv over per-pair FIFO mailboxes, publish and
// subscribe over topics. Delivery is exactly once; a message to a name that has ended for good
// becomes a dead letter.
import type { Instruction } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { allows } from './caps.js';
import type { KernelCore } from './core.js';
import { handleName } from './handles.js';
import type { EffectId, Pid } from './ids.js';
import { appended } from './lists.js';
import { Mailbox } from './mailbox.js';
import { flagOperand, optionalMsOperand, stringOperand } from './operands.js';
import { deny, fail, type SyscallOutcome } from './outcomes.js';
import type { Process, ProcessRecord } from './process.js';

/** Puts a message in `to`'s mailbox and wakes it when it is waiting for one like it. */
export function deliver(k: KernelCore, from: Pid, to: Process, id: number, value: JsonValue): void {
  const mailbox = (to.mailbox ??= new Mailbox<Pid>());
  mailbox.push({ from, id, to: to.name, value });
  const wait = to.wait;
  if (wait?.kind === 'recv' && (wait.from === null || wait.from === from)) {
    const envelope = wait.from === null ? mailbox.take() : mailbox.takeFrom(from);
    if (envelope === undefined) return;
    k.cancel(wait.timer);
    k.emit('msg.received', to.name, { from: envelope.from, msg: envelope.id });
    k.resume(to, envelope.value);
  }
}

export function maySend(k: KernelCore, p: Process, target: ProcessRecord): boolean {
  if (p.parent === target.name || target.parent === p.name) return true;
  return target.agent !== null && target.kind === 'agent' && (allows(p.caps, { kind: 'send', agent: target.agent }) || allows(p.caps, { kind: 'spawn', agent: target.agent }));
}

export function send(k: KernelCore, p: Process): SyscallOutcome {
  const stack = p.frame?.stack ?? [];
  const value = stack.pop() ?? null;
  const to = stack.pop() ?? null;
  const name = handleName(to);
  const target = name === undefined ? undefined : k.processes.get(name);
  if (target === undefined) return fail(k, p, { kind: 'unknown-process', target: to });
  if (p.kind !== 'main' && !maySend(k, p, target)) return deny(k, p, 'send', { to: target.name });
  post(k, p, target, value);
  return 'continue';
}

/** Sends a message the sender may send: delivered, or a dead letter when the target has ended for good. */
export function post(k: KernelCore, p: Process, target: ProcessRecord, value: JsonValue): { readonly id: number; readonly dead: boolean } {
  const id = ++k.messageSeq;
  if (target.final) {
    k.emit('msg.dead', p.name, { msg: id, to: target.name, value });
    return { dead: true, id };
  }
  k.emit('msg.sent', p.name, { msg: id, to: target.name, value });
  deliver(k, p.name, target, id, value);
  return { dead: false, id };
}

export function recv(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  let from: Pid | null = null;
  if (flagOperand(ins, 'RECV', 1)) {
    const value = p.frame?.stack.pop() ?? null;
    const name = handleName(value);
    if (name === undefined || !k.processes.has(name)) return fail(k, p, { kind: 'unknown-process', target: value });
    from = name;
  }
  const envelope = from === null ? p.mailbox?.take() : p.mailbox?.takeFrom(from);
  if (envelope !== undefined) {
    k.emit('msg.received', p.name, { from: envelope.from, msg: envelope.id });
    p.frame?.stack.push(envelope.value);
    return 'continue';
  }
  const wait = { kind: 'recv' as const, from, timer: null as EffectId | null };
  k.block(p, wait);
  const timeout = optionalMsOperand(ins, 'RECV', 2);
  if (timeout !== null) {
    wait.timer = k.timer(p, timeout, 'recv', () => {
      if (p.wait === wait) k.resume(p, null);
    });
  }
  return 'stop';
}

export function publish(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const topic = stringOperand(k.constants, ins, 'PUBLISH', 1);
  const value = p.frame?.stack.pop() ?? null;
  if (!allows(p.caps, { kind: 'topic', topic })) return deny(k, p, 'publish', { topic });
  const subscribers = (k.topics.get(topic) ?? []).map((n) => k.process(n)).filter((s): s is Process => !s.final);
  const first = k.messageSeq + 1;
  k.messageSeq += subscribers.length;
  k.emit('topic.published', p.name, { first, to: subscribers.map((s) => s.name), topic, value });
  subscribers.forEach((s, i) => deliver(k, p.name, s, first + i, value));
  return p.state === 'running' ? 'continue' : 'stop';
}

export function subscribe(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const topic = stringOperand(k.constants, ins, 'SUBSCRIBE', 1);
  if (!allows(p.caps, { kind: 'topic', topic })) return deny(k, p, 'subscribe', { topic });
  if (p.subscriptions.includes(topic)) return 'continue';
  p.subscriptions = appended(p.subscriptions, topic);
  const list = k.topics.get(topic);
  if (list === undefined) k.topics.set(topic, [p.name]);
  else list.push(p.name);
  k.emit('topic.subscribed', p.name, { topic });
  return 'continue';
}
