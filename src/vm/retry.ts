// Retry policies as kernel semantics. `attempts` counts every try, the first included; the
// first retry waits `backoff`, each later one `factor` times longer, never more than
// `maxBackoff`. Waits are timers, so a retry is recorded like any other input.
import type { Code, RetryEntry } from '../bytecode/format.js';

export type FailureKind = RetryEntry['on'][number];

/** The policy governing an agent's failures: its task's policy when it has one, else its own. */
export function retryPolicyFor(code: Code, agent: number | null, task: number | null): RetryEntry | undefined {
  const taskPolicy = task === null ? -1 : (code.tasks[task]?.retry ?? -1);
  const index = taskPolicy >= 0 ? taskPolicy : agent === null ? -1 : (code.agents[agent]?.retry ?? -1);
  return index >= 0 ? code.retries[index] : undefined;
}

/** The wait before retry number `retry` (1 for the first retry). */
export function retryDelay(policy: RetryEntry, retry: number): number {
  const base = policy.backoff ?? 0;
  const factor = policy.factor ?? 1;
  const delay = base * factor ** Math.max(0, retry - 1);
  return Math.min(delay, policy.maxBackoff ?? delay);
}

/** Is another try allowed after `used` retries of this failure kind? */
export function mayRetry(policy: RetryEntry | undefined, kind: FailureKind, used: number): policy is RetryEntry {
  return policy !== undefined && policy.on.includes(kind) && used + 1 < policy.attempts;
}
