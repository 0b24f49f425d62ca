// The seed sweep's harness (test/vm/seed-sweep.test.ts, scripts/sweep.mjs): scripted fakes read
// from a workflow's header, and one seed run twice under the invariant checker, whose two event
// streams must be byte-identical.
import type { Bytecode } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import type { SchedulingPolicy } from '../vm/scheduler.js';
import { fakeEffects, finishReply } from './fake-effects.js';
import { runSimulated, type FakeEffects } from './simulated-host.js';
import { arrayCursor } from '../log/lines.js';
import { replayExact } from '../replay/replay.js';
import { InvariantChecker, InvariantViolation } from './invariants.js';

/** Scripted model replies (by process name, else agent name) and tool results (by tool name), taken in turn per process; the last repeats. */
export interface FakeScript {
  readonly model?: { readonly [agentOrProcess: string]: readonly JsonValue[] };
  readonly tool?: { readonly [tool: string]: readonly JsonValue[] };
}

/** A sweep workflow's header: `// fakes: {…}` (its scripted world) and `// expect: ["ok", …]` (main's possible final statuses). */
export function readHeader(source: string): { fakes: FakeScript; expect: readonly string[] | null } {
  const line = (key: string): JsonValue | undefined => {
    const found = source.split('\n').find((l) => l.startsWith(`// ${key}: `));
    return found === undefined ? undefined : (JSON.parse(found.slice(key.length + 5)) as JsonValue);
  };
  return { fakes: (line('fakes') ?? {}) as FakeScript, expect: (line('expect') ?? null) as string[] | null };
}

/** FNV-1a: a small, stable hash for per-effect latency jitter. */
function jitter(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 4;
}

/**
 * Fakes that answer from a script, a fresh copy per run. A scripted "never" leaves the effect
 * hanging. Each answer takes its kind's latency plus 0–3 ms drawn from the seed and the effect id,
 * so seeds also differ in arrival order.
 */
export function scriptedEffects(script: FakeScript, seed: string): FakeEffects {
  const taken = new Map<string, number>();
  const next = (table: FakeScript['model'], keys: readonly string[], pid: string): JsonValue | undefined => {
    for (const key of keys) {
      const replies = table?.[key];
      if (replies === undefined || replies.length === 0) continue;
      const n = taken.get(`${pid}\u0000${key}`) ?? 0;
      taken.set(`${pid}\u0000${key}`, n + 1);
      return replies[Math.min(n, replies.length - 1)];
    }
    return undefined;
  };
  const scripted = (value: JsonValue | undefined, otherwise: JsonValue): JsonValue | 'never' => (value === 'never' ? 'never' : (value ?? otherwise));
  const base = fakeEffects({
    model: (r) => scripted(next(script.model, [r.pid, String(r.request['agent'])], r.pid), finishReply(null)),
    tool: (r) => scripted(next(script.tool, [String(r.request['tool'])], r.pid), { exit_code: 0, stderr: '', stdout: '' }),
  });
  return {
    answer(request, host) {
      const answer = base.answer(request, host);
      return answer === 'never' ? answer : { after: answer.after + jitter(`${seed}/${request.effect}`), completion: answer.completion };
    },
  };
}

export interface SeedCase {
  readonly bytecode: Bytecode;
  readonly fakes: FakeScript;
  readonly seed: string;
  readonly policy: SchedulingPolicy;
  readonly interleave: boolean;
  /** Instructions per step (default 256): small quanta preempt processes mid-program. */
  readonly quantum?: number;
  /** Transitions after which a run counts as not finishing (default 100 000). */
  readonly maxTransitions?: number;
}

export interface SeedOutcome {
  readonly head: string;
  readonly events: number;
  readonly status: string | null;
  /** The first invariant broken, a kernel error, or a second run that differed; null when all held. */
  readonly violation: string | null;
  readonly lines: readonly string[];
}

/** One run; with a checker, the first violation is kept and the run goes on unchecked, so its whole log is there to read. */
function runOnce(c: SeedCase, checker: InvariantChecker | null): SeedOutcome {
  let violation: string | null = null;
  const check = (what: () => void): void => {
    if (violation !== null) return;
    try {
      what();
    } catch (error) {
      if (!(error instanceof InvariantViolation)) throw error;
      violation = error.message;
    }
  };
  const run = runSimulated({
    bytecode: c.bytecode,
    seed: c.seed,
    options: { policy: c.policy, ...(c.quantum === undefined ? {} : { quantum: c.quantum }) },
    effects: scriptedEffects(c.fakes, c.seed),
    interleave: c.interleave,
    maxTransitions: c.maxTransitions ?? 100_000,
    keepLines: checker !== null,
    ...(checker === null ? {} : { observe: (kernel, output) => check(() => checker.observe(kernel, output)) }),
  });
  check(() => {
    if (!run.kernel.finished) throw new InvariantViolation('run-finishes', null, `not finished after ${run.transitions} transitions`);
    checker?.end(run.kernel, run.lines);
  });
  return { head: run.head, events: run.events, status: run.kernel.result?.status ?? null, violation, lines: run.lines };
}

/**
 * Runs one seed under the checker, then again, and compares the two logs' head hashes and
 * lengths; then replays the first log exactly, from its lines alone.
 */
export function sweepSeed(c: SeedCase): SeedOutcome {
  try {
    const first = runOnce(c, new InvariantChecker(c.bytecode.code));
    if (first.violation !== null) return first;
    const second = runOnce(c, null);
    if (second.head !== first.head || second.events !== first.events) {
      return { ...first, violation: `same-log-twice: the second run gave ${second.events} events with head ${second.head}, the first ${first.events} with head ${first.head}` };
    }
    try {
      const replay = replayExact(c.bytecode, () => arrayCursor(first.lines));
      if (replay.events !== first.events || !replay.finished) return { ...first, violation: `replay-identical: the replay consumed ${replay.events} of ${first.events} lines` };
    } catch (error) {
      return { ...first, violation: `replay-identical: ${(error as Error).message}` };
    }
    return first;
  } catch (error) {
    return { head: '', events: 0, status: null, violation: `kernel error: ${error instanceof Error ? error.message : String(error)}`, lines: [] };
  }
}
