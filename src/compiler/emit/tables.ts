// Declarations without code to their bytecode tables: models, artifacts, tasks, supervisors
// and retry policies, with names resolved to indices and schema files inlined as constants.
import type { ModelDecl, RetryDecl, SupervisorDecl, TaskDecl, Verification, Workflow } from '../../generated/workflow.js';
import type { ArtifactEntry, JsonValue, ModelEntry, RetryEntry, SupervisorEntry, TaskEntry, VerifyEntry } from '../../bytecode/format.js';
import { includedSchema, type Includes } from '../includes.js';
import { NONE, type EmitContext } from './context.js';
import { NOT_CONSTANT } from './fold.js';

// Entries are built field by field in a fixed order (absent optional fields left out), so the
// AST's key order never reaches the code.

function modelEntry(model: ModelDecl): ModelEntry {
  const entry: ModelEntry = { name: model.name, id: model.id };
  if (model.temperature !== undefined) entry.temperature = model.temperature;
  if (model.maxTokens !== undefined) entry.maxTokens = model.maxTokens;
  if (model.context !== undefined) entry.context = model.context;
  return entry;
}

function supervisorEntry(supervisor: SupervisorDecl): SupervisorEntry {
  const entry: SupervisorEntry = { name: supervisor.name, strategy: supervisor.strategy };
  if (supervisor.restart !== undefined) entry.restart = supervisor.restart;
  if (supervisor.intensity !== undefined) entry.intensity = supervisor.intensity;
  if (supervisor.period !== undefined) entry.period = supervisor.period;
  return entry;
}

function retryEntry(retry: RetryDecl): RetryEntry {
  const entry: RetryEntry = { name: retry.name, attempts: retry.attempts, on: retry.on ?? [] };
  if (retry.backoff !== undefined) entry.backoff = retry.backoff;
  if (retry.factor !== undefined) entry.factor = retry.factor;
  if (retry.maxBackoff !== undefined) entry.maxBackoff = retry.maxBackoff;
  return entry;
}

export function modelTable(ast: Workflow): ModelEntry[] {
  return (ast.models ?? []).map(modelEntry);
}

export function supervisorTable(ast: Workflow): SupervisorEntry[] {
  return (ast.supervisors ?? []).map(supervisorEntry);
}

export function retryTable(ast: Workflow): RetryEntry[] {
  return (ast.retries ?? []).map(retryEntry);
}

export function artifactTable(ast: Workflow, includes: Includes, cx: EmitContext): ArtifactEntry[] {
  return (ast.artifacts ?? []).map((a) => {
    const schema = a.schema ?? (a.schemaFile === undefined ? undefined : (includedSchema(includes, a.schemaFile) as JsonValue | undefined));
    return { name: a.name, schema: schema === undefined ? NONE : cx.pool.add(schema) };
  });
}

/** Tool verification arguments are a constant object; a declaration has no variables in scope. */
function verifyEntry(verify: Verification, cx: EmitContext): VerifyEntry | undefined {
  const agent = cx.names.of('agents', verify.agent);
  if (agent !== NONE) return { agent };
  const tool = cx.names.of('tools', verify.tool);
  if (tool === NONE) return undefined;
  const args = Object.fromEntries(
    (verify.args ?? []).map((a) => {
      const value = cx.folder.fold(a.value);
      return [a.name, value === NOT_CONSTANT ? null : value];
    }),
  );
  return { tool, args: cx.pool.add(args) };
}

function taskEntry(task: TaskDecl, cx: EmitContext): TaskEntry {
  const entry: TaskEntry = {
    name: task.name,
    owner: cx.names.of('agents', task.owner),
    inputs: cx.names.all('artifacts', task.inputs ?? []),
    produces: cx.names.all('artifacts', task.produces ?? []),
    retry: cx.names.of('retries', task.retry),
  };
  if (task.description !== undefined) entry.description = task.description;
  const verify = task.verify && verifyEntry(task.verify, cx);
  if (verify) entry.verify = verify;
  return entry;
}

export function taskTable(ast: Workflow, cx: EmitContext): TaskEntry[] {
  return (ast.tasks ?? []).map((t) => taskEntry(t, cx));
}
