// Exact replay (DESIGN.md section 5): re-executes a run's recorded bytecode with its recorded seed
// and options, puts each recorded input back at its recorded seq, and checks that every event the
// kernel produces is the recorded line, byte for byte, and that every recorded input is consumed.
// Nothing runs for real: effects the kernel requests are answered only by the log.
//
// The kernel's admission rule makes this well defined: an input is admitted only where the kernel
// is admissible, so at each admissible point the replay admits the next line if it is an input and
// steps otherwise. A run of consecutive input lines is one batch, recorded, then applied, as the
// live host admitted it.
//
// Lines are compared as text, without parsing (only input lines are parsed, to be admitted): the
// produced event's canonical parts must surround the recorded h. The h values themselves are the
// chain's business (verify-log), which a caller runs beside the replay.
import { AosError } from '../bytecode/errors.js';
import { EVENT_FORMAT_VERSION, EVENT_KINDS, type EventKind, type KernelEvent } from '../bytecode/events.js';
import type { Bytecode } from '../bytecode/format.js';
import { isObject, type JsonObject, type JsonValue } from '../bytecode/json.js';
import { Kernel, KERNEL_VERSION, type InstructionTrace, type KernelInput, type StepOutput } from '../vm/kernel.js';
import type { BackendInfo, KernelOptions } from '../vm/core.js';
import type { EffectRequest } from '../vm/effects.js';
import { lineHolds } from '../log/chain.js';
import type { LineCursor } from '../log/lines.js';

/** Why a run cannot be replayed by this build at all: not a divergence, a refusal. */
export type RefusalReason = 'not-a-run' | 'kernel-version' | 'format-version' | 'code-hash';

/** The run was recorded by another kernel or event format, or its recorded code is not the code it ran. Code `replay.<reason>`. */
export class ReplayRefusedError extends AosError {
  constructor(
    readonly reason: RefusalReason,
    readonly recorded: JsonValue,
    readonly current: JsonValue,
    message: string,
  ) {
    super(`replay.${reason}`, message);
  }
}

/** One field that differs between the recorded and the produced event; path like `data.value.stdout`. */
export interface FieldDifference {
  readonly path: string;
  /** Absent when the field is missing on that side. */
  readonly expected?: JsonValue;
  readonly produced?: JsonValue;
}

/** Where the produced event came from: the bytecode procedure and offset, and the DSL position. */
export interface SourceLocation {
  readonly pid: string;
  readonly procedure: string;
  readonly procedureIndex: number;
  readonly offset: number;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface DivergenceDetails {
  /** The first seq where the replay and the log differ. */
  readonly seq: number;
  /** The recorded event (without h), or null when the log has no line there. */
  readonly expected: JsonObject | null;
  /** The produced event, or null when the replay produced none there. */
  readonly produced: JsonObject | null;
  readonly differences: readonly FieldDifference[];
  readonly location: SourceLocation | undefined;
  /** What went wrong, in a sentence. */
  readonly summary: string;
}

/** The replay produced something other than the log: carries the whole report. Code `replay.diverged`. */
export class ReplayDivergenceError extends AosError {
  constructor(readonly details: DivergenceDetails) {
    super('replay.diverged', divergenceMessage(details));
  }

