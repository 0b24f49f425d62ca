// Kernel rules that reading a log depends on, stated once over plain data: how a model reply is
// charged, which verdicts settle a task, and who answers for a branch. The kernel applies them and
// inspection (src/inspect) folds events by them, so the two cannot drift apart.
import { isObject } from '../bytecode/json.js';
import type { ProcessKind } from './process.js';
import type { TaskState } from './tasks.js';

export type { TaskState };

/**
 * The tokens a model reply charges, beside its one turn: the counts its `usage` gives for `input`
 * and `output`. Usage is the backend's word, so only whole, non-negative counts are charged. A
 * model call is charged once, when its completion is applied and ok, whatever its content.
 */
export function chargedTokens(reply: unknown): number {
  const usage = isObject(reply) ? reply['usage'] : undefined;
  if (!isObject(usage)) return 0;
  let tokens = 0;
  for (const key of ['input', 'output']) {
    const n = usage[key];
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) tokens += n;
  }
  return tokens;
}

/**
 * The state a verdict moves a task record to, or null when the record no longer takes verdicts.
 * A record still open to judgement — open, produced, or rejected and being retried — becomes
 * verified or rejected, and its artifacts record the verdict; a verified or failed record keeps
 * its state, and neither it nor its artifacts record the verdict (its event is written all the same).
 */
export function stateAfterVerdict(state: TaskState, passed: boolean): TaskState | null {
  if (state !== 'open' && state !== 'produced' && state !== 'rejected') return null;
  return passed ? 'verified' : 'rejected';
}

/** A process as the holder rule sees it, named by N (the kernel's Pid, or inspection's plain names). */
export interface Lineage<N extends string = string> {
  readonly name: N;
  readonly kind: ProcessKind;
  /** Who spawned it; null for main. */
  readonly parent: N | null;
}

/**
 * Who answers for what a process assigns and spends: the process itself, or for a parallel
 * branch the process that ran the parallel statement (through nested branches). A branch spends
 * that process's budget, and a task called in one branch can be verified in another or after the
 * join. `processOf` finds a process by name; a missing one ends the walk where it is.
 */
export function holderOf<N extends string, P extends Lineage<N>>(p: P, processOf: (name: N) => P | undefined): N {
  let at = p;
  while (at.kind === 'branch' && at.parent !== null) {
    const parent = processOf(at.parent);
    if (parent === undefined) break;
    at = parent;
  }
  return at.name;
}
