// Compatible replay (DESIGN.md section 5): runs a changed workflow against a run recorded before the
// change, ignoring the code hash and source locations, and tells whether each process still issues
// the same effects (same id, operation and request) in the same order and consumes every recorded
// input. Events other than effect requests may change freely: this is the question of whether a
// workflow change is safe for runs recorded before it, not whether the log would be identical.
//
// Inputs are put back in their recorded order, each once the changed run has issued the effect it
// completes (an external signal, which completes none, once it is next and the kernel is admissible).
import type { Bytecode } from '../bytecode/format.js';
import { canonicalJson } from '../bytecode/canonical.js';
import type { JsonValue } from '../bytecode/json.js';
import type { KernelEvent } from '../bytecode/events.js';
import { asEffectId, effectOwner } from '../vm/ids.js';
import { Kernel, type KernelInput, type StepOutput } from '../vm/kernel.js';
import { inputOf, isInputKind, lineKind, recordedStart, ReplayDivergenceError, sourceLocation, type SourceLocation } from './replay.js';

interface RecordedEffect {
  readonly seq: number;
  readonly effect: string;
  readonly op: string;
  readonly request: string;
}

export interface CompatibilityProblem {
  /** The process concerned. */
  readonly pid: string;
  /** The recorded seq the problem is about, when there is one. */
  readonly seq: number | undefined;
  readonly message: string;
  /** Where in the changed workflow the offending effect was issued, when it was. */
  readonly location: SourceLocation | undefined;
}

export interface CompatibilityReport {
  readonly compatible: boolean;
  /** Processes whose effects were compared, effects matched and recorded inputs consumed. */
  readonly processes: number;
  readonly effects: number;
  readonly inputs: number;
  readonly recordedInputs: number;
  /** The log ended in run.finished. */
  readonly finished: boolean;
  /** Empty when compatible; otherwise the first problem found (the run cannot go on past it). */
  readonly problems: readonly CompatibilityProblem[];
}

interface Recording {
  readonly effects: Map<string, RecordedEffect[]>;
  readonly inputs: { readonly seq: number; readonly input: KernelInput }[];
  readonly finished: boolean;
  readonly line0: string | undefined;
}

/** A recorded line the changed run cannot be held against: the log diverges there, as exact replay says of it. */
function unreadableLine(seq: number, summary: string): ReplayDivergenceError {
  return new ReplayDivergenceError({ seq, expected: null, produced: null, differences: [], location: undefined, summary });
}

function parsedLine(line: string, kind: string, seq: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw unreadableLine(seq, `the ${kind} line at seq ${seq} is not JSON`);
  }
}

function readRecording(lines: Iterable<string>): Recording {
  const effects = new Map<string, RecordedEffect[]>();
  const inputs: { seq: number; input: KernelInput }[] = [];
  let seq = 0;
  let line0: string | undefined;
  let last = '';
  for (const line of lines) {
    if (seq === 0) line0 = line;
    const kind = lineKind(line);
    last = kind;
    if (kind === 'effect.requested') {
      const event = parsedLine(line, kind, seq) as { pid: string; data: { effect: string; op: string; request: JsonValue } };
      const list = effects.get(event.pid) ?? [];
      effects.set(event.pid, list);
      list.push({ seq, effect: event.data.effect, op: event.data.op, request: canonicalJson(event.data.request) });
    } else if (isInputKind(kind)) {
      const input = inputOf(line);
      if (input === undefined) throw unreadableLine(seq, `the ${kind} line at seq ${seq} is not a well-formed input`);
      inputs.push({ seq, input });
    }
    seq++;
  }
  return { effects, inputs, finished: last === 'run.finished', line0 };
}

