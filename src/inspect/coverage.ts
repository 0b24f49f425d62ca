// Which parts of the kernel a set of recorded runs exercised: opcodes, syscalls and event kinds,
// measured by replaying each run exactly with the kernel's tracing on. Pure: the caller reads files.
//
// What counts, and why. A run counts only when it replays exactly to its end: line 0 starts it for
// the given bytecode's code hash and this kernel, the replay reproduces every line, and the last is
// run.finished. Any other run is listed as skipped, with the reason, and counts for nothing: what a
// replay executed past a divergence, or up to a log cut short, is not what the run recorded.
// - An event kind counts when the replay emitted an event of that kind (each is a line of the run).
// - An opcode counts when an instruction of it was executed: Kernel.traceInstructions tells of each
//   instruction a program runs, just before it runs. An instruction on a path no process took
//   does not count, though its procedure ran.
// - A syscall — an opcode the bytecode contract marks as one: it may request an effect or block —
//   counts the same way, when an instruction of it was executed. Each syscall that caused an event
//   was executed, so this counts all of those, and also executions that leave no event that is
//   theirs alone (an AWAIT on a process that had already ended, a RELEASE just before its process
//   exits). Kernel.location, which names the instruction running during an emit, would miss those,
//   and during an admission it names the instruction before a process's pc, which after a jump
//   need not be one that ran. PARENT and AGENT_REF, answered by the kernel with neither an effect
//   nor a wait, are opcodes only.
// - Free agents run no procedure: their tool calls run the kernel's agent-tool built-ins, not an
//   instruction, and the kernel reports no instruction for them. They count for the event kinds
//   they emit, never for a syscall.
import type { Bytecode } from '../bytecode/format.js';
import { EVENT_KINDS, type EventKind } from '../bytecode/events.js';
import { Op, OPCODES, type OpcodeName } from '../bytecode/opcodes.js';
import { arrayCursor } from '../log/lines.js';
import { ReplayDivergenceError, ReplayRefusedError, replayExact } from '../replay/replay.js';
import type { Kernel, StepOutput } from '../vm/kernel.js';

export interface RecordedRun {
  /** The compiled workflow the run executed (its workflow.aosb.json). */
  readonly bytecode: Bytecode;
  /** The lines of its events.jsonl, without their newlines. */
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

/** Every syscall, by opcode name in opcode order: the opcodes the bytecode contract marks as syscalls. */
export const SYSCALL_NAMES: readonly OpcodeName[] = OPCODES.filter((o) => o.syscall).map((o) => o.name as OpcodeName);

/** What one run exercised: event kinds emitted, opcodes executed. */
interface RunCoverage {
  readonly kinds: ReadonlySet<string>;
  readonly opcodes: ReadonlySet<number>;
}

/** Replays the run with tracing on; a problem when it does not replay exactly to run.finished. */
function measureRun(run: RecordedRun): RunCoverage | { readonly problem: string } {
  const { code } = run.bytecode;
  // One mark per instruction, set when it runs: a loop's instructions are traced many times.
  const executed = code.procedures.map((p) => new Uint8Array(p.code.length));
  const kinds = new Set<string>();
  const observe = (_kernel: Kernel, output: StepOutput): void => {
    for (const event of output.events) kinds.add(event.kind);
  };
  const traceInstructions = (_pid: string, procedure: number, pc: number): void => {
    (executed[procedure] as Uint8Array)[pc] = 1;
  };
  try {
    if (!replayExact(run.bytecode, () => arrayCursor(run.lines), { observe, traceInstructions }).finished) return { problem: 'the run did not finish' };
  } catch (error) {
    if (error instanceof ReplayRefusedError || error instanceof ReplayDivergenceError) return { problem: error.message };
    throw error;
  }
  const opcodes = new Set<number>();
  for (const [procedure, marks] of executed.entries()) {
    const instructions = code.procedures[procedure]?.code ?? [];
    for (const [pc, mark] of marks.entries()) if (mark === 1 && instructions[pc] !== undefined) opcodes.add(instructions[pc][0]);
  }
  return { kinds, opcodes };
}

function split(names: readonly string[], covered: (name: string) => boolean): Covered {
  return { covered: names.filter(covered), uncovered: names.filter((n) => !covered(n)) };
}

export function kernelCoverage(runs: readonly RecordedRun[]): CoverageReport {
  const kinds = new Set<string>();
  const opcodes = new Set<number>();
  const skipped: { run: string; reason: string }[] = [];
  for (const [i, run] of runs.entries()) {
    const measured = measureRun(run);
    if ('problem' in measured) {
      skipped.push({ run: run.label ?? `run ${i}`, reason: measured.problem });
      continue;
    }
    for (const kind of measured.kinds) kinds.add(kind);
    for (const op of measured.opcodes) opcodes.add(op);
  }
  const executed = (name: string) => opcodes.has(Op[name as OpcodeName]);
  return {
    events: split(Object.keys(EVENT_KINDS) as EventKind[], (k) => kinds.has(k)),
    opcodes: split(OPCODES.map((o) => o.name), executed),
    skipped,
    syscalls: split(SYSCALL_NAMES, executed),
  };
}

/** Everything a report leaves uncovered, as `opcode NOP`, `syscall AWAIT`, `event signal.external`. */
export function uncoveredNames(report: CoverageReport): string[] {
  return [...report.opcodes.uncovered.map((n) => `opcode ${n}`), ...report.syscalls.uncovered.map((n) => `syscall ${n}`), ...report.events.uncovered.map((n) => `event ${n}`)];
}
