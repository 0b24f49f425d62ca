// What a resumed run takes up from its log besides the kernel, which exact replay rebuilds: where
// the mounts stand, the model calls already made (the turn counts and a backend's own state go on
// from them), and the outstanding tools that must not run a second time unasked.
import type { KernelEvent } from '../bytecode/events.js';
import type { Bytecode } from '../bytecode/format.js';
import type { GenerateRequest } from '../drivers/inference.js';
import type { RunLogContents } from '../log/reader.js';
import { lineKind, type ReplayResult } from '../replay/replay.js';
import type { Completion, EffectRequest } from '../vm/effects.js';
import type { ResumeState } from './live-host.js';
import { toGenerateRequest } from './model-effects.js';

/** What a resume does with a tool declared `idempotent false` that was running when the run stopped. */
export type InterruptedTools = 'rerun' | 'fail';

/**
 * The model calls the run dispatched, in dispatch order (the order of their requests): those whose
 * completion is in the log. One cancelled before it was dispatched never reached the backend, and
 * one still outstanding is dispatched again, and counted then.
 */
function dispatchedModelCalls(lines: readonly string[]): EffectRequest[] {
  const requested: EffectRequest[] = [];
  const completed = new Set<string>();
  for (const line of lines) {
    const kind = lineKind(line);
    if (kind !== 'effect.requested' && kind !== 'effect.completed') continue;
    const { data, pid } = JSON.parse(line) as KernelEvent;
    const effect = String(data?.['effect']);
    if (kind === 'effect.completed') completed.add(effect);
    else if (data?.['op'] === 'model' && pid !== undefined) requested.push({ effect, op: 'model', pid, request: data['request'] as EffectRequest['request'] });
  }
  return requested.filter((call) => completed.has(call.effect));
}

/** The log's events that place mounts (proc.spawned, overlay.discarded), in order. */
function mountEvents(lines: readonly string[]): KernelEvent[] {
  return lines.filter((line) => lineKind(line) === 'proc.spawned' || lineKind(line) === 'overlay.discarded').map((line) => JSON.parse(line) as KernelEvent);
}

/** Turn numbers as the live host gave them: per process, counted in dispatch order. */
function numbered(calls: readonly EffectRequest[]): { readonly call: EffectRequest; readonly turn: number }[] {
  const turns = new Map<string, number>();
  return calls.map((call) => {
    const turn = (turns.get(call.pid) ?? 0) + 1;
    turns.set(call.pid, turn);
    return { call, turn };
  });
}

/** Where a resumed run picks up, and the backend requests of the model calls it made before it stopped. */
export interface TakenUp {
  readonly state: ResumeState;
  readonly modelCalls: readonly GenerateRequest[];
}

/**
 * What the host redoes, from the log's lines and their replay; `instead` holds the completions
 * admitted for outstanding effects that are not dispatched again.
 */
export function takeUp(contents: RunLogContents, replay: ReplayResult, instead: ReadonlyMap<string, Completion>): TakenUp {
  const calls = numbered(dispatchedModelCalls(contents.lines));
  const turns = new Map(calls.map(({ call, turn }) => [call.pid, turn]));
  const modelCalls: GenerateRequest[] = [];
  for (const { call, turn } of calls) {
    try {
      modelCalls.push(toGenerateRequest(call.pid, call.request, turn, (hash) => replay.blobs.get(hash)));
    } catch {
      // Its conversation was missing then too: the call failed before it reached the backend.
    }
  }
  const state: ResumeState = { beyond: replay.beyond, blobs: replay.blobs, instead, kernel: replay.kernel, mountEvents: mountEvents(contents.lines), outstanding: replay.outstanding, turns };
  return { modelCalls, state };
}

/** Outstanding runs of tools declared `idempotent false`: each may have done its work before the stop. */
export function interruptedTools(bytecode: Bytecode, outstanding: readonly EffectRequest[]): EffectRequest[] {
  const once = new Set(bytecode.code.tools.filter((tool) => tool.idempotent === false).map((tool) => tool.name));
  return outstanding.filter((request) => request.op === 'tool' && once.has(String(request.request['tool'])));
}

/** The completion a resume records, when the operator says so, for a tool it does not run again. */
export function interruptedCompletion(request: EffectRequest): Completion {
  const message = `tool ${String(request.request['tool'])}: the run stopped while it ran, and the resume recorded it as failed instead of running it again`;
  return { ok: false, error: { kind: 'interrupted', message } };
}
