// Turns a random workflow into a well-formed one: declarations get unique names, every
// reference is redirected (by a hash of the name it had) to something declared or in scope,
// bounds and durations become positive, and agents get budgets, mounts and capabilities that
// cover what their programs do. Deterministic, so shrinking still works through it.
import type { AgentDecl, Expr, NamedArg, Statement, TaskDecl, ToolDecl, Workflow } from '../../src/generated/workflow.js';

const TOPICS = ['news', 'progress', 'alerts'];
const LEASES = ['repo', 'db'];
const MOUNTS: NonNullable<AgentDecl['mounts']> = [
  { kind: 'scratch', path: '/scratch' },
  { kind: 'shared', path: '/shared' },
];
const FIXED_VARIABLES = ['input'];

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function pick<T>(choices: readonly T[], seed: string): T | undefined {
  return choices.length === 0 ? undefined : choices[hash(seed) % choices.length];
}

function positive(n: number | undefined, fallback: number, cap = 1_000_000): number {
  return 1 + (Math.abs(n ?? fallback) % cap);
}

function uniqueNames<T extends { name: string }>(decls: T[] | undefined): T[] | undefined {
  const seen = new Set<string>();
  decls?.forEach((d, i) => {
    if (seen.has(d.name)) d.name = `${d.name.slice(0, 100)}_${i}`;
    seen.add(d.name);
  });
  return decls;
}

interface Names {
  models: string[];
  tools: ToolDecl[];
  artifacts: string[];
  agents: string[];
  tasks: TaskDecl[];
  supervisors: string[];
  retries: string[];
}

interface Ctx {
  names: Names;
  inAgent: boolean;
  /** Visible variables, innermost scope last. */
  scopes: Set<string>[];
  inParallel: boolean;
  writes: number;
}

function visible(ctx: Ctx): string[] {
  return [...new Set([...FIXED_VARIABLES, ...ctx.scopes.flatMap((s) => [...s])])].sort();
}

function declare(ctx: Ctx, name: string): string {
  const scope = ctx.scopes[ctx.scopes.length - 1] as Set<string>;
  let unique = name;
  for (let i = 1; scope.has(unique); i++) unique = `${name.slice(0, 100)}_${i}`;
  scope.add(unique);
  return unique;
}

function expr(e: Expr, ctx: Ctx): Expr {
  if (e === null || typeof e !== 'object') return e;
  switch (e.kind) {
    case 'ref':
      e.path[0] = pick(visible(ctx), e.path[0]) as string;
      return e;
    case 'list':
      e.items = e.items.map((i) => expr(i, ctx));
      return e;
    case 'object':
      for (const f of e.fields) f.value = expr(f.value, ctx);
      return e;
    case 'cmp':
      e.left = expr(e.left, ctx);
      e.right = expr(e.right, ctx);
      return e;
    case 'and':
    case 'or':
      e.args = e.args.map((a) => expr(a, ctx)) as typeof e.args;
      return e;
    case 'not':
      e.arg = expr(e.arg, ctx);
      return e;
  }
}

/** Arguments for exactly the tool's parameters, each a value of its type. */
function toolArgs(tool: ToolDecl): NamedArg[] {
  return (tool.params ?? []).map((p) => {
    if (p.type === 'int') return { name: p.name, value: 3 };
    if (p.type === 'enum') return { name: p.name, value: p.values?.[0] ?? 'a' };
    if (p.type === 'path') return { name: p.name, value: '/shared/in.txt' };
    return { name: p.name, value: 'text' };
  });
}

type Bindable = { let?: string; set?: string };

/** Resolves a `let`/`set` binding; a `set` of nothing visible (or inside a parallel branch) becomes a `let`. */
function binding(s: Bindable, ctx: Ctx): void {
  if (s.set !== undefined) {
    const target = ctx.inParallel ? undefined : pick(visible(ctx).filter((v) => !FIXED_VARIABLES.includes(v)), s.set);
    if (target === undefined) {
      s.let = s.set;
      delete s.set;
    } else s.set = target;
  }
  if (s.let !== undefined) s.let = declare(ctx, s.let);
}

