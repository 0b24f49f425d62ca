// capability-not-granted: a structured agent's program may only do what the agent's own
// capabilities allow: spawn or call agents in caps.spawn, send to agents in caps.send (its
// parent and children always), publish and subscribe to topics in caps.topics, exec tools it
// holds, acquire leases in caps.leases, and signal beyond its descendants only with signal any.
// Undeclared names are left to the unknown-* passes.
import type { Statement } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { EffectiveAgent } from './agents.js';
import { capSetLookup, type CapSets } from './cap-sets.js';
import type { CheckContext } from './context.js';
import type { SymbolIndex } from './symbols.js';
import { visitsOf, type VarUse } from './visits.js';

interface Denial {
  /** The statement field the denial is about. */
  readonly field: string;
  readonly what: string;
  readonly cap: string;
}

function statementDenial(stmt: Statement, caps: CapSets, symbols: SymbolIndex): Denial | undefined {
  switch (stmt.kind) {
    case 'spawn':
    case 'call':
      if (!symbols.byKind.agents.has(stmt.agent) || caps.spawn.has(stmt.agent)) return undefined;
      return { field: 'agent', what: `${stmt.kind}s "${stmt.agent}"`, cap: 'caps.spawn' };
    case 'publish':
    case 'subscribe':
      if (caps.topics.covers(stmt.topic)) return undefined;
      return { field: 'topic', what: `${stmt.kind === 'publish' ? 'publishes to' : 'subscribes to'} topic "${stmt.topic}"`, cap: 'caps.topics' };
    case 'exec':
      if (!symbols.byKind.tools.has(stmt.tool) || caps.tools.has(stmt.tool)) return undefined;
      return { field: 'tool', what: `execs tool "${stmt.tool}"`, cap: 'tools or caps.tools' };
    case 'acquire':
      if (caps.leases.has(stmt.resource)) return undefined;
      return { field: 'resource', what: `acquires "${stmt.resource}"`, cap: 'caps.leases' };
    default:
      return undefined;
  }
}

/** send and signal to a named process; what a variable holds is not known statically. */
function targetDenial(use: VarUse, caps: CapSets): Omit<Denial, 'field'> | undefined {
  const kind = use.visit.stmt.kind;
  if (kind === 'send' && use.resolution === 'agent' && !caps.send.has(use.name) && !caps.spawn.has(use.name)) {
    return { what: `sends to "${use.name}"`, cap: 'caps.send' };
  }
  const named = use.resolution === 'parent' || (use.resolution === 'agent' && !caps.spawn.has(use.name));
  if (kind === 'signal' && named && !caps.signalAny) {
    return { what: `signals "${use.name}", which is not its descendant`, cap: 'caps.signal' };
  }
  return undefined;
}

function denied(agent: EffectiveAgent, declarer: number, denial: Omit<Denial, 'field'>, pointer: string): Diagnostic {
  const who = agent.index === declarer ? `agent "${agent.name}"` : `agent "${agent.name}" (which inherits this program)`;
  return diagnostic('capability-not-granted', {
    pointer,
    message: `${who} ${denial.what}, but its ${denial.cap} does not grant it`,
    params: { agent: agent.name, capability: denial.cap },
  });
}

export function checkGranted(ctx: CheckContext): Diagnostic[] {
  const effective = ctx.agents.effective;
  const sets = capSetLookup(effective);
  const out: Diagnostic[] = [];
  for (const visit of visitsOf(ctx.walk, 'spawn', 'call', 'publish', 'subscribe', 'exec', 'acquire')) {
    const { stmt, proc } = visit;
    if (proc.kind !== 'agent') continue;
    for (const runner of proc.runners) {
      const denial = statementDenial(stmt, sets(runner), ctx.symbols);
      if (denial) out.push(denied(effective[runner] as EffectiveAgent, proc.agentIndex, denial, `${visit.pointer}/${denial.field}`));
    }
  }
  for (const use of ctx.walk.uses) {
    if (use.kind !== 'target' || use.visit.proc.kind !== 'agent') continue;
    for (const runner of use.visit.proc.runners) {
      const denial = targetDenial(use, sets(runner));
      if (denial) out.push(denied(effective[runner] as EffectiveAgent, use.visit.proc.agentIndex, denial, use.pointer));
    }
  }
  return out;
}
