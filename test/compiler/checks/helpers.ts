// Hand-written ASTs for the check-pass tests: a workflow builder whose defaults are clean, so a
// test adds exactly the problem it is about.
import type { AgentDecl, Statement, Workflow } from '../../../src/generated/workflow.js';
import { runChecks } from '../../../src/compiler/checks/index.js';
import type { Diagnostic } from '../../../src/compiler/diagnostics.js';
import type { RuleId } from '../../../src/compiler/rules.js';

export const BUDGET = { turns: 5, tokens: 1000, time: 60_000 };

/** An agent with a full budget. */
export function agent(name: string, extra: Partial<AgentDecl> = {}): AgentDecl {
  return { name, budget: { ...BUDGET }, ...extra };
}

/** A call with a timeout: uses an agent without raising may-block-forever. */
export function call(agentName: string, extra: Record<string, unknown> = {}): Statement {
  return { kind: 'call', agent: agentName, timeout: 1000, ...extra } as Statement;
}

export type WorkflowParts = Partial<Omit<Workflow, 'main'>> & { main?: Statement[]; supervisor?: string };

export function workflow(parts: WorkflowParts = {}): Workflow {
  const { main, supervisor, ...decls } = parts;
  const ast: Workflow = { workflow: 'test', version: '1', ...decls, main: { body: main ?? [] } };
  if (supervisor !== undefined) ast.main.supervisor = supervisor;
  return ast;
}

export function diagnose(ast: Workflow, includes: ReadonlyMap<string, string> = new Map()): Diagnostic[] {
  return runChecks(ast, includes);
}

/** The diagnostics of one rule, reduced to what the tests assert. */
export function found(ast: Workflow, rule: RuleId, includes?: ReadonlyMap<string, string>): { severity: string; pointer: string; message: string; hints: { message: string; pointer?: string }[] }[] {
  return diagnose(ast, includes)
    .filter((d) => d.rule === rule)
    .map((d) => ({ severity: d.severity, pointer: d.pointer, message: d.message, hints: d.hints }));
}

/** A short summary of every diagnostic ("rule pointer"), for asserting a variant is clean. */
export function summary(ast: Workflow, includes?: ReadonlyMap<string, string>): string[] {
  return diagnose(ast, includes).map((d) => `${d.rule} ${d.pointer}`);
}
