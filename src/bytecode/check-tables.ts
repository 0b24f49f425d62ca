// Structural checks of the tables of `code` that JSON Schema cannot express: every index a
// table entry holds points into the table it names.
import type { AgentEntry, Bytecode, Code, TaskEntry, ToolEntry } from './format.js';

type Table = 'constants' | 'models' | 'tools' | 'artifacts' | 'agents' | 'tasks' | 'supervisors' | 'retries' | 'procedures';

class IndexChecker {
  readonly problems: string[] = [];

  constructor(private readonly code: Code) {}

  check(where: string, value: number, table: Table, optional = false): void {
    const length = this.code[table].length;
    if (value >= length || value < (optional ? -1 : 0)) this.problems.push(`${where}: index ${value} is not in ${table} (length ${length})`);
  }

  checkAll(where: string, values: readonly number[] | undefined, table: Table): void {
    values?.forEach((v, i) => this.check(`${where}[${i}]`, v, table));
  }
}

function checkTool(c: IndexChecker, tool: ToolEntry, where: string): void {
  c.check(`${where}.argsSchema`, tool.argsSchema, 'constants');
  tool.argv.forEach((item, i) => {
    if (typeof item !== 'string' && (item.param < 0 || item.param >= tool.params.length)) {
      c.problems.push(`${where}.argv[${i}]: parameter ${item.param} is not declared`);
    }
  });
}

function checkAgent(c: IndexChecker, agent: AgentEntry, where: string, code: Code): void {
  c.check(`${where}.model`, agent.model, 'models', true);
  c.check(`${where}.prompt`, agent.prompt, 'constants', true);
  c.checkAll(`${where}.tools`, agent.tools, 'tools');
  c.checkAll(`${where}.caps.spawn`, agent.caps.spawn, 'agents');
  c.checkAll(`${where}.caps.send`, agent.caps.send, 'agents');
  c.checkAll(`${where}.caps.tools`, agent.caps.tools, 'tools');
  c.check(`${where}.retry`, agent.retry, 'retries', true);
  c.check(`${where}.supervisor`, agent.supervisor, 'supervisors', true);
  c.check(`${where}.procedure`, agent.procedure, 'procedures', true);
  const procedure = code.procedures[agent.procedure];
  if (procedure && procedure.kind !== 'agent') c.problems.push(`${where}.procedure: procedure ${agent.procedure} is a ${procedure.kind}, not an agent program`);
}

function checkTask(c: IndexChecker, task: TaskEntry, where: string): void {
  c.check(`${where}.owner`, task.owner, 'agents', true);
  c.checkAll(`${where}.inputs`, task.inputs, 'artifacts');
  c.checkAll(`${where}.produces`, task.produces, 'artifacts');
  c.check(`${where}.retry`, task.retry, 'retries', true);
  const verify = task.verify;
  if (verify && 'agent' in verify) c.check(`${where}.verify.agent`, verify.agent, 'agents');
  if (verify && 'tool' in verify) {
    c.check(`${where}.verify.tool`, verify.tool, 'tools');
    c.check(`${where}.verify.args`, verify.args, 'constants');
  }
}

function checkDebug(c: IndexChecker, bytecode: Bytecode): void {
  const { code, debug } = bytecode;
  if (debug.procedures.length !== code.procedures.length) {
    c.problems.push(`debug: ${debug.procedures.length} procedures, but code has ${code.procedures.length}`);
    return;
  }
  debug.procedures.forEach((p, i) => {
    const length = code.procedures[i]?.code.length ?? 0;
    if (p.lines.length !== length) c.problems.push(`debug.procedures[${i}]: ${p.lines.length} source positions for ${length} instructions`);
  });
}

/** Problems with the tables, the entry point and the debug section's shape. */
export function tableProblems(bytecode: Bytecode): string[] {
  const code = bytecode.code;
  const c = new IndexChecker(code);
  code.tools.forEach((t, i) => checkTool(c, t, `tools[${i}]`));
  code.artifacts.forEach((a, i) => c.check(`artifacts[${i}].schema`, a.schema, 'constants', true));
  code.agents.forEach((a, i) => checkAgent(c, a, `agents[${i}]`, code));
  code.tasks.forEach((t, i) => checkTask(c, t, `tasks[${i}]`));
  c.check('entry', code.entry, 'procedures');
  if (code.procedures[code.entry] && code.procedures[code.entry]?.kind !== 'main') c.problems.push(`entry: procedure ${code.entry} is not main`);
  c.check('mainSupervisor', code.mainSupervisor, 'supervisors', true);
  checkDebug(c, bytecode);
  return c.problems;
}