  get seq(): number {
    return this.details.seq;
  }
}

/** The run as line 0 records it: what a replay starts the kernel with. */
export interface RecordedStart {
  readonly codeHash: string;
  readonly seed: string;
  readonly input: JsonValue;
  readonly options: Partial<KernelOptions>;
  readonly backend: BackendInfo | null;
  readonly kernel: string;
  readonly format: number;
}

/** Reads line 0; refuses a log that does not start a run, or one from another kernel or event format. */
export function recordedStart(line0: string | undefined): RecordedStart {
  const event = line0 === undefined ? undefined : parseLine(line0);
  if (event === undefined || event['kind'] !== 'run.started' || !isObject(event['data'])) {
    throw new ReplayRefusedError('not-a-run', line0 === undefined ? null : line0.slice(0, 80), 'run.started', 'the log does not begin with run.started: it is not the log of a run');
  }
  const data = event['data'];
  if (data['format'] !== EVENT_FORMAT_VERSION) {
    throw new ReplayRefusedError('format-version', data['format'] ?? null, EVENT_FORMAT_VERSION, `the run was recorded in event format ${JSON.stringify(data['format'])}; this build reads format ${EVENT_FORMAT_VERSION}`);
  }
  if (data['kernel'] !== KERNEL_VERSION) {
    throw new ReplayRefusedError('kernel-version', data['kernel'] ?? null, KERNEL_VERSION, `the run was recorded by kernel ${JSON.stringify(data['kernel'])}; this build runs kernel ${JSON.stringify(KERNEL_VERSION)}, whose events may differ for the same inputs`);
  }
  return {
    backend: isObject(data['backend']) ? (data['backend'] as unknown as BackendInfo) : null,
    codeHash: String(data['codeHash']),
    format: data['format'],
    input: data['input'] ?? null,
    kernel: data['kernel'],
    options: (isObject(data['options']) ? data['options'] : {}) as Partial<KernelOptions>,
    seed: String(data['seed']),
  };
}

/** A line of this kind records an input admitted from the host (events.ts), which a replay puts back. */
export function isInputKind(kind: string): boolean {
  return Object.hasOwn(EVENT_KINDS, kind) && EVENT_KINDS[kind as EventKind].input;
}

const KIND_KEY = '"kind":"';

/**
 * The top-level kind of a canonical line, without parsing it: the last `"kind":"` of a line is the
 * top-level one, since only the pid string and the seq follow it and no JSON string holds an
 * unescaped quote.
 */
export function lineKind(text: string, start = 0, end = text.length): string {
  const at = text.lastIndexOf(KIND_KEY, end - KIND_KEY.length);
  if (at < start) return '';
  const from = at + KIND_KEY.length;
  return text.slice(from, text.indexOf('"', from));
}

function parseLine(line: string): JsonObject | undefined {
  try {
    const value = JSON.parse(line) as JsonValue;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded input a line holds; undefined when the line is not a well-formed input. */
export function inputOf(line: string): KernelInput | undefined {
  const event = parseLine(line);
  const data = event?.['data'];
  if (event === undefined || !isObject(data)) return undefined;
  switch (event['kind']) {
    case 'effect.completed': {
      const effect = data['effect'];
      if (typeof effect !== 'string') return undefined;
      if (data['ok'] === true) return { kind: 'effect.completed', effect, completion: { ok: true, value: data['value'] ?? null } };
      const error = data['error'];
      if (!isObject(error) || typeof error['kind'] !== 'string' || typeof error['message'] !== 'string') return undefined;
      return { kind: 'effect.completed', effect, completion: { ok: false, error: { kind: error['kind'], message: error['message'] } } };
    }
    case 'timer.fired':
      return typeof data['effect'] === 'string' ? { kind: 'timer.fired', effect: data['effect'] } : undefined;
    case 'signal.external':
      return typeof data['target'] === 'string' && typeof data['op'] === 'string' ? { kind: 'signal.external', target: data['target'], op: data['op'] as never } : undefined;
    default:
      return undefined;
  }
}

function eventJson(event: KernelEvent): JsonObject {
  return JSON.parse(JSON.stringify(event)) as JsonObject;
}

function withoutHash(line: string): JsonObject {
  const event = parseLine(line);
  if (event === undefined) return { unparsable: line.length > 400 ? `${line.slice(0, 400)}…` : line };
  const rest: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(event)) if (key !== 'h') rest[key] = value;
  return rest;
}

/** Field by field, the leaves where two JSON values differ. */
export function fieldDifferences(expected: JsonValue | undefined, produced: JsonValue | undefined, path = ''): FieldDifference[] {
  if (expected !== undefined && produced !== undefined && typeof expected === 'object' && typeof produced === 'object' && expected !== null && produced !== null && Array.isArray(expected) === Array.isArray(produced)) {
    const keys = Array.isArray(expected) ? Array.from({ length: Math.max(expected.length, (produced as JsonValue[]).length) }, (_, i) => String(i)) : [...new Set([...Object.keys(expected), ...Object.keys(produced)])].sort();
    const out: FieldDifference[] = [];
    for (const key of keys) {
      const at = path === '' ? key : `${path}.${key}`;
      out.push(...fieldDifferences((expected as Record<string, JsonValue>)[key], (produced as Record<string, JsonValue>)[key], at));
    }
    return out;
  }
  if (JSON.stringify(expected) === JSON.stringify(produced)) return [];
  return [{ path: path === '' ? '(event)' : path, ...(expected === undefined ? {} : { expected }), ...(produced === undefined ? {} : { produced }) }];
}

function divergenceMessage(d: DivergenceDetails): string {
  const at = d.location === undefined ? '' : ` (${d.location.file}:${d.location.line}:${d.location.column}, ${d.location.procedure}+${d.location.offset}, in ${d.location.pid})`;
  return `replay diverged at seq ${d.seq}${at}: ${d.summary}`;
}

export interface ReplayOptions {
  /** Called after each transition with its output, as the live host's observe is. */
  readonly observe?: (kernel: Kernel, output: StepOutput) => void;
  /** Told of each instruction the replayed programs run, from the start (Kernel.traceInstructions). */
  readonly traceInstructions?: InstructionTrace;
}

export interface ReplayResult {
  readonly kernel: Kernel;
  /** Lines replayed. */
  readonly events: number;
  /** The log ended in run.finished, and so did the replay. */
  readonly finished: boolean;
  /** Effects requested and neither completed nor cancelled in the log, in request order: what a resumed run re-issues. */
  readonly outstanding: readonly EffectRequest[];
  /** Every blob the replay produced (conversations, contents of writes), by hash. */
  readonly blobs: ReadonlyMap<string, string>;
  /**
   * Events the kernel produced past the end of an unfinished log: the rest of the transition the
   * log stopped in, never made durable. A resumed run appends them before anything else.
   */
  readonly beyond: readonly KernelEvent[];
}

/**
 * Replays a log exactly. `lines` gives a cursor over the log's lines (fileCursor, arrayCursor),
 * and is called again to locate a divergence. Throws ReplayRefusedError or ReplayDivergenceError.
 */
export function replayExact(bytecode: Bytecode, lines: () => LineCursor, options: ReplayOptions = {}): ReplayResult {
  try {
    return runReplay(bytecode, lines(), options, undefined);
  } catch (error) {
    if (!(error instanceof Divergence)) throw error;
    const location = locate(bytecode, lines, error.seq);
    throw new ReplayDivergenceError({ ...error.details, location });
  }
}

/** A divergence found on the first pass, before its location is known. */
class Divergence extends Error {
  constructor(
    readonly seq: number,
    readonly details: Omit<DivergenceDetails, 'location'>,
  ) {
    super(details.summary);
  }
}

/** The bytecode and DSL position of an instruction (Kernel.location), for a report. */
export function sourceLocation(bytecode: Bytecode, found: { readonly pid: string; readonly procedure: number; readonly pc: number } | undefined): SourceLocation | undefined {
  if (found === undefined) return undefined;
  const position = bytecode.debug.procedures[found.procedure]?.lines[found.pc];
  return {
    column: position?.[1] ?? 0,
    file: bytecode.debug.file,
    line: position?.[0] ?? 0,
    offset: found.pc,
    pid: found.pid,
    procedure: bytecode.code.procedures[found.procedure]?.name ?? `#${found.procedure}`,
    procedureIndex: found.procedure,
  };
}

/** Replays again up to seq, tracing emits, to name the instruction that produced the event there. */
function locate(bytecode: Bytecode, lines: () => LineCursor, seq: number): SourceLocation | undefined {
  let found: { pid: string; procedure: number; pc: number } | undefined;
  try {
    runReplay(bytecode, lines(), {}, (kernel, event) => {
      if (event.seq === seq && found === undefined) found = kernel.location(event.pid);
    });
  } catch {
    // The same divergence again: the trace has seen the event, if there was one.
  }
  return sourceLocation(bytecode, found);
}

/**
 * The cursor's lines, one at a time, as the replay consumes them: the current line is the one at
 * `seq`, not yet consumed. Lines are read as ranges of the cursor's text; only the ones that must
 * be parsed (inputs, line 0, a divergence) become strings of their own.
 */
class RecordedLines {
  seq = 0;
  /** The current line exists (false at the end of the log). */
  here: boolean;
  /** The kind of the last line consumed. */
  lastKind = '';

  constructor(private readonly cursor: LineCursor) {
    this.here = cursor.next();
  }

  /** The current line as a string of its own. */
  line(): string {
    return this.cursor.text.slice(this.cursor.start, this.cursor.end);
  }

  kind(): string {
    return lineKind(this.cursor.text, this.cursor.start, this.cursor.end);
  }

  /** The current line carries exactly the event: its canonical parts around an h member. */
  holds(event: KernelEvent): boolean {
    return lineHolds(this.cursor.text, this.cursor.start, this.cursor.end, event);
  }

  /** Moves past the current line, which held the event of this kind. */
  advance(kind: string): void {
    this.lastKind = kind;
    this.seq++;
    this.here = this.cursor.next();
  }
}

function runReplay(bytecode: Bytecode, cursor: LineCursor, options: ReplayOptions, trace: ((kernel: Kernel, event: KernelEvent) => void) | undefined): ReplayResult {
  try {
    return replayLines(bytecode, new RecordedLines(cursor), options, trace);
  } finally {
    cursor.close();
  }
}

function replayLines(bytecode: Bytecode, log: RecordedLines, options: ReplayOptions, trace: ((kernel: Kernel, event: KernelEvent) => void) | undefined): ReplayResult {
  const start = recordedStart(log.here ? log.line() : undefined);
  if (start.codeHash !== bytecode.codeHash) {
    throw new ReplayRefusedError('code-hash', start.codeHash, bytecode.codeHash, `the run ran code ${start.codeHash.slice(0, 16)}…, but the bytecode given is ${bytecode.codeHash.slice(0, 16)}…`);
  }
  const beyond: KernelEvent[] = [];
  const blobs = new Map<string, string>();
  const requested = new Map<string, EffectRequest>();
  const diverged = (seq: number, produced: KernelEvent | null, summary: (expectedKind: string) => string): Divergence => {
    const expected = log.here ? withoutHash(log.line()) : null;
    const producedJson = produced === null ? null : eventJson(produced);
    return new Divergence(seq, { seq, expected, produced: producedJson, differences: fieldDifferences(expected ?? undefined, producedJson ?? undefined), summary: summary(String(expected?.['kind'] ?? 'an unreadable line')) });
  };

  const started = Kernel.start({ backend: start.backend, bytecode, input: start.input, options: start.options, seed: start.seed });
  const k = started.kernel;
  if (trace !== undefined) k.traceEmits((event) => trace(k, event));
  if (options.traceInstructions !== undefined) k.traceInstructions(options.traceInstructions);
  const check = (output: StepOutput): void => {
    const { events, requests, cancels, blobs: made } = output;
    for (let i = 0; i < made.length; i++) {
      const blob = made[i] as (typeof made)[number];
      blobs.set(blob.hash, blob.text);
    }
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i] as EffectRequest;
      requested.set(request.effect, request);
    }
    for (let i = 0; i < cancels.length; i++) requested.delete(cancels[i] as string);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as KernelEvent;
      if (!log.here) {
        // A log that stopped (no run.finished) ends inside this transition: the rest was never durable.
        if (log.lastKind !== 'run.finished') {
          beyond.push(event);
          continue;
        }
        throw diverged(event.seq, event, () => `the replay produced ${event.kind} at seq ${event.seq}, past the end of the log (${log.seq} lines)`);
      }
      if (!log.holds(event)) throw diverged(event.seq, event, (kind) => `the log has ${kind} at seq ${event.seq}, the replay produced ${event.kind}`);
      log.advance(event.kind);
    }
    options.observe?.(k, output);
  };
  check(started.output);

  while (log.here) {
    if (k.finished) throw diverged(log.seq, null, (kind) => `the log goes on with ${kind} at seq ${log.seq} after the replay finished the run`);
    if (k.admissible && isInputKind(log.kind())) {
      // A run of input lines: recorded in order, then applied together.
      do {
        const input = inputOf(log.line());
        if (input === undefined) throw diverged(log.seq, null, (kind) => `the ${kind} line at seq ${log.seq} is not a well-formed input`);
        if (input.kind !== 'signal.external') requested.delete(input.effect);
        check(k.record(input));
      } while (log.here && isInputKind(log.kind()));
      check(k.apply());
      continue;
    }
    if (k.runnable) {
      check(k.step());
      continue;
    }
    throw diverged(log.seq, null, (expected) => `the log has ${expected} at seq ${log.seq}, but the replay was waiting for an input`);
  }
  // A log that stopped replays up to its last line; one that ended must end the replay too.
  const finished = log.lastKind === 'run.finished';
  if (finished && !k.finished) throw new Divergence(log.seq, { seq: log.seq, expected: null, produced: null, differences: [], summary: 'the log ended in run.finished, but the replay did not finish' });
  return { beyond, blobs, events: log.seq, finished, kernel: k, outstanding: [...requested.values()] };
}