/** Whether a statement ends the process on every path (what follows it is unreachable). */
function endsProcess(s: Statement): boolean {
  if (s.kind === 'exit' || s.kind === 'fail') return true;
  if (s.kind !== 'if' || s.else === undefined) return false;
  const last = (b: Statement[]) => b[b.length - 1];
  const [t, e] = [last(s.then), last(s.else)];
  return t !== undefined && e !== undefined && endsProcess(t) && endsProcess(e);
}

function block(body: Statement[], ctx: Ctx, declared: string[] = []): Statement[] {
  ctx.scopes.push(new Set(declared));
  const out: Statement[] = [];
  for (const s of body) {
    const kept = statement(s, ctx);
    if (!kept) continue;
    out.push(kept);
    if (endsProcess(kept)) break;
  }
  ctx.scopes.pop();
  return out;
}

/** The statement with its references resolved, or undefined when it cannot be made well-formed. */
function statement(s: Statement, ctx: Ctx): Statement | undefined {
  const { names } = ctx;
  switch (s.kind) {
    case 'let':
      s.value = expr(s.value, ctx);
      s.name = declare(ctx, s.name);
      return s;
    case 'set': {
      s.value = expr(s.value, ctx);
      const target = ctx.inParallel ? undefined : pick(visible(ctx).filter((v) => !FIXED_VARIABLES.includes(v)), s.name);
      if (target !== undefined) return { ...s, name: target };
      return { kind: 'let', name: declare(ctx, s.name), value: s.value };
    }
    case 'spawn':
    case 'call': {
      const task = s.task === undefined ? undefined : pick(names.tasks, s.task);
      if (task) s.task = task.name;
      else delete s.task;
      s.agent = task?.owner ?? (pick(names.agents, s.agent) as string);
      if (s.input !== undefined) s.input = expr(s.input, ctx);
      if (s.kind === 'call') s.timeout = positive(s.timeout, 60_000);
      binding(s, ctx);
      return s;
    }
    case 'ask':
      if (!ctx.inAgent) return undefined;
      if (s.input !== undefined) s.input = expr(s.input, ctx);
      if (s.returns !== undefined) s.returns = pick(names.artifacts, s.returns) as string;
      binding(s, ctx);
      return s;
    case 'exec': {
      const tool = pick(names.tools, s.tool);
      if (!tool) return undefined;
      s.tool = tool.name;
      s.args = toolArgs(tool);
      binding(s, ctx);
      return s;
    }
    case 'send':
      s.to = pick(names.agents, s.to) as string;
      s.value = expr(s.value, ctx);
      return s;
    case 'recv':
      if (s.from !== undefined) s.from = pick(names.agents, s.from) as string;
      s.timeout = positive(s.timeout, 1000);
      binding(s, ctx);
      return s;
    case 'publish':
    case 'subscribe':
      s.topic = pick(TOPICS, s.topic) as string;
      if (s.kind === 'publish') s.value = expr(s.value, ctx);
      return s;
    case 'await':
    case 'signal':
      s.target = pick(visible(ctx), s.target) as string;
      if (s.kind === 'await') {
        s.timeout = positive(s.timeout, 1000);
        binding(s, ctx);
      }
      return s;
    case 'acquire':
      s.resource = pick(LEASES, s.resource) as string;
      if (s.ttl !== undefined) s.ttl = positive(s.ttl, 1000);
      s.timeout = positive(s.timeout, 1000);
      binding(s, ctx);
      return s;
    case 'renew':
    case 'release':
      s.lease = pick(visible(ctx), s.lease) as string;
      if (s.kind === 'renew' && s.ttl !== undefined) s.ttl = positive(s.ttl, 1000);
      return s;
    case 'sleep':
      s.duration = positive(s.duration, 1000);
      return s;
    case 'checkpoint':
    case 'exit':
      if (s.value !== undefined) s.value = expr(s.value, ctx);
      return s;
    case 'fail':
      s.reason = expr(s.reason, ctx);
      return s;
    case 'attach':
      s.artifact = pick(names.artifacts, s.artifact) as string;
      s.value = expr(s.value, ctx);
      binding(s, ctx);
      return s;
    case 'read':
      s.path = `/shared/in-${hash(s.path) % 3}.txt`;
      binding(s, ctx);
      return s;
    case 'write':
      s.path = `/shared/out-${ctx.writes++}.json`;
      s.value = expr(s.value, ctx);
      if (s.lease !== undefined) s.lease = pick(visible(ctx), s.lease) as string;
      return s;
    case 'verify': {
      const task = pick(names.tasks, s.task);
      if (!task) return undefined;
      s.task = task.name;
      if (s.value !== undefined) s.value = expr(s.value, ctx);
      binding(s, ctx);
      return s;
    }
    case 'if':
      s.cond = expr(s.cond, ctx);
      s.then = block(s.then, ctx);
      if (s.else !== undefined) s.else = block(s.else, ctx);
      return s;
    case 'parallel': {
      const outer = ctx.inParallel;
      ctx.inParallel = true;
      for (const b of s.branches) b.body = block(b.body, ctx);
      ctx.inParallel = outer;
      return s;
    }
    case 'loop': {
      s.max = positive(s.max, 3, 5);
      const as = s.as;
      if (as !== undefined) ctx.scopes.push(new Set([as]));
      if (s.until !== undefined) s.until = expr(s.until, ctx);
      if (as !== undefined) ctx.scopes.pop();
      // A loop whose body always ends the process makes what follows it unreachable.
      s.body = block(s.body, ctx, as === undefined ? [] : [as]).filter((b) => !endsProcess(b));
      return s;
    }
  }
}

