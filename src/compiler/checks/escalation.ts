// capability-escalation: a process may only hand a child what it holds itself. Along every
// spawn edge — a `spawn`/`call` in an agent's program, or a free agent's caps.spawn grant — the
// child's capabilities must be a subset of the spawner's and its budget no larger. main is the
// root and holds everything, so its edges cannot escalate.
import type { Budget } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic, type Hint } from '../diagnostics.js';
import type { EffectiveAgent } from './agents.js';
import { capSetLookup, type CapSets } from './cap-sets.js';
import type { CheckContext } from './context.js';
import { visitsOf } from './visits.js';

interface Excess {
  /** The origin key of the child's grant, e.g. 'caps/tools' or 'budget/time'. */
  readonly key: string;
  readonly detail: string;
}

const quoteAll = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

function setExcess(key: string, child: ReadonlySet<string>, parent: ReadonlySet<string>): Excess[] {
  const extra = [...child].filter((x) => !parent.has(x));
  return extra.length > 0 ? [{ key, detail: `${key.replace('/', '.')} ${quoteAll(extra)}` }] : [];
}

function capsExcess(child: EffectiveAgent, childSets: CapSets, parentSets: CapSets): Excess[] {
  const topics = (child.caps.topics ?? []).filter((t) => !parentSets.topics.covers(t));
  return [
    ...setExcess('caps/spawn', childSets.spawn, parentSets.spawn),
    ...setExcess('caps/send', childSets.send, parentSets.send),
    ...setExcess('caps/tools', childSets.tools, parentSets.tools),
    ...(topics.length > 0 ? [{ key: 'caps/topics', detail: `caps.topics ${quoteAll(topics)}` }] : []),
    ...setExcess('caps/leases', childSets.leases, parentSets.leases),
    ...(childSets.signalAny && !parentSets.signalAny ? [{ key: 'caps/signal', detail: 'caps.signal any' }] : []),
  ];
}

function budgetExcess(child: Budget, parent: Budget): Excess[] {
  const out: Excess[] = [];
  for (const key of ['turns', 'tokens', 'time'] as const) {
    const c = child[key];
    const p = parent[key];
    const unit = key === 'time' ? 'ms' : '';
    if (c !== undefined && p !== undefined && c > p) out.push({ key: `budget/${key}`, detail: `budget ${key} ${c}${unit} (spawner has ${p}${unit})` });
  }
  return out;
}

function originHint(child: EffectiveAgent, key: string): Hint[] {
  // The tools set joins `tools` and `caps.tools`; point at whichever the child declares.
  const pointer = child.origin.get(key) ?? (key === 'caps/tools' ? child.origin.get('tools') : undefined);
  return pointer === undefined ? [] : [{ message: `"${child.name}" is granted this here`, pointer }];
}

export function checkEscalation(ctx: CheckContext): Diagnostic[] {
  const effective = ctx.agents.effective;
  const sets = capSetLookup(effective);
  const out: Diagnostic[] = [];
  const edge = (spawner: number, childName: string, pointer: () => string) => {
    const childIndex = ctx.symbols.byKind.agents.get(childName)?.index;
    if (childIndex === undefined) return;
    const child = effective[childIndex] as EffectiveAgent;
    const parent = effective[spawner] as EffectiveAgent;
    const excess = [...capsExcess(child, sets(childIndex), sets(spawner)), ...budgetExcess(child.budget, parent.budget)];
    for (const { key, detail } of excess) {
      out.push(
        diagnostic('capability-escalation', {
          pointer: pointer(),
          message: `agent "${child.name}" would get more than its spawner "${parent.name}" holds: ${detail}`,
          hints: originHint(child, key),
          params: { spawner: parent.name, child: child.name, key },
        }),
      );
    }
  };
  for (const visit of visitsOf(ctx.walk, 'spawn', 'call')) {
    const { stmt, proc } = visit;
    if (proc.kind !== 'agent' || (stmt.kind !== 'spawn' && stmt.kind !== 'call')) continue;
    for (const runner of proc.runners) edge(runner, stmt.agent, () => `${visit.pointer}/agent`);
  }
  for (const agent of effective) {
    const grant = agent.origin.get('caps/spawn');
    if (agent.config.program !== undefined || grant === undefined) continue;
    agent.caps.spawn?.forEach((name, j) => edge(agent.index, name, () => `${grant}/${j}`));
  }
  return out;
}
