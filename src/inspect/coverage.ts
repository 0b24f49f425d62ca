// Which parts of the kernel a set of recorded runs exercised: opcodes, syscalls and event kinds,
// read off each run's compiled workflow and its events.jsonl lines. Pure: the caller reads files.
//
// What counts, and why. Only runs that finished count (line 0 is run.started for the given
// bytecode's code hash, the last line is run.finished); any other is listed as skipped.
// - An event kind counts when a line of that kind appears in such a run.
// - An opcode counts when it occurs in a procedure that some process of such a run ran: main,
//   a structured agent's program or a parallel branch, each known from its proc.spawned line.
//   Plain instructions leave no trace in the log, so nothing finer than "its procedure ran" can
//   be told for them.
// - A syscall counts only when it was executed, as told from events: an event that a syscall
//   causes (msg.sent for SEND, a `sleep` timer for SLEEP, task.rejected for VERIFY, …) counts
//   for it when, among the instructions of the procedure the acting process runs, that syscall
//   is the only one that could have caused the event (the tool, agent or task an instruction
//   names is compared where it tells two apart). Free agents run no procedure, so their tool
//   calls never count for a syscall. PARENT and AGENT_REF never leave an event of their own:
//   they count as opcodes do. The rule is conservative: an AWAIT without a timeout (or on a
//   process that had already ended), a FAIL whose reason is an object with a `kind` (as the
//   kernel's own failures are) and a RELEASE just before its process exits leave no event that
//   is theirs alone, and an event two instructions of one procedure could both have caused (a
//   CALL and a SPAWN of the same agent, a CALL and an AWAIT with timeouts) counts for neither.
import type { Bytecode, Code, Instruction } from '../bytecode/format.js';
import { EVENT_KINDS, type EventKind, type EventLine } from '../bytecode/events.js';
import { Op, OPCODES, type OpcodeName } from '../bytecode/opcodes.js';
import { SYSCALLS } from '../vm/syscalls.js';

export interface RecordedRun {
  /** The compiled workflow the run executed (its workflow.aosb.json). */
  readonly bytecode: Bytecode;
  /** The lines of its events.jsonl. */
  readonly lines: readonly string[];
  /** How problems name the run; its position in the list when absent. */
  readonly label?: string;
}

export interface Covered {
  /** In table order: opcode number, or the order of EVENT_KINDS. */
  readonly covered: readonly string[];
  readonly uncovered: readonly string[];
}

export interface CoverageReport {
  readonly opcodes: Covered;
  readonly syscalls: Covered;
  readonly events: Covered;
  /** Runs that counted for nothing, and why. */
  readonly skipped: readonly { readonly run: string; readonly reason: string }[];
}

/** Every syscall, by opcode name in opcode order: the handlers of src/vm/syscalls.ts. */
export const SYSCALL_NAMES: readonly OpcodeName[] = OPCODES.filter((o) => SYSCALLS[o.code] !== undefined).map((o) => o.name as OpcodeName);

/** Syscalls that never cause an event: they count when their procedure ran. */
const SILENT: ReadonlySet<OpcodeName> = new Set(['PARENT', 'AGENT_REF']);

/** A syscall that may have caused an event, narrowed by what its instruction names. */
interface Candidate {
  readonly op: OpcodeName;
  readonly fits?: (ins: Instruction, code: Code) => boolean;
}

/** The process whose instruction caused an event, and the syscalls that could have. */
interface Evidence {
  readonly actor: string;
  readonly candidates: readonly Candidate[];
}

const any = (...ops: OpcodeName[]): Candidate[] => ops.map((op) => ({ op }));

function agentName(code: Code, index: number | undefined): string | undefined {
  return index === undefined ? undefined : code.agents[index]?.name;
}

/** SPAWN and CALL of this agent; VERIFY of a task whose verifier or (retried) owner it is. */
function spawnOf(spec: string): Candidate[] {
  const named = (ins: Instruction, code: Code) => agentName(code, ins[1]) === spec;
  const verifies = (ins: Instruction, code: Code) => {
    const task = code.tasks[ins[1] ?? -1];
    if (task === undefined) return false;
    const verifier = task.verify !== undefined && 'agent' in task.verify ? agentName(code, task.verify.agent) : undefined;
    return verifier === spec || agentName(code, task.owner) === spec;
  };
  return [
    { op: 'SPAWN', fits: named },
    { op: 'CALL', fits: named },
    { op: 'VERIFY', fits: verifies },
  ];
}

/** EXEC of this tool, or VERIFY of a task verified by it. */
function toolRunOf(tool: string): Candidate[] {
  return [
    { op: 'EXEC', fits: (ins, code) => code.tools[ins[1] ?? -1]?.name === tool },
    {
      op: 'VERIFY',
      fits: (ins, code) => {
        const verify = code.tasks[ins[1] ?? -1]?.verify;
        return verify !== undefined && 'tool' in verify && code.tools[verify.tool]?.name === tool;
      },
    },
  ];
}