function lineage(agents: readonly AgentDecl[], index: number): number {
  let i = index;
  for (let guard = 0; guard < agents.length; guard++) {
    const parent = agents.findIndex((a) => a.name === agents[i]?.extends);
    if (parent < 0) return i;
    i = parent;
  }
  return i;
}

function resolveTool(t: ToolDecl): void {
  const placeholders = [...new Set(t.argv.flatMap((a) => (typeof a === 'string' ? [] : [a.param])))];
  const declared = t.params ?? [];
  t.params = placeholders.map((name, i) => {
    const like = declared[i];
    if (like?.type === 'enum') return { name, type: 'enum', values: like.values?.length ? like.values : ['a'] };
    if (like?.type === 'path') return { name, type: 'path', mount: '/shared' };
    return { name, type: like?.type ?? 'string' };
  });
  if (t.params.length === 0) delete t.params;
  if (t.timeout !== undefined) t.timeout = positive(t.timeout, 1000);
  if (t.outputCap !== undefined) t.outputCap = positive(t.outputCap, 65536);
  if (t.cwd !== undefined) t.cwd = '/shared';
}

function resolveAgent(a: AgentDecl, i: number, all: AgentDecl[], names: Names): void {
  const earlier = all.slice(0, i).map((b) => b.name);
  if (a.extends !== undefined && earlier.length > 0) a.extends = pick(earlier, a.extends) as string;
  else delete a.extends;
  a.model = pick(names.models, a.model ?? a.name) as string;
  if (a.promptFile !== undefined) a.promptFile = `prompts/${a.name}.md`;
  else a.prompt ??= `You are ${a.name}.`;
  if (a.tools !== undefined) a.tools = [...new Set(a.tools.map((t) => pick(names.tools, t)?.name).filter((t) => t !== undefined))];
  a.mounts = MOUNTS.map((m) => ({ ...m }));
  a.caps = { spawn: [...names.agents], send: [...names.agents], topics: [...TOPICS], tools: names.tools.map((t) => t.name), leases: [...LEASES], signal: 'descendants' };
  // One budget for all: a spawner never grants a child more than it holds itself.
  a.budget = { ...(all[0]?.budget as NonNullable<AgentDecl['budget']>) };
  if (a.retry !== undefined) a.retry = pick(names.retries, a.retry) as string;
  if (a.retry === undefined) delete a.retry;
  if (a.supervisor !== undefined) a.supervisor = pick(names.supervisors, a.supervisor) as string;
  if (a.supervisor === undefined) delete a.supervisor;
}

