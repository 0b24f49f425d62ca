// budget-missing: every agent, after inheriting from the agents it extends, has a budget of
// turns, tokens and time — spawning carves a child's budget out of its parent's, so each one
// must be bounded. An agent whose extends chain runs into a cycle is skipped: what it inherits
// is unknown until the cycle (reported as extends-cycle) is broken.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';

const BUDGET_KEYS = ['turns', 'tokens', 'time'] as const;

function listed(names: readonly string[]): string {
  return names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function checkBudgetsPresent(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cyclic = new Set(ctx.agents.cycles.flat());
  for (const agent of ctx.agents.effective) {
    if (cyclic.has(agent.lineage)) continue;
    const missing = BUDGET_KEYS.filter((k) => agent.budget[k] === undefined);
    if (missing.length === 0) continue;
    const at = join('', 'agents', agent.index);
    const own = ctx.ast.agents?.[agent.index]?.budget !== undefined;
    const message =
      missing.length === BUDGET_KEYS.length
        ? `agent "${agent.name}" has no budget; give it \`budget { turns … tokens … time … }\``
        : `agent "${agent.name}"'s budget has no ${listed(missing)}`;
    out.push(diagnostic('budget-missing', { pointer: own ? join(at, 'budget') : join(at, 'name'), message, params: { missing } }));
  }
  return out;
}