const TIMER_PURPOSES: { readonly [purpose: string]: readonly OpcodeName[] } = {
  sleep: ['SLEEP'],
  recv: ['RECV'],
  await: ['CALL', 'AWAIT'],
  acquire: ['ACQUIRE'],
  // A grant's time to live, started by the grant (ACQUIRE, also when a waiter wakes) or a renewal.
  lease: ['ACQUIRE', 'RENEW'],
};

const DENIED_OPS: { readonly [op: string]: readonly OpcodeName[] } = {
  exec: ['EXEC'],
  read: ['READ'],
  write: ['WRITE'],
  publish: ['PUBLISH'],
  subscribe: ['SUBSCRIBE'],
  acquire: ['ACQUIRE'],
  signal: ['SIGNAL'],
  send: ['SEND'],
  verify: ['VERIFY'],
};

/** A field of a JSON object (event data is typed from the schema only as far as it goes). */
function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { readonly [key: string]: unknown })[name] : undefined;
}

/** True when a lease.released line is part of its holder's exit rather than a RELEASE. */
function releasedOnExit(events: readonly EventLine[], at: number, holder: string): boolean {
  for (let i = at + 1; i < events.length; i++) {
    const e = events[i] as EventLine;
    if (!('pid' in e) || e.pid !== holder || e.kind === 'effect.cancelled' || e.kind === 'lease.released') continue;
    return e.kind === 'proc.exited';
  }
  return true;
}

function evidenceOf(events: readonly EventLine[], at: number): Evidence | undefined {
  const e = events[at] as EventLine;
  switch (e.kind) {
    case 'proc.spawned':
      if (e.data.parent === null) return undefined;
      return { actor: e.data.parent, candidates: e.data.kind === 'branch' ? any('PARALLEL') : spawnOf(e.data.spec) };
    case 'proc.signalled':
      return { actor: e.data.from, candidates: any('SIGNAL') };
    case 'msg.sent':
      return { actor: e.pid, candidates: any('SEND') };
    // Sent to a name ended for good, or left in its mailbox: a SEND's, or a publication's copy.
    case 'msg.dead':
      return { actor: e.pid, candidates: any('SEND', 'PUBLISH') };
    case 'msg.received':
      return { actor: e.pid, candidates: any('RECV') };
    case 'topic.subscribed':
      return { actor: e.pid, candidates: any('SUBSCRIBE') };
    case 'topic.published':
      return { actor: e.pid, candidates: any('PUBLISH') };
    case 'effect.requested':
      return effectEvidence(e.pid, e.data.op, e.data.request);
    case 'lease.granted':
    case 'lease.queued':
      return { actor: e.pid, candidates: any('ACQUIRE') };
    case 'lease.renewed':
      return { actor: e.pid, candidates: any('RENEW') };
    case 'lease.released':
      return releasedOnExit(events, at, e.pid) ? undefined : { actor: e.pid, candidates: any('RELEASE') };
    case 'lease.refused':
      return { actor: e.pid, candidates: any('RENEW', 'RELEASE', 'WRITE') };
    case 'cap.denied': {
      const agent = field(e.data.detail, 'agent');
      if (e.data.op === 'spawn' && typeof agent === 'string') return { actor: e.pid, candidates: spawnOf(agent).filter((c) => c.op !== 'VERIFY') };
      return { actor: e.pid, candidates: any(...(DENIED_OPS[e.data.op] ?? [])) };
    }
    case 'budget.exhausted':
      return e.data.limit === 'time' ? undefined : { actor: e.pid, candidates: any('ASK') };
    case 'task.verified':
    case 'task.rejected':
      return { actor: e.pid, candidates: any('VERIFY') };
    case 'artifact.recorded':
      return { actor: e.pid, candidates: any(e.data.kind === 'checkpoint' ? 'CHECKPOINT' : 'ATTACH') };
    case 'checkpoint.saved':
      return { actor: e.pid, candidates: any('CHECKPOINT') };
    case 'output.malformed':
      return { actor: e.pid, candidates: any('ASK') };
    case 'retry.scheduled':
      if (e.data.on === 'crash') return undefined;
      return { actor: e.pid, candidates: e.data.on === 'rejected' ? any('VERIFY') : any('ASK', 'EXEC', 'VERIFY') };
    case 'proc.exited':
      if (e.data.status === 'ok' || e.data.status === 'unverified') return { actor: e.pid, candidates: any('EXIT') };
      return e.data.status === 'failed' && typeof field(e.data.reason, 'kind') !== 'string' ? { actor: e.pid, candidates: any('FAIL') } : undefined;
    case 'overlay.committed':
      return { actor: e.pid, candidates: any('EXIT') };
    default:
      return undefined;
  }
}

function effectEvidence(pid: string, op: string, request: { readonly [key: string]: unknown }): Evidence | undefined {
  switch (op) {
    case 'model':
      return { actor: pid, candidates: any('ASK') };
    case 'tool':
      return { actor: pid, candidates: toolRunOf(String(request['tool'])) };
    case 'read':
      return { actor: pid, candidates: any('READ') };
    case 'write':
      return { actor: pid, candidates: any('WRITE') };
    case 'commit':
      return { actor: pid, candidates: any('EXIT') };
    case 'timer': {
      const ops = TIMER_PURPOSES[String(request['purpose'])];
      return ops === undefined ? undefined : { actor: pid, candidates: any(...ops) };
    }
    default:
      return undefined;
  }
}

