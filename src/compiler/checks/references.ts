// unknown-agent, unknown-task, unknown-tool, unknown-model, unknown-artifact,
// unknown-supervisor, unknown-retry: every name a declaration or statement refers to must be declared.
import type { AgentDecl, TaskDecl } from '../../generated/workflow.js';
import type { Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { ReferenceChecker } from './unknown.js';
import { visitsOf, type StatementVisit } from './visits.js';

function agentReferences(refs: ReferenceChecker, agent: AgentDecl, at: string): void {
  refs.check('agents', agent.extends, `${at}/extends`);
  refs.check('models', agent.model, `${at}/model`);
  refs.checkAll('tools', agent.tools, `${at}/tools`);
  refs.check('retries', agent.retry, `${at}/retry`);
  refs.check('supervisors', agent.supervisor, `${at}/supervisor`);
  refs.checkAll('agents', agent.caps?.spawn, `${at}/caps/spawn`);
  refs.checkAll('agents', agent.caps?.send, `${at}/caps/send`);
  refs.checkAll('tools', agent.caps?.tools, `${at}/caps/tools`);
}

function taskReferences(refs: ReferenceChecker, task: TaskDecl, at: string): void {
  refs.check('agents', task.owner, `${at}/owner`);
  refs.checkAll('artifacts', task.inputs, `${at}/inputs`);
  refs.checkAll('artifacts', task.produces, `${at}/produces`);
  refs.check('agents', task.verify?.agent, `${at}/verify/agent`);
  refs.check('tools', task.verify?.tool, `${at}/verify/tool`);
  refs.check('retries', task.retry, `${at}/retry`);
}

function statementReferences(refs: ReferenceChecker, visit: StatementVisit): void {
  const stmt = visit.stmt;
  const at = (field: string) => () => `${visit.pointer}/${field}`;
  switch (stmt.kind) {
    case 'spawn':
    case 'call':
      refs.check('agents', stmt.agent, at('agent'));
      refs.check('tasks', stmt.task, at('task'));
      return;
    case 'ask':
      refs.check('artifacts', stmt.returns, at('returns'));
      return;
    case 'attach':
      refs.check('artifacts', stmt.artifact, at('artifact'));
      return;
    case 'exec':
      refs.check('tools', stmt.tool, at('tool'));
      return;
    case 'verify':
      refs.check('tasks', stmt.task, at('task'));
      return;
    default:
      return;
  }
}

export function checkReferences(ctx: CheckContext): Diagnostic[] {
  const refs = new ReferenceChecker(ctx.symbols);
  ctx.ast.agents?.forEach((agent, i) => agentReferences(refs, agent, join('', 'agents', i)));
  ctx.ast.tasks?.forEach((task, i) => taskReferences(refs, task, join('', 'tasks', i)));
  refs.check('supervisors', ctx.ast.main.supervisor, '/main/supervisor');
  for (const visit of visitsOf(ctx.walk, 'spawn', 'call', 'ask', 'attach', 'exec', 'verify')) statementReferences(refs, visit);
  return refs.diagnostics;
}
