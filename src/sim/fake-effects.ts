// Fake effects for the simulated host: model replies from a function (labelled as scripted,
// with scripted token counts), tool results from a function, and an in-memory file tree that
// reads and writes go to. Each kind of effect takes a fixed virtual time.
import type { Completion } from '../vm/kernel.js';
import type { EffectOp, EffectRequest } from '../vm/effects.js';
import type { JsonValue } from '../bytecode/json.js';
import type { FakeAnswer, FakeEffects, HostView } from './simulated-host.js';
import { assert } from '../bytecode/errors.js';

export interface FakeEffectOptions {
  /** The reply content for a model request (structured replies may be values or JSON text). */
  readonly model?: (request: EffectRequest, host: HostView) => JsonValue | Completion | 'never';
  /** A tool's result (`{exit_code, stdout, stderr, json?}`), or a failed completion. */
  readonly tool?: (request: EffectRequest) => JsonValue | Completion | 'never';
  /** Files by virtual path; writes are added here. */
  readonly files?: Map<string, string>;
  /** Virtual milliseconds each kind of effect takes (default 1). */
  readonly latency?: Partial<Record<EffectOp, number>>;
}

function isCompletion(value: unknown): value is Completion {
  return typeof value === 'object' && value !== null && 'ok' in value && (('value' in value && (value as { ok: unknown }).ok === true) || ('error' in value && (value as { ok: unknown }).ok === false));
}

/** A free agent's conversation, from the blob its model request names. */
export function agentContext(request: EffectRequest, host: HostView): { messages: { role: string; content: string }[]; tools: { name: string }[] } {
  const text = host.blobs.get(String(request.request['context']));
  assert(text !== undefined, () => `fake effects: no context blob for ${request.effect}`);
  return JSON.parse(text) as { messages: { role: string; content: string }[]; tools: { name: string }[] };
}

/** A free agent's input, as its opening message states it (`Input: …`). */
export function agentInput(request: EffectRequest, host: HostView): JsonValue {
  const opening = agentContext(request, host).messages.find((m) => m.role === 'user')?.content ?? '';
  const line = opening.split('\n').find((l) => l.startsWith('Input: '));
  return line === undefined ? null : (JSON.parse(line.slice('Input: '.length)) as JsonValue);
}

/** The handoff scripted replies finish with: it says only that it is scripted. */
export const SCRIPTED_HANDOFF: JsonValue = { attempted: ['scripted reply'], changed: [], failed: [], next: 'none: scripted', remains: [] };

/** A scripted reply that finishes a free agent's task with this output. */
export function finishReply(output: JsonValue): JsonValue {
  return { finish: { handoff: SCRIPTED_HANDOFF, output } };
}

function isToolReply(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray(value['toolCalls']);
}

function ok(value: JsonValue): Completion {
  return { ok: true, value };
}

export function fakeEffects(options: FakeEffectOptions = {}): FakeEffects & { readonly files: Map<string, string> } {
  const files = options.files ?? new Map<string, string>();
  const latency = (op: EffectOp): number => options.latency?.[op] ?? 1;
  const answerWith = (op: EffectOp, result: JsonValue | Completion | 'never', wrap: (v: JsonValue) => JsonValue): FakeAnswer => {
    if (result === 'never') return 'never';
    return { after: latency(op), completion: isCompletion(result) ? result : ok(wrap(result as JsonValue)) };
  };
  return {
    files,
    answer(request: EffectRequest, host: HostView): FakeAnswer {
      switch (request.op) {
        case 'model':
          // A reply with tool calls is given whole; anything else is the reply's content.
          return answerWith('model', options.model?.(request, host) ?? finishReply(null), (reply) => ({
            ...(isToolReply(reply) ? reply : { content: reply }),
            scripted: true,
            usage: { input: 10, output: 5, scripted: true },
          }));
        case 'tool':
          return answerWith('tool', options.tool?.(request) ?? { exit_code: 0, stderr: '', stdout: '' }, (r) => r);
        case 'read': {
          const text = files.get(request.request['path'] as string);
          return { after: latency('read'), completion: text === undefined ? { ok: false, error: { kind: 'not-found', message: `no file ${request.request['path'] as string}` } } : ok(text) };
        }
        case 'write': {
          const text = host.blobs.get(request.request['blob'] as string);
          if (text !== undefined) files.set(request.request['path'] as string, text);
          return { after: latency('write'), completion: ok(null) };
        }
        case 'commit':
        case 'timer':
          return { after: latency(request.op), completion: ok(null) };
      }
    },
  };
}