/** The procedure a spawned process runs: -1 for a free agent (or one the bytecode lacks). */
function procedureOf(code: Code, spawned: Extract<EventLine, { kind: 'proc.spawned' }>): number {
  switch (spawned.data.kind) {
    case 'main':
      return code.entry;
    case 'agent':
      return code.agents.find((a) => a.name === spawned.data.spec)?.procedure ?? -1;
    case 'branch':
      return code.procedures.findIndex((p) => p.name === spawned.data.spec);
  }
}

type Parsed = { readonly events: readonly EventLine[] } | { readonly problem: string };

function parseRun(run: RecordedRun): Parsed {
  const events: EventLine[] = [];
  for (const [i, line] of run.lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { problem: `line ${i} is not JSON` };
    }
    const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
    if (typeof kind !== 'string' || !Object.hasOwn(EVENT_KINDS, kind)) return { problem: `line ${i} is not an event` };
    events.push(value as EventLine);
  }
  const first = events[0];
  if (first?.kind !== 'run.started') return { problem: 'the log does not begin with run.started' };
  if (first.data.codeHash !== run.bytecode.codeHash) return { problem: `it ran code ${first.data.codeHash.slice(0, 12)}, not the bytecode's ${run.bytecode.codeHash.slice(0, 12)}` };
  if (events.at(-1)?.kind !== 'run.finished') return { problem: 'the run did not finish' };
  return { events };
}

/** A procedure's instructions by opcode, built once per procedure a run names. */
function instructionIndex(code: Code): (procedure: number, op: number) => readonly Instruction[] {
  const built = new Map<number, Map<number, Instruction[]>>();
  return (procedure, op) => {
    let byOp = built.get(procedure);
    if (byOp === undefined) {
      byOp = new Map();
      for (const ins of code.procedures[procedure]?.code ?? []) {
        const same = byOp.get(ins[0]);
        if (same === undefined) byOp.set(ins[0], [ins]);
        else same.push(ins);
      }
      built.set(procedure, byOp);
    }
    return byOp.get(op) ?? [];
  };
}

/** What one finished run covered, added to the running sets. */
function measureRun(code: Code, events: readonly EventLine[], kinds: Set<string>, reached: Set<number>, executed: Set<string>): void {
  const procedures = new Map<string, number>();
  const instructions = instructionIndex(code);
  const hasFitting = (procedure: number, candidate: Candidate): boolean => instructions(procedure, Op[candidate.op]).some((ins) => candidate.fits?.(ins, code) ?? true);
  for (const [at, e] of events.entries()) {
    kinds.add(e.kind);
    if (e.kind === 'proc.spawned') {
      const procedure = procedureOf(code, e);
      procedures.set(e.pid, procedure);
      for (const ins of code.procedures[procedure]?.code ?? []) reached.add(ins[0]);
    }
    const evidence = evidenceOf(events, at);
    const procedure = evidence === undefined ? undefined : procedures.get(evidence.actor);
    if (evidence === undefined || procedure === undefined || procedure < 0) continue;
    const ops = new Set(evidence.candidates.filter((c) => hasFitting(procedure, c)).map((c) => c.op));
    if (ops.size === 1) executed.add([...ops][0] as string);
  }
}

function split(names: readonly string[], covered: (name: string) => boolean): Covered {
  return { covered: names.filter(covered), uncovered: names.filter((n) => !covered(n)) };
}

export function kernelCoverage(runs: readonly RecordedRun[]): CoverageReport {
  const kinds = new Set<string>();
  const reached = new Set<number>();
  const executed = new Set<string>();
  const skipped: { run: string; reason: string }[] = [];
  for (const [i, run] of runs.entries()) {
    const parsed = parseRun(run);
    if ('problem' in parsed) skipped.push({ run: run.label ?? `run ${i}`, reason: parsed.problem });
    else measureRun(run.bytecode.code, parsed.events, kinds, reached, executed);
  }
  const reachedName = (name: string) => reached.has(Op[name as OpcodeName]);
  return {
    events: split(Object.keys(EVENT_KINDS) as EventKind[], (k) => kinds.has(k)),
    opcodes: split(OPCODES.map((o) => o.name), reachedName),
    skipped,
    syscalls: split(SYSCALL_NAMES, (name) => executed.has(name) || (SILENT.has(name as OpcodeName) && reachedName(name))),
  };
}

/** Everything a report leaves uncovered, as `opcode NOP`, `syscall AWAIT`, `event signal.external`. */
export function uncoveredNames(report: CoverageReport): string[] {
  return [...report.opcodes.uncovered.map((n) => `opcode ${n}`), ...report.syscalls.uncovered.map((n) => `syscall ${n}`), ...report.events.uncovered.map((n) => `event ${n}`)];
}
