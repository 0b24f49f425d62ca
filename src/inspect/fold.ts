// What a run did, read off its log (`aos inspect`): events folded into an inspection — processes
// and their lifecycle, tasks and their verification, messages, artifacts and their lineage,
// budgets, effects, failures with their source location, and the result. Pure: the caller reads
// the log (readRunLog) and the run's bytecode, and prints. Where the fold must know how the kernel
// decided something (a charge, a verdict, a holder), it asks the kernel's own rules (vm/rules.ts).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import eventSchema from '../../schemas/event.schema.json' with { type: 'json' };
import type { Bytecode } from '../bytecode/format.js';
import { isObject } from '../bytecode/json.js';
import type { EffectError, EventLine, InstructionAt, JsonValue, ProcExitedData, ProcSpawnedData, RunStartedData } from '../generated/event.js';
import type { RunLogContents } from '../log/reader.js';
import { sourceLocation } from '../replay/replay.js';
import { chargedTokens, holderOf, stateAfterVerdict } from '../vm/rules.js';
import type { ArtifactView, BudgetView, EffectCounts, EffectOp, EffectsView, FailureSite, Inspection, LogView, MessagePair, MessagesView, ProcessView, ResultView, SchemaMismatch, TaskView, VerdictView } from './model.js';

export type * from './model.js';

let eventValidator: ValidateFunction | undefined;

/**
 * Parses sound log lines and checks each against the event schema. A line that does not match it
 * is left out of the events and named among the mismatches: the chain vouches for its bytes, so
 * the rest of the log still says what happened.
 */
export function parseEvents(lines: readonly string[]): { events: EventLine[]; mismatches: SchemaMismatch[] } {
  eventValidator ??= new Ajv2020({ allowUnionTypes: true, discriminator: true, strict: true }).compile(eventSchema);
  const validate = eventValidator;
  const events: EventLine[] = [];
  const mismatches: SchemaMismatch[] = [];
  lines.forEach((line, seq) => {
    const value: unknown = JSON.parse(line);
    if (validate(value)) events.push(value as EventLine);
    else {
      const first = validate.errors?.[0];
      mismatches.push({ problem: `${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`, seq });
    }
  });
  return { events, mismatches };
}

/**
 * A run directory's log, as readRunLog gives it, inspected; with the run's recorded bytecode, its
 * failures are located in the source.
 */
export function inspectLog(contents: RunLogContents, bytecode?: Bytecode): Inspection {
  const tail = contents.tail;
  const { events, mismatches } = parseEvents(contents.lines);
  const log: LogView = {
    committed: contents.manifest.count,
    events: contents.count,
    head: contents.head,
    mismatches,
    tornTail: tail === undefined ? null : { bytes: tail.bytes, problem: tail.problem, seq: tail.seq },
  };
  return inspectEvents(events, log, bytecode);
}

const OPS: readonly EffectOp[] = ['model', 'tool', 'read', 'write', 'commit', 'timer'];

interface EffectState {
  readonly op: EffectOp;
  state: 'pending' | 'ok' | 'failed' | 'cancelled' | 'discarded';
  /** A timer's due time on the virtual clock. */
  readonly due: number;
}

/** The text of an instruction, to compare two events' `at`. */
function siteKey(at: InstructionAt): string | null {
  return at === null ? null : `${at.procedure}+${at.offset}`;
}

/** Folds events, in log order, into an inspection. */
class Fold {
  run: RunStartedData | null = null;
  result: ResultView = { seq: null, status: 'unfinished' };
  readonly processes = new Map<string, ProcessView>();
  readonly tasks = new Map<number, TaskView>();
  readonly verdictsWithoutTask: VerdictView[] = [];
  readonly artifacts = new Map<number, ArtifactView>();
  readonly messages: MessagesView = { dead: 0, deadLetters: [], pairs: [], received: 0, sent: 0, topics: [], unreceived: 0 };
  readonly effects: EffectsView = { byOp: [], failures: [], modelCalls: 0, scriptedReplies: 0, toolCallsAsked: 0, tokens: 0 };
  readonly budgets = new Map<string, BudgetView>();
  readonly #effects = new Map<string, EffectState>();
  readonly #pairs = new Map<string, MessagePair>();
  /** Messages in a mailbox, by id: not yet received nor dead. */
  readonly #inMailbox = new Set<number>();
  /** Virtual clock at each process's spawn and final exit. */
  readonly #spawnedAt = new Map<string, number>();
  readonly #endedAt = new Map<string, number>();
  /** Each process's latest denial at an instruction, until its next exit: the failure that exit reports. */
  readonly #deniedAt = new Map<string, string | null>();
  #clock = 0;

