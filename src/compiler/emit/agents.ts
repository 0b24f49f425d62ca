// Agent specs to the agent table, with `extends` applied: a property a spec leaves out comes
// from the spec it extends (prompt and prompt file count as one property; caps and budget merge
// field by field; a program is inherited too). The lineage is the root of the chain.
import type { AgentDecl, Budget, Capabilities, Workflow } from '../../generated/workflow.js';
import type { AgentEntry, BudgetEntry, CapsEntry, MountEntry } from '../../bytecode/format.js';
import type { Includes } from '../includes.js';
import { NONE, type EmitContext } from './context.js';
import type { NameIndex } from './names.js';

/** An agent spec after inheritance (absent properties are undefined), with the index of the spec whose program it runs. */
interface Effective extends Omit<AgentDecl, 'extends' | 'program'> {
  lineage: string;
  caps: Capabilities;
  budget: Budget;
  programOwner: number;
}

function mergeCaps(base: Capabilities, own: Capabilities | undefined): Capabilities {
  if (!own) return base;
  return {
    spawn: own.spawn ?? base.spawn,
    send: own.send ?? base.send,
    topics: own.topics ?? base.topics,
    tools: own.tools ?? base.tools,
    leases: own.leases ?? base.leases,
    signal: own.signal ?? base.signal,
  };
}

function mergeBudget(base: Budget, own: Budget | undefined): Budget {
  if (!own) return base;
  return { turns: own.turns ?? base.turns, tokens: own.tokens ?? base.tokens, time: own.time ?? base.time };
}

function inherit(base: Effective | undefined, decl: AgentDecl, index: number): Effective {
  const ownPrompt = decl.prompt !== undefined || decl.promptFile !== undefined || !base;
  return {
    name: decl.name,
    lineage: base ? base.lineage : decl.name,
    role: decl.role ?? base?.role,
    model: decl.model ?? base?.model,
    prompt: ownPrompt ? decl.prompt : base.prompt,
    promptFile: ownPrompt ? decl.promptFile : base.promptFile,
    tools: decl.tools ?? base?.tools,
    mounts: decl.mounts ?? base?.mounts,
    caps: base ? mergeCaps(base.caps, decl.caps) : (decl.caps ?? {}),
    budget: base ? mergeBudget(base.budget, decl.budget) : (decl.budget ?? {}),
    restart: decl.restart ?? base?.restart,
    retry: decl.retry ?? base?.retry,
    supervisor: decl.supervisor ?? base?.supervisor,
    programOwner: decl.program ? index : (base?.programOwner ?? NONE),
  };
}

/**
 * Resolves every spec's chain once, from its nearest already-resolved ancestor down, so long
 * chains stay linear. The checker reports cycles; here a cycle is cut where it closes.
 */
function effectiveAgents(agents: readonly AgentDecl[], names: NameIndex): Effective[] {
  const resolved: (Effective | undefined)[] = agents.map(() => undefined);
  // walkedFrom[i] === start + 1 while spec i is on the chain walked from start.
  const walkedFrom = new Int32Array(agents.length);
  agents.forEach((_, start) => {
    const chain: number[] = [];
    let at = start;
    while (at !== NONE && resolved[at] === undefined && walkedFrom[at] !== start + 1) {
      walkedFrom[at] = start + 1;
      chain.push(at);
      at = names.of('agents', (agents[at] as AgentDecl).extends);
    }
    let base = at === NONE ? undefined : resolved[at];
    for (let k = chain.length - 1; k >= 0; k--) {
      const index = chain[k] as number;
      base = inherit(base, agents[index] as AgentDecl, index);
      resolved[index] = base;
    }
  });
  return resolved as Effective[];
}

function capsEntry(caps: Capabilities, names: NameIndex): CapsEntry {
  const entry: CapsEntry = {};
  if (caps.spawn) entry.spawn = names.all('agents', caps.spawn);
  if (caps.send) entry.send = names.all('agents', caps.send);
  if (caps.topics) entry.topics = caps.topics;
  if (caps.tools) entry.tools = names.all('tools', caps.tools);
  if (caps.leases) entry.leases = caps.leases;
  if (caps.signal) entry.signal = caps.signal;
  return entry;
}

function budgetEntry(budget: Budget): BudgetEntry {
  const entry: BudgetEntry = {};
  if (budget.turns !== undefined) entry.turns = budget.turns;
  if (budget.tokens !== undefined) entry.tokens = budget.tokens;
  if (budget.time !== undefined) entry.time = budget.time;
  return entry;
}

function mountEntry(mount: MountEntry): MountEntry {
  const entry: MountEntry = { kind: mount.kind, path: mount.path };
  if (mount.source !== undefined) entry.source = mount.source;
  if (mount.over !== undefined) entry.over = mount.over;
  return entry;
}

function promptIndex(agent: Effective, includes: Includes, cx: EmitContext): number {
  const text = agent.prompt ?? (agent.promptFile === undefined ? undefined : includes.get(agent.promptFile));
  return text === undefined ? NONE : cx.pool.add(text);
}

function agentEntry(agent: Effective, includes: Includes, cx: EmitContext, programs: readonly number[]): AgentEntry {
  const { names } = cx;
  const entry: AgentEntry = {
    name: agent.name,
    lineage: agent.lineage,
    model: names.of('models', agent.model),
    prompt: promptIndex(agent, includes, cx),
    tools: names.all('tools', agent.tools ?? []),
    mounts: (agent.mounts ?? []).map(mountEntry),
    caps: capsEntry(agent.caps, names),
    budget: budgetEntry(agent.budget),
    retry: names.of('retries', agent.retry),
    supervisor: names.of('supervisors', agent.supervisor),
    procedure: agent.programOwner === NONE ? NONE : (programs[agent.programOwner] ?? NONE),
  };
  if (agent.role !== undefined) entry.role = agent.role;
  if (agent.restart !== undefined) entry.restart = agent.restart;
  return entry;
}

/** programs[i]: the procedure of agent i's own program, or -1. */
export function agentTable(ast: Workflow, includes: Includes, cx: EmitContext, programs: readonly number[]): AgentEntry[] {
  return effectiveAgents(ast.agents ?? [], cx.names).map((a) => agentEntry(a, includes, cx, programs));
}
