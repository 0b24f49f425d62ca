// Declaration CST → AST for models, tools, artifacts, tasks, supervisors and retry policies
// (agents have their own file). Each ORDER lists the schema's property order for its kind.
import { tokenMatcher, type IToken } from 'chevrotain';
import type { ArgvItem, ArtifactDecl, ModelDecl, RetryDecl, SupervisorDecl, TaskDecl, ToolDecl, ToolParam, Verification } from '../../generated/workflow.js';
import { namedArgs } from './args.js';
import type { AstBuilder } from './builder.js';
import type {
  ArgvListCstNode, ArtifactDeclCstNode, ModelDeclCstNode, RetryDeclCstNode, SupervisorDeclCstNode,
  TaskDeclCstNode, TaskPropCstNode, ToolDeclCstNode, ToolPropCstNode,
} from './cst.generated.js';
import { jsonObject } from './json-value.js';
import { Properties, readList, type Key, type PropSpecs } from './properties.js';
import { StringLiteral } from './tokens.js';

export const MODEL_ORDER: readonly Key<ModelDecl>[] = ['name', 'id', 'temperature', 'maxTokens', 'context'];
const MODEL_PROPS: PropSpecs<ModelDecl> = {
  id: { key: 'id', kind: 'string' },
  temperature: { key: 'temperature', kind: 'number' },
  max_tokens: { key: 'maxTokens', kind: 'integer' },
  context: { key: 'context', kind: 'integer' },
};

export function modelDecl(b: AstBuilder, node: ModelDeclCstNode, pointer: string): ModelDecl {
  const props = new Properties<ModelDecl>(b, pointer);
  props.name(node.children.Model?.[0], node.children.name?.[0]);
  props.readAll(node.children.props, MODEL_PROPS);
  b.at(pointer, node);
  return props.ordered(MODEL_ORDER);
}

export const TOOL_ORDER: readonly Key<ToolDecl>[] = ['name', 'description', 'argv', 'params', 'timeout', 'outputCap', 'env', 'cwd', 'idempotent'];
const TOOL_PROPS: PropSpecs<ToolDecl> = {
  description: { key: 'description', kind: 'string' },
  timeout: { key: 'timeout', kind: 'integer' },
  output_cap: { key: 'outputCap', kind: 'integer' },
  env: { key: 'env', kind: 'strings' },
  cwd: { key: 'cwd', kind: 'string' },
  idempotent: { key: 'idempotent', kind: 'boolean' },
};

export function toolDecl(b: AstBuilder, node: ToolDeclCstNode, pointer: string): ToolDecl {
  const props = new Properties<ToolDecl>(b, pointer);
  props.name(node.children.Tool?.[0], node.children.name?.[0]);
  for (const prop of node.children.props ?? []) {
    const c = prop.children;
    const keyword = c.key?.[0];
    if (keyword?.image === 'param') {
      const params = props.list('params', keyword);
      params.push(toolParam(b, prop, `${pointer}/params/${params.length}`));
    } else if (!props.simple(c, TOOL_PROPS)) {
      const at = props.claim('argv', keyword);
      const list = c.list?.[0];
      if (at !== undefined && list) props.set('argv', argv(b, list as ArgvListCstNode, at));
    }
  }
  b.at(pointer, node);
  return props.ordered(TOOL_ORDER);
}

/** `["git", $file]`: strings stay strings, `$name` becomes {"param": name}. */
function argv(b: AstBuilder, node: ArgvListCstNode, pointer: string): ArgvItem[] {
  b.at(pointer, node);
  const items = node.children.items ?? [];
  const out: ArgvItem[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as IToken;
    const at = `${pointer}/${i}`;
    if (tokenMatcher(item, StringLiteral)) {
      out.push(b.string(item, at));
    } else {
      b.at(at, item);
      out.push({ param: b.name(item, `${at}/param`) });
    }
  }
  return out;
}

/** `param ...`, from the toolProp node it is part of. */
function toolParam(b: AstBuilder, node: ToolPropCstNode, pointer: string): ToolParam {
  const c = node.children;
  b.at(pointer, node);
  const param: ToolParam = { name: b.name(c.name?.[0], `${pointer}/name`), type: b.name(c.type?.[0], `${pointer}/type`) as ToolParam['type'] };
  const values = readList(b, 'strings', c.list?.[0], `${pointer}/values`);
  if (values) param.values = values;
  const mount = c.mount?.[0];
  if (mount) param.mount = b.string(mount, b.keyAt(`${pointer}/mount`, c.In?.[0]));
  return param;
}