/** Runs `bytecode` (the changed workflow) against the recorded lines of a run. */
export function replayCompatible(bytecode: Bytecode, lines: Iterable<string>): CompatibilityReport {
  const recording = readRecording(lines);
  const start = recordedStart(recording.line0);
  const issued = new Set<string>();
  const matched = new Map<string, number>();
  const problems: CompatibilityProblem[] = [];
  let effects = 0;
  let consumed = 0;
  /** Where each effect of the current transition was requested from, by its event's seq. */
  const requestedAt = new Map<number, SourceLocation | undefined>();

  const { kernel, output } = Kernel.start({ backend: start.backend, bytecode, input: start.input, options: start.options, seed: start.seed });
  kernel.traceEmits((event) => {
    if (event.kind === 'effect.requested') requestedAt.set(event.seq, sourceLocation(bytecode, kernel.location(event.pid)));
  });

  const compare = (event: KernelEvent): void => {
    const pid = event.pid ?? '';
    const data = event.data as { effect: string; op: string; request: JsonValue };
    const index = matched.get(pid) ?? 0;
    const recorded = recording.effects.get(pid)?.[index];
    const location = requestedAt.get(event.seq);
    const produced = `${data.op} ${data.effect}`;
    if (recorded === undefined) {
      // Past the end of a log that stopped, the recorded run might have issued it too.
      if (!recording.finished) return;
      problems.push({ pid, seq: undefined, location, message: `${pid} now issues ${produced}, which the recorded run never issued (it issued ${index} effects)` });
      return;
    }
    if (recorded.effect !== data.effect || recorded.op !== data.op) {
      problems.push({ pid, seq: recorded.seq, location, message: `${pid}'s effect ${index + 1} was ${recorded.op} ${recorded.effect} (seq ${recorded.seq}); the changed workflow issues ${produced}` });
      return;
    }
    const request = canonicalJson(data.request);
    if (request !== recorded.request) {
      problems.push({ pid, seq: recorded.seq, location, message: `${pid}'s ${produced} asks for something else than at seq ${recorded.seq}: recorded ${recorded.request.slice(0, 300)}, now ${request.slice(0, 300)}` });
      return;
    }
    matched.set(pid, index + 1);
    issued.add(data.effect);
    effects++;
  };

  const handle = (out: StepOutput): void => {
    for (const event of out.events) if (event.kind === 'effect.requested') compare(event);
    requestedAt.clear();
  };
  handle(output);

  const completes = (input: KernelInput): string | undefined => (input.kind === 'signal.external' ? undefined : input.effect);
  const ready = (index: number): boolean => {
    const next = recording.inputs[index];
    if (next === undefined) return false;
    const effect = completes(next.input);
    return effect === undefined || issued.has(effect);
  };

  while (problems.length === 0 && !kernel.finished) {
    if (kernel.admissible && ready(consumed)) {
      do {
        handle(kernel.record((recording.inputs[consumed] as { input: KernelInput }).input));
        consumed++;
      } while (ready(consumed));
      handle(kernel.apply());
      continue;
    }
    if (kernel.runnable) {
      handle(kernel.step());
      continue;
    }
    const next = recording.inputs[consumed];
    if (next === undefined) break;
    const effect = completes(next.input) ?? '';
    problems.push({ pid: effectOwner(asEffectId(effect)), seq: next.seq, location: undefined, message: `the changed workflow waits, but the next recorded input (seq ${next.seq}) completes ${effect}, which it has not issued` });
  }

  if (problems.length === 0) {
    if (consumed < recording.inputs.length) {
      const next = recording.inputs[consumed] as { seq: number; input: KernelInput };
      problems.push({ pid: '', seq: next.seq, location: undefined, message: `${recording.inputs.length - consumed} recorded inputs were not consumed, the first at seq ${next.seq} (${next.input.kind}${completes(next.input) === undefined ? '' : ` of ${completes(next.input)}`})` });
    }
    for (const [pid, list] of recording.effects) {
      const used = matched.get(pid) ?? 0;
      const missing = list[used];
      if (missing !== undefined && (recording.finished || kernel.finished)) {
        problems.push({ pid, seq: missing.seq, location: undefined, message: `${pid} no longer issues ${missing.op} ${missing.effect} (seq ${missing.seq}) and ${list.length - used - 1} more after it` });
      }
    }
  }
  return {
    compatible: problems.length === 0,
    effects,
    finished: recording.finished,
    inputs: consumed,
    problems,
    processes: matched.size,
    recordedInputs: recording.inputs.length,
  };
}
