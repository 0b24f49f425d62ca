// unused-agent, unused-tool, unused-task (warnings): a declaration nothing refers to. An agent is
// used when spawned, called, granted in caps.spawn, extended or named as a verifier; a tool when
// granted, executed or used to verify; a task when assigned by spawn/call or verified by a
// `verify` statement.
import type { Workflow } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { RuleId } from '../rules.js';
import type { CheckContext } from './context.js';
import type { DeclEntry } from './symbols.js';
import { visitsOf } from './visits.js';

interface Used {
  readonly agents: Set<string>;
  readonly tools: Set<string>;
  readonly tasks: Set<string>;
}

function declarationUses(ast: Workflow, used: Used): void {
  const add = (set: Set<string>, names: readonly string[] | undefined) => names?.forEach((n) => set.add(n));
  for (const agent of ast.agents ?? []) {
    if (agent.extends !== undefined) used.agents.add(agent.extends);
    add(used.agents, agent.caps?.spawn);
    add(used.tools, agent.tools);
    add(used.tools, agent.caps?.tools);
  }
  for (const task of ast.tasks ?? []) {
    if (task.verify?.agent !== undefined) used.agents.add(task.verify.agent);
    if (task.verify?.tool !== undefined) used.tools.add(task.verify.tool);
  }
}

function unused(entries: ReadonlyMap<string, DeclEntry>, used: ReadonlySet<string>, rule: RuleId, message: (name: string) => string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of entries.values()) {
    if (!used.has(entry.name)) out.push(diagnostic(rule, { pointer: entry.pointer, message: message(entry.name), params: { name: entry.name } }));
  }
  return out;
}

export function checkUnused(ctx: CheckContext): Diagnostic[] {
  const used: Used = { agents: new Set(), tools: new Set(), tasks: new Set() };
  declarationUses(ctx.ast, used);
  for (const { stmt } of visitsOf(ctx.walk, 'spawn', 'call', 'exec', 'verify')) {
    if (stmt.kind === 'spawn' || stmt.kind === 'call') {
      used.agents.add(stmt.agent);
      if (stmt.task !== undefined) used.tasks.add(stmt.task);
    } else if (stmt.kind === 'exec') {
      used.tools.add(stmt.tool);
    } else if (stmt.kind === 'verify') {
      used.tasks.add(stmt.task);
    }
  }
  const { agents, tools, tasks } = ctx.symbols.byKind;
  return [
    ...unused(agents, used.agents, 'unused-agent', (n) => `agent "${n}" is never spawned, called, extended or used to verify`),
    ...unused(tools, used.tools, 'unused-tool', (n) => `tool "${n}" is never granted to an agent, executed or used to verify`),
    ...unused(tasks, used.tasks, 'unused-task', (n) => `task "${n}" is never assigned by spawn or call, nor verified`),
  ];
}