function resolveTask(t: TaskDecl, agents: AgentDecl[], names: Names): void {
  t.owner = pick(names.agents, t.owner) as string;
  if (t.inputs !== undefined) t.inputs = [...new Set(t.inputs.map((n) => pick(names.artifacts, n) as string))];
  if (t.produces !== undefined) t.produces = [...new Set(t.produces.map((n) => pick(names.artifacts, n) as string))];
  const ownerLineage = lineage(agents, agents.findIndex((a) => a.name === t.owner));
  const others = agents.filter((_, i) => lineage(agents, i) !== ownerLineage).map((a) => a.name);
  const verifier = t.verify?.agent === undefined ? undefined : pick(others, t.verify.agent);
  const tool = t.verify === undefined ? undefined : pick(names.tools, t.verify.tool ?? t.verify.agent ?? '');
  if (verifier !== undefined) t.verify = { agent: verifier };
  else if (tool !== undefined) t.verify = { tool: tool.name, args: toolArgs(tool) };
  else delete t.verify;
  if (t.retry !== undefined) t.retry = pick(names.retries, t.retry) as string;
  if (t.retry === undefined) delete t.retry;
}

function resolveDeclarations(w: Workflow): Names {
  w.models = uniqueNames(w.models) ?? [{ name: 'default', id: 'model-id' }];
  for (const m of w.models) {
    if (m.maxTokens !== undefined) m.maxTokens = positive(m.maxTokens, 4096);
    if (m.context !== undefined) m.context = positive(m.context, 32_768);
    if (m.temperature !== undefined) m.temperature = Math.abs(m.temperature) % 2;
  }
  w.agents = uniqueNames(w.agents) ?? [{ name: 'worker-1', role: 'worker' }];
  w.artifacts = uniqueNames(w.artifacts) ?? [{ name: 'result' }];
  for (const key of ['tools', 'tasks', 'supervisors', 'retries'] as const) uniqueNames<{ name: string }>(w[key]);
  const names: Names = {
    models: w.models.map((m) => m.name),
    tools: w.tools ?? [],
    artifacts: w.artifacts.map((a) => a.name),
    agents: w.agents.map((a) => a.name),
    tasks: w.tasks ?? [],
    supervisors: (w.supervisors ?? []).map((s) => s.name),
    retries: (w.retries ?? []).map((r) => r.name),
  };
  for (const t of names.tools) resolveTool(t);
  for (const a of w.artifacts) {
    if (a.schemaFile !== undefined) a.schemaFile = `schemas/${a.name}.json`;
    else if (a.schema !== undefined) a.schema = { type: 'object' };
  }
  const first = w.agents[0] as AgentDecl;
  first.budget = { turns: positive(first.budget?.turns, 8, 50), tokens: positive(first.budget?.tokens, 20_000), time: positive(first.budget?.time, 300_000) };
  w.agents.forEach((a, i, all) => resolveAgent(a, i, all, names));
  for (const t of names.tasks) resolveTask(t, w.agents, names);
  for (const s of w.supervisors ?? []) {
    if (s.intensity !== undefined) s.intensity = positive(s.intensity, 3, 10);
    if (s.period !== undefined) s.period = positive(s.period, 60_000);
  }
  for (const r of w.retries ?? []) {
    r.attempts = positive(r.attempts, 3, 10);
    if (r.backoff !== undefined) r.backoff = positive(r.backoff, 1000);
    if (r.factor !== undefined) r.factor = positive(r.factor, 2, 4);
    if (r.maxBackoff !== undefined) r.maxBackoff = Math.max(r.backoff ?? 1, positive(r.maxBackoff, 10_000));
  }
  return names;
}

function newCtx(names: Names, inAgent: boolean): Ctx {
  return { names, inAgent, scopes: [], inParallel: false, writes: 0 };
}

/** A well-formed copy of a random workflow (the input is left untouched). */
export function resolveNames(ast: Workflow): Workflow {
  const w = structuredClone(ast);
  const names = resolveDeclarations(w);
  for (const a of w.agents ?? []) if (a.program !== undefined) a.program = block(a.program, newCtx(names, true));
  if (w.main.supervisor !== undefined) w.main.supervisor = pick(names.supervisors, w.main.supervisor) as string;
  if (w.main.supervisor === undefined) delete w.main.supervisor;
  w.main.body = block(w.main.body, newCtx(names, false));
  return w;
}
