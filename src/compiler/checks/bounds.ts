// budget-invalid: budgets, durations, counts and retry settings must be positive — or, where
// zero has a meaning (it is named in the message), not negative.
import type { Statement, Workflow } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { visitsOf, type StatementKind } from './visits.js';

interface Bound {
  readonly key: string;
  readonly what: string;
  readonly unit?: string;
  /** Set when zero is allowed: what zero means. */
  readonly zeroMeans?: string;
}

const ms = 'ms';
const MODEL: readonly Bound[] = [
  { key: 'maxTokens', what: 'model max_tokens' },
  { key: 'context', what: 'model context' },
];
const TOOL: readonly Bound[] = [
  { key: 'timeout', what: 'tool timeout', unit: ms },
  { key: 'outputCap', what: 'tool output_cap', unit: ' bytes' },
];
const BUDGET: readonly Bound[] = [
  { key: 'turns', what: 'budget turns' },
  { key: 'tokens', what: 'budget tokens' },
  { key: 'time', what: 'budget time', unit: ms },
];
const SUPERVISOR: readonly Bound[] = [
  { key: 'intensity', what: 'supervisor intensity', zeroMeans: 'no restarts before escalating' },
  { key: 'period', what: 'supervisor period', unit: ms },
];
const RETRY: readonly Bound[] = [
  { key: 'attempts', what: 'retry attempts' },
  { key: 'backoff', what: 'retry backoff', unit: ms, zeroMeans: 'retry at once' },
  { key: 'factor', what: 'retry factor' },
  { key: 'maxBackoff', what: 'retry max_backoff', unit: ms, zeroMeans: 'no wait' },
];
const TIMEOUT: Bound = { key: 'timeout', what: 'timeout', unit: ms };
const STATEMENT: Readonly<Partial<Record<Statement['kind'], readonly Bound[]>>> = {
  call: [TIMEOUT],
  recv: [TIMEOUT],
  await: [TIMEOUT],
  acquire: [TIMEOUT, { key: 'ttl', what: 'lease ttl', unit: ms }],
  renew: [{ key: 'ttl', what: 'lease ttl', unit: ms }],
  sleep: [{ key: 'duration', what: 'sleep duration', unit: ms, zeroMeans: 'just yield' }],
};

function checkBounds(node: object, bounds: readonly Bound[], at: string | (() => string), out: Diagnostic[]): void {
  for (const bound of bounds) {
    const value = (node as Record<string, unknown>)[bound.key];
    if (typeof value !== 'number') continue;
    const min = bound.zeroMeans === undefined ? 1 : 0;
    if (value >= min) continue;
    const rule = bound.zeroMeans === undefined ? 'must be positive' : `must not be negative (0 means ${bound.zeroMeans})`;
    out.push(
      diagnostic('budget-invalid', {
        pointer: join(typeof at === 'string' ? at : at(), bound.key),
        message: `${bound.what} ${rule}; it is ${value}${bound.unit ?? ''}`,
        params: { value, min },
      }),
    );
  }
}

function declarationBounds(ast: Workflow, out: Diagnostic[]): void {
  ast.models?.forEach((m, i) => checkBounds(m, MODEL, join('', 'models', i), out));
  ast.tools?.forEach((t, i) => checkBounds(t, TOOL, join('', 'tools', i), out));
  ast.agents?.forEach((a, i) => {
    if (a.budget) checkBounds(a.budget, BUDGET, join('', 'agents', i, 'budget'), out);
  });
  ast.supervisors?.forEach((s, i) => checkBounds(s, SUPERVISOR, join('', 'supervisors', i), out));
  ast.retries?.forEach((r, i) => checkBounds(r, RETRY, join('', 'retries', i), out));
}

export function checkBudgetValues(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  declarationBounds(ctx.ast, out);
  for (const visit of visitsOf(ctx.walk, ...(Object.keys(STATEMENT) as StatementKind[]))) {
    const bounds = STATEMENT[visit.stmt.kind];
    if (bounds) checkBounds(visit.stmt, bounds, () => visit.pointer, out);
  }
  return out;
}