  constructor(
    /** The seqs of completions and timer firings that were recorded but not applied: they change no state. */
    private readonly discarded: ReadonlySet<number>,
    /** The run's recorded bytecode, to locate failures in the source; absent, they keep their procedure and offset. */
    private readonly bytecode: Bytecode | undefined,
  ) {}

  #process(name: string): ProcessView | undefined {
    return this.processes.get(name);
  }

  #pair(from: string, to: string): MessagePair {
    const key = JSON.stringify([from, to]);
    let pair = this.#pairs.get(key);
    if (pair === undefined) {
      pair = { dead: 0, from, received: 0, sent: 0, to };
      this.#pairs.set(key, pair);
      this.messages.pairs.push(pair);
    }
    return pair;
  }

  #counts(op: EffectOp): EffectCounts {
    let counts = this.effects.byOp.find((c) => c.op === op);
    if (counts === undefined) {
      counts = { cancelled: 0, discarded: 0, failed: 0, ok: 0, op, pending: 0, requested: 0 };
      this.effects.byOp.push(counts);
    }
    return counts;
  }

  #topic(topic: string): MessagesView['topics'][number] {
    let entry = this.messages.topics.find((t) => t.topic === topic);
    if (entry === undefined) {
      entry = { published: 0, subscribers: [], topic };
      this.messages.topics.push(entry);
    }
    return entry;
  }

  #deliver(from: string, to: string, msg: number): void {
    this.#pair(from, to).sent++;
    this.messages.sent++;
    this.#inMailbox.add(msg);
  }

  apply(e: EventLine): void {
    switch (e.kind) {
      case 'run.started':
        this.run = e.data;
        break;
      case 'run.finished':
        this.result = { seq: e.seq, ...e.data };
        break;
      case 'proc.spawned':
        this.#spawned(e.seq, e.pid, e.data);
        break;
      case 'proc.restarted': {
        const p = this.#process(e.pid);
        if (p === undefined) break;
        p.restarts.push({ seq: e.seq, ...e.data });
        p.incarnations = e.data.incarnation;
        p.status = 'running';
        this.#endedAt.delete(e.pid);
        break;
      }
      case 'proc.exited': {
        this.#failedAt(e.seq, e.pid, e.data);
        const p = this.#process(e.pid);
        if (p === undefined) break;
        const { output: _output, ...exit } = e.data;
        p.exits.push({ seq: e.seq, ...exit });
        p.status = e.data.status;
        this.#endedAt.set(e.pid, this.#clock);
        break;
      }
      case 'proc.signalled':
        this.#process(e.pid)?.signals.push({ seq: e.seq, ...e.data });
        break;
      case 'msg.sent':
        this.#deliver(e.pid, e.data.to, e.data.msg);
        break;
      case 'msg.received':
        this.#pair(e.data.from, e.pid).received++;
        this.messages.received++;
        this.#inMailbox.delete(e.data.msg);
        break;
      case 'msg.dead':
        this.#pair(e.pid, e.data.to).dead++;
        this.messages.dead++;
        this.#inMailbox.delete(e.data.msg);
        this.messages.deadLetters.push({ from: e.pid, msg: e.data.msg, seq: e.seq, to: e.data.to, value: e.data.value });
        break;
      case 'topic.subscribed': {
        const subscribers = this.#topic(e.data.topic).subscribers;
        if (!subscribers.includes(e.pid)) subscribers.push(e.pid);
        break;
      }
      case 'topic.published':
        this.#topic(e.data.topic).published++;
        e.data.to.forEach((to, i) => this.#deliver(e.pid, to, e.data.first + i));
        break;
      case 'effect.requested': {
        const ms = e.data.op === 'timer' ? e.data.request['ms'] : undefined;
        this.#effects.set(e.data.effect, { due: this.#clock + (typeof ms === 'number' ? ms : 0), op: e.data.op, state: 'pending' });
        this.#counts(e.data.op).requested++;
        break;
      }
      case 'effect.cancelled':
        this.#settle(e.data.effect, 'cancelled');
        break;
      case 'effect.completed':
        this.#completed(e.seq, e.pid, e.data.effect, e.data.ok ? { ok: true, value: e.data.value } : { error: e.data.error ?? { kind: 'unknown', message: '' }, ok: false });
        break;
      case 'timer.fired': {
        const timer = this.#effects.get(e.data.effect);
        if (this.discarded.has(e.seq) || timer === undefined) break;
        if (timer.due > this.#clock) this.#clock = timer.due;
        this.#settle(e.data.effect, 'ok');
        break;
      }
      case 'effect.discarded':
        this.#settle(e.data.effect, 'discarded');
        break;
      case 'cap.denied':
        this.effects.failures.push({ detail: e.data.detail, kind: 'cap-denied', op: e.data.op, pid: e.pid, seq: e.seq, ...this.#site(e.pid, e.data.at) });
        this.#deniedAt.set(e.pid, siteKey(e.data.at));
        break;
      case 'budget.exhausted': {
        this.effects.failures.push({ kind: 'budget-exhausted', limit: e.data.limit, pid: e.pid, seq: e.seq });
        const budget = this.budgets.get(e.pid);
        if (budget !== undefined) budget.exhausted = { limit: e.data.limit, seq: e.seq };
        break;
      }
      case 'lease.refused':
        this.effects.failures.push({ kind: 'lease-refused', pid: e.pid, reason: e.data.reason, resource: e.data.resource, seq: e.seq });
        break;
      case 'task.opened':
        this.tasks.set(e.data.task, { artifacts: [], failed: null, id: e.data.task, name: e.data.name, opened: e.seq, openedBy: e.pid, owner: e.data.owner, produced: null, state: 'open', verdicts: [] });
        break;
      case 'task.produced': {
        const task = this.tasks.get(e.data.task);
        if (task === undefined) break;
        task.state = 'produced';
        task.produced = e.seq;
        task.artifacts = [...e.data.artifacts];
        break;
      }
      case 'task.verified':
      case 'task.rejected':
        this.#judged(e.seq, e.pid, e.kind === 'task.verified', e.data);
        break;
      case 'task.failed': {
        const task = this.tasks.get(e.data.task);
        if (task === undefined) break;
        task.state = 'failed';
        task.failed = { reason: e.data.reason, seq: e.seq };
        break;
      }
      case 'artifact.recorded': {
        const { data } = e;
        this.artifacts.set(data.id, { checkpoint: null, hash: data.hash, id: data.id, incarnation: data.incarnation, inputs: [...data.inputs], kind: data.kind, producer: e.pid, recorded: e.seq, size: data.size, usedBy: [], verdicts: [] });
        for (const input of data.inputs) this.artifacts.get(input)?.usedBy.push(data.id);
        break;
      }
      case 'checkpoint.saved': {
        const artifact = this.artifacts.get(e.data.artifact);
        if (artifact !== undefined) artifact.checkpoint = e.data.pc;
        break;
      }
      case 'supervisor.escalated':
        this.#process(e.pid)?.escalations.push({ seq: e.seq, ...e.data });
        break;
      case 'retry.scheduled': {
        const p = this.#process(e.pid);
        if (p === undefined) break;
        p.retries.push({ seq: e.seq, ...e.data });
        // A crash retry is scheduled after the incarnation exited: the name waits out the backoff.
        if (e.data.on === 'crash' && p.status !== 'running') p.status = 'restarting';
        break;
      }
      case 'output.malformed':
        this.effects.failures.push({ effect: e.data.effect, error: e.data.error, kind: 'malformed-output', pid: e.pid, seq: e.seq });
        break;
      case 'signal.external':
      case 'lease.granted':
      case 'lease.queued':
      case 'lease.renewed':
      case 'lease.released':
      case 'lease.expired':
      case 'overlay.committed':
      case 'overlay.discarded':
        break;
    }
  }

  #spawned(seq: number, name: string, data: ProcSpawnedData): void {
    this.processes.set(name, {
      escalations: [],
      exits: [],
      incarnations: data.incarnation,
      kind: data.kind,
      name,
      parent: data.parent,
      restarts: [],
      retries: [],
      signals: [],
      spawned: seq,
      spec: data.spec,
      status: 'running',
      task: data.task ?? null,
      tokens: 0,
      turns: 0,
    });
    this.#spawnedAt.set(name, this.#clock);
    if (data.budget !== null) this.budgets.set(name, { exhausted: null, granted: { ...data.budget }, process: name, used: { time: 0, tokens: 0, turns: 0 } });
  }

  /** An instruction and, when the recorded bytecode is the code the run ran, its place in the source. */
  #site(pid: string, at: InstructionAt): FailureSite {
    const code = this.bytecode;
    if (at === null || code === undefined || code.codeHash !== this.run?.codeHash) return { at, source: null };
    return { at, source: sourceLocation(code, { pid, procedure: at.procedure, pc: at.offset }) ?? null };
  }

  /**
   * A failure charged to an instruction is a failure of its own; one at the instruction whose
   * denial was just listed is that denial's, already listed.
   */
  #failedAt(seq: number, pid: string, exit: ProcExitedData): void {
    const denied = this.#deniedAt.get(pid);
    this.#deniedAt.delete(pid);
    if (exit.status !== 'failed' || exit.at === null || siteKey(exit.at) === denied) return;
    this.effects.failures.push({ incarnation: exit.incarnation, kind: 'failed', pid, reason: exit.reason ?? null, seq, ...this.#site(pid, exit.at) });
  }

  #settle(effect: string, state: 'ok' | 'failed' | 'cancelled' | 'discarded'): void {
    const entry = this.#effects.get(effect);
    if (entry === undefined) return;
    const counts = this.#counts(entry.op);
    if (state === 'discarded') counts.discarded++;
    if (entry.state !== 'pending') return;
    entry.state = state;
    if (state !== 'discarded') counts[state]++;
  }

  #completed(seq: number, pid: string, effect: string, completion: { ok: true; value: JsonValue | undefined } | { ok: false; error: EffectError }): void {
    if (this.discarded.has(seq)) return;
    const entry = this.#effects.get(effect);
    this.#settle(effect, completion.ok ? 'ok' : 'failed');
    if (!completion.ok) {
      this.effects.failures.push({ effect, error: completion.error, kind: 'effect', op: entry?.op ?? null, pid, seq });
      return;
    }
    if (entry?.op !== 'model') return;
    // An applied, ok model completion is a charged call (rules.ts).
    const reply = completion.value;
    const tokens = chargedTokens(reply);
    this.effects.modelCalls++;
    this.effects.tokens += tokens;
    if (isObject(reply) && reply['scripted'] === true) this.effects.scriptedReplies++;
    const toolCalls = isObject(reply) ? reply['toolCalls'] : undefined;
    if (Array.isArray(toolCalls)) this.effects.toolCallsAsked += toolCalls.length;
    const p = this.#process(pid);
    if (p !== undefined) {
      p.turns++;
      p.tokens += tokens;
    }
  }

  /** Every verdict is listed; the task and its artifacts take it as the kernel settles it (rules.ts). */
  #judged(seq: number, pid: string, passed: boolean, data: { task: number; verdict: JsonValue; by: string }): void {
    const verdict: VerdictView = { by: data.by, judgedFor: pid, passed, seq, task: data.task, verdict: data.verdict };
    const task = this.tasks.get(data.task);
    if (task === undefined) {
      this.verdictsWithoutTask.push(verdict);
      return;
    }
    task.verdicts.push(verdict);
    const next = stateAfterVerdict(task.state, passed);
    if (next === null) return;
    task.state = next;
    for (const id of task.artifacts) this.artifacts.get(id)?.verdicts.push({ by: data.by, passed, seq, task: task.id });
  }

  finish(): void {
    for (const entry of this.#effects.values()) if (entry.state === 'pending') this.#counts(entry.op).pending++;
    this.messages.unreceived = this.#inMailbox.size;
    this.effects.byOp.sort((a, b) => OPS.indexOf(a.op) - OPS.indexOf(b.op));
    for (const p of this.processes.values()) {
      // A branch spends the budget of the process that ran its parallel statement (rules.ts).
      const budget = this.budgets.get(holderOf(p, (name) => this.processes.get(name)));
      if (budget === undefined) continue;
      budget.used.turns += p.turns;
      budget.used.tokens += p.tokens;
    }
    for (const budget of this.budgets.values()) {
      budget.used.time = (this.#endedAt.get(budget.process) ?? this.#clock) - (this.#spawnedAt.get(budget.process) ?? 0);
    }
  }
}

/**
 * The seqs of the completions and timer firings that effect.discarded names. Recorded inputs are
 * applied in order, and one whose effect is no longer in flight is discarded, so each discard
 * belongs to the latest input of its effect recorded before it and not yet matched.
 */
function discardedInputs(events: readonly EventLine[]): Set<number> {
  const recorded = new Map<string, number[]>();
  const discarded = new Set<number>();
  for (const e of events) {
    if (e.kind === 'effect.completed' || e.kind === 'timer.fired') {
      let seqs = recorded.get(e.data.effect);
      if (seqs === undefined) recorded.set(e.data.effect, (seqs = []));
      seqs.push(e.seq);
    } else if (e.kind === 'effect.discarded') {
      const seq = recorded.get(e.data.effect)?.pop();
      if (seq !== undefined) discarded.add(seq);
    }
  }
  return discarded;
}

/** Folds parsed events, from seq 0, into an inspection; the run's bytecode locates its failures in the source. */
export function inspectEvents(events: readonly EventLine[], log?: LogView, bytecode?: Bytecode): Inspection {
  const fold = new Fold(discardedInputs(events), bytecode);
  for (const e of events) fold.apply(e);
  fold.finish();
  return {
    format: 'aos-inspection',
    version: 1,
    run: fold.run,
    log: log ?? { committed: null, events: events.length, head: null, mismatches: [], tornTail: null },
    processes: [...fold.processes.values()],
    tasks: [...fold.tasks.values()].sort((a, b) => a.id - b.id),
    verdictsWithoutTask: fold.verdictsWithoutTask,
    messages: fold.messages,
    artifacts: [...fold.artifacts.values()],
    budgets: [...fold.budgets.values()],
    effects: fold.effects,
    result: fold.result,
  };
}
