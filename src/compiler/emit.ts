// The emitter: a checked AST to bytecode. Declarations become tables, `main`, each structured
// agent's program and each parallel branch become procedures of stack code (emit/), and the
// code hash covers `code` only, so the source positions in `debug` never change it.
import type { Workflow } from '../generated/workflow.js';
import { BYTECODE_FORMAT, BYTECODE_VERSION, PROGRAM_PARAMS, MAIN_PROCEDURE, type Bytecode, type Code } from '../bytecode/format.js';
import { codeHash } from '../bytecode/hash.js';
import type { Includes } from './includes.js';
import type { SourceMap } from './source-map.js';
import { ConstantPool } from './emit/constants.js';
import { createPositions, NONE, type EmitContext } from './emit/context.js';
import { ProcedureTable } from './emit/procedure-table.js';
import { Folder } from './emit/fold.js';
import { NameIndex } from './emit/names.js';
import { ProcedureBuilder } from './emit/procedure.js';
import { lowerBody } from './emit/statements.js';
import { agentTable } from './emit/agents.js';
import { toolTable } from './emit/tools.js';
import { artifactTable, modelTable, retryTable, supervisorTable, taskTable } from './emit/tables.js';

export interface EmitInput {
  includes: Includes;
  map: SourceMap;
}

function lowerMain(ast: Workflow, cx: EmitContext, index: number): void {
  const proc = new ProcedureBuilder(MAIN_PROCEDURE, 'main');
  proc.declareParams(PROGRAM_PARAMS);
  lowerBody({ cx, proc, here: cx.position(ast.main.body) }, ast.main.body);
  cx.procedures.fill(index, proc);
}

function lowerAgentPrograms(ast: Workflow, cx: EmitContext, programs: readonly number[]): void {
  ast.agents?.forEach((agent, i) => {
    const index = programs[i] as number;
    if (!agent.program || index === NONE) return;
    const proc = new ProcedureBuilder(agent.name, 'agent');
    proc.declareParams(PROGRAM_PARAMS);
    lowerBody({ cx, proc, here: cx.position(agent.program) }, agent.program);
    cx.procedures.fill(index, proc);
  });
}

/** Emits bytecode for an AST that passed every check. Output depends only on its inputs. */
export function emit(ast: Workflow, input: EmitInput): Bytecode {
  const cx: EmitContext = {
    pool: new ConstantPool(),
    names: new NameIndex(ast),
    folder: new Folder(),
    procedures: new ProcedureTable(),
    position: createPositions(input.map),
  };
  // Procedure indices: main first, then the agents' own programs, then branches as found.
  const entry = cx.procedures.reserve();
  const programs = (ast.agents ?? []).map((a) => (a.program ? cx.procedures.reserve() : NONE));
  const models = modelTable(ast);
  const artifacts = artifactTable(ast, input.includes, cx);
  const tools = toolTable(ast, cx);
  const agents = agentTable(ast, input.includes, cx, programs);
  const tasks = taskTable(ast, cx);
  lowerMain(ast, cx, entry);
  lowerAgentPrograms(ast, cx, programs);
  const code: Code = {
    constants: cx.pool.values,
    models,
    tools,
    artifacts,
    agents,
    tasks,
    supervisors: supervisorTable(ast),
    retries: retryTable(ast),
    procedures: cx.procedures.procedures(),
    entry,
    mainSupervisor: cx.names.of('supervisors', ast.main.supervisor),
  };
  return {
    format: BYTECODE_FORMAT,
    version: BYTECODE_VERSION,
    workflow: { name: ast.workflow, version: ast.version },
    codeHash: codeHash(code, cx.pool.texts),
    code,
    debug: { file: input.map.file, procedures: cx.procedures.lines().map((lines) => ({ lines })) },
  };
}
