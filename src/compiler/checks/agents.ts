// Agents after `extends`: which agent each one derives from, the cycles among them, each one's
// lineage (the root of its chain) and its effective configuration. A derived agent takes each
// property it does not declare from its parent; `caps` and `budget` are merged key by key, and
// `prompt`/`promptFile` count as one property.
import type { AgentDecl, Budget, Capabilities, Workflow } from '../../generated/workflow.js';
import { join } from '../pointer.js';
import type { SymbolIndex } from './symbols.js';

const WHOLE_PROPERTIES = ['role', 'model', 'tools', 'mounts', 'restart', 'retry', 'supervisor', 'program'] as const;
const CAPS_KEYS = ['spawn', 'send', 'topics', 'tools', 'leases', 'signal'] as const;
const BUDGET_KEYS = ['turns', 'tokens', 'time'] as const;

export interface EffectiveAgent {
  readonly index: number;
  readonly name: string;
  /** Index of the root of the extends chain (the agent itself when it extends nothing). */
  readonly lineage: number;
  /** The declaration's properties with inherited ones filled in (name and extends stay its own). */
  readonly config: AgentDecl;
  readonly caps: Capabilities;
  readonly budget: Budget;
  /** Where each property's value is declared: 'tools', 'caps/spawn', 'budget/time' → pointer. */
  readonly origin: ReadonlyMap<string, string>;
}

export interface AgentGraph {
  /** The index of the agent each one extends; -1 when none, unknown, or the edge closes a cycle. */
  readonly parent: readonly number[];
  /** Each cycle once, as agent indices starting at its smallest index, in extends order. */
  readonly cycles: readonly (readonly number[])[];
  readonly effective: readonly EffectiveAgent[];
}

function declaredParents(agents: readonly AgentDecl[], symbols: SymbolIndex): number[] {
  const byName = symbols.byKind.agents;
  return agents.map((a) => (a.extends === undefined ? -1 : (byName.get(a.extends)?.index ?? -1)));
}

/** Follows each chain once (the graph has at most one edge per node), collecting cycles. */
function findCycles(parent: readonly number[]): number[][] {
  const state = new Array<number>(parent.length).fill(0); // 0 unseen, 1 on the current path, 2 done
  const cycles: number[][] = [];
  for (let start = 0; start < parent.length; start++) {
    const path: number[] = [];
    let node = start;
    while (node !== -1 && state[node] === 0) {
      state[node] = 1;
      path.push(node);
      node = parent[node] as number;
    }
    if (node !== -1 && state[node] === 1) cycles.push(rotateToSmallest(path.slice(path.indexOf(node))));
    for (const n of path) state[n] = 2;
  }
  return cycles.sort((a, b) => (a[0] as number) - (b[0] as number));
}

function rotateToSmallest(cycle: number[]): number[] {
  const k = cycle.indexOf(Math.min(...cycle));
  return [...cycle.slice(k), ...cycle.slice(0, k)];
}

function own(index: number, decl: AgentDecl): EffectiveAgent {
  const origin = new Map<string, string>();
  const at = (path: string) => join('', 'agents', index) + '/' + path;
  for (const key of WHOLE_PROPERTIES) if (decl[key] !== undefined) origin.set(key, at(key));
  if (decl.prompt !== undefined) origin.set('prompt', at('prompt'));
  if (decl.promptFile !== undefined) origin.set('prompt', at('promptFile'));
  for (const key of CAPS_KEYS) if (decl.caps?.[key] !== undefined) origin.set(`caps/${key}`, at(`caps/${key}`));
  for (const key of BUDGET_KEYS) if (decl.budget?.[key] !== undefined) origin.set(`budget/${key}`, at(`budget/${key}`));
  return { index, name: decl.name, lineage: index, config: decl, caps: decl.caps ?? {}, budget: decl.budget ?? {}, origin };
}

function copyDeclared<K extends keyof AgentDecl>(to: AgentDecl, from: AgentDecl, key: K): void {
  if (from[key] !== undefined) to[key] = from[key];
}

function derive(child: EffectiveAgent, base: EffectiveAgent): EffectiveAgent {
  const decl = child.config;
  const config: AgentDecl = { ...base.config, name: decl.name };
  if (decl.extends !== undefined) config.extends = decl.extends;
  else delete config.extends;
  for (const key of WHOLE_PROPERTIES) copyDeclared(config, decl, key);
  if (decl.prompt !== undefined || decl.promptFile !== undefined) {
    delete config.prompt;
    delete config.promptFile;
    if (decl.prompt !== undefined) config.prompt = decl.prompt;
    if (decl.promptFile !== undefined) config.promptFile = decl.promptFile;
  }
  const caps: Capabilities = { ...base.caps, ...decl.caps };
  const budget: Budget = { ...base.budget, ...decl.budget };
  config.caps = caps;
  config.budget = budget;
  const origin = new Map([...base.origin, ...child.origin]);
  return { index: child.index, name: decl.name, lineage: base.lineage, config, caps, budget, origin };
}

/** Resolves every agent, each chain once: nothing is recomputed, so the cost is linear. */
function resolveAll(agents: readonly AgentDecl[], parent: readonly number[]): EffectiveAgent[] {
  const done = new Array<EffectiveAgent | undefined>(agents.length);
  for (let start = 0; start < agents.length; start++) {
    const chain: number[] = [];
    let node = start;
    while (node !== -1 && done[node] === undefined) {
      chain.push(node);
      node = parent[node] as number;
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const i = chain[k] as number;
      const mine = own(i, agents[i] as AgentDecl);
      const p = parent[i] as number;
      done[i] = p === -1 ? mine : derive(mine, done[p] as EffectiveAgent);
    }
  }
  return done as EffectiveAgent[];
}

export function buildAgentGraph(ast: Workflow, symbols: SymbolIndex): AgentGraph {
  const agents = ast.agents ?? [];
  const parent = declaredParents(agents, symbols);
  const cycles = findCycles(parent);
  // Drop the edge that closes each cycle (the one into its smallest member), so every chain ends.
  for (const cycle of cycles) parent[cycle[cycle.length - 1] as number] = -1;
  return { parent, cycles, effective: resolveAll(agents, parent) };
}