export function artifactDecl(b: AstBuilder, node: ArtifactDeclCstNode, pointer: string): ArtifactDecl {
  const c = node.children;
  const decl: ArtifactDecl = { name: b.name(c.name?.[0], b.keyAt(`${pointer}/name`, c.Artifact?.[0])) };
  const schema = c.schema?.[0];
  if (schema) decl.schema = jsonObject(b, schema, b.keyAt(`${pointer}/schema`, c.key?.[0]));
  const file = c.value?.[0];
  if (file) decl.schemaFile = b.string(file, b.keyAt(`${pointer}/schemaFile`, c.key?.[0]));
  b.at(pointer, node);
  return decl;
}

export const TASK_ORDER: readonly Key<TaskDecl>[] = ['name', 'owner', 'description', 'inputs', 'produces', 'verify', 'retry'];
const TASK_PROPS: PropSpecs<TaskDecl> = {
  owner: { key: 'owner', kind: 'name' },
  description: { key: 'description', kind: 'string' },
  inputs: { key: 'inputs', kind: 'names' },
  produces: { key: 'produces', kind: 'names' },
  retry: { key: 'retry', kind: 'name' },
};

export function taskDecl(b: AstBuilder, node: TaskDeclCstNode, pointer: string): TaskDecl {
  const props = new Properties<TaskDecl>(b, pointer);
  props.name(node.children.Task?.[0], node.children.name?.[0]);
  // The declaration's brace is the first nesting level: it cannot pass the limit.
  b.enter(node.children.LCurly?.[0]);
  for (const prop of node.children.props ?? []) {
    if (props.simple(prop.children, TASK_PROPS)) continue;
    const at = props.claim('verify', prop.children.key?.[0]);
    if (at !== undefined) props.set('verify', verification(b, prop, at));
  }
  b.leave();
  b.at(pointer, node);
  return props.ordered(TASK_ORDER);
}

/** `verify by agent X` → {agent: X}; `verify by tool T {a: 1}` → {tool: T, args: [...]}. */
function verification(b: AstBuilder, node: TaskPropCstNode, pointer: string): Verification {
  const c = node.children;
  b.at(pointer, node);
  const by = c.by?.[0];
  const name = c.value?.[0];
  if (by?.image === 'agent') return { agent: b.name(name, b.keyAt(`${pointer}/agent`, by)) };
  const v: Verification = { tool: b.name(name, b.keyAt(`${pointer}/tool`, by)) };
  const args = c.args?.[0];
  if (args) v.args = namedArgs(b, args, `${pointer}/args`);
  return v;
}

export const SUPERVISOR_ORDER: readonly Key<SupervisorDecl>[] = ['name', 'strategy', 'restart', 'intensity', 'period'];
const SUPERVISOR_PROPS: PropSpecs<SupervisorDecl> = {
  strategy: { key: 'strategy', kind: 'name' },
  restart: { key: 'restart', kind: 'name' },
  intensity: { key: 'intensity', kind: 'integer' },
  period: { key: 'period', kind: 'integer' },
};

export function supervisorDecl(b: AstBuilder, node: SupervisorDeclCstNode, pointer: string): SupervisorDecl {
  const props = new Properties<SupervisorDecl>(b, pointer);
  props.name(node.children.Supervisor?.[0], node.children.name?.[0]);
  props.readAll(node.children.props, SUPERVISOR_PROPS);
  b.at(pointer, node);
  return props.ordered(SUPERVISOR_ORDER);
}

export const RETRY_ORDER: readonly Key<RetryDecl>[] = ['name', 'attempts', 'backoff', 'factor', 'maxBackoff', 'on'];
const RETRY_PROPS: PropSpecs<RetryDecl> = {
  attempts: { key: 'attempts', kind: 'integer' },
  backoff: { key: 'backoff', kind: 'integer' },
  factor: { key: 'factor', kind: 'integer' },
  max_backoff: { key: 'maxBackoff', kind: 'integer' },
  on: { key: 'on', kind: 'names' },
};

export function retryDecl(b: AstBuilder, node: RetryDeclCstNode, pointer: string): RetryDecl {
  const props = new Properties<RetryDecl>(b, pointer);
  props.name(node.children.Retry?.[0], node.children.name?.[0]);
  props.readAll(node.children.props, RETRY_PROPS);
  b.at(pointer, node);
  return props.ordered(RETRY_ORDER);
}
