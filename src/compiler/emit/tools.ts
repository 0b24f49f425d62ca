// Tool declarations to the tool table. Each tool's arguments get a JSON Schema, built from its
// typed parameters and inlined as a constant, which the kernel validates every call against.
import type { ToolDecl, ToolParam, Workflow } from '../../generated/workflow.js';
import type { ArgvEntry, JsonValue, ToolEntry, ToolParamEntry } from '../../bytecode/format.js';
import type { EmitContext } from './context.js';

function paramSchema(param: ToolParam): JsonValue {
  switch (param.type) {
    case 'path':
      return { type: 'string', minLength: 1 };
    case 'enum':
      return { type: 'string', enum: param.values ?? [] };
    case 'int':
      return { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
    case 'string':
      // Text that cannot be mistaken for an option.
      return { type: 'string', pattern: '^(?!-)' };
  }
}

/** Every parameter is required; none other is allowed. */
export function argsSchema(params: readonly ToolParam[]): JsonValue {
  const names = [...new Set(params.map((p) => p.name))];
  return {
    type: 'object',
    additionalProperties: false,
    required: names,
    properties: Object.fromEntries(params.map((p) => [p.name, paramSchema(p)])),
  };
}

function paramEntry(param: ToolParam): ToolParamEntry {
  const entry: ToolParamEntry = { name: param.name, type: param.type };
  if (param.values !== undefined) entry.values = param.values;
  if (param.mount !== undefined) entry.mount = param.mount;
  return entry;
}

function toolEntry(tool: ToolDecl, cx: EmitContext): ToolEntry {
  const params = tool.params ?? [];
  const argv: ArgvEntry[] = tool.argv.map((item) => (typeof item === 'string' ? item : { param: params.findIndex((p) => p.name === item.param) }));
  const entry: ToolEntry = { name: tool.name, argv, params: params.map(paramEntry), env: tool.env ?? [], argsSchema: cx.pool.add(argsSchema(params)) };
  if (tool.description !== undefined) entry.description = tool.description;
  if (tool.timeout !== undefined) entry.timeout = tool.timeout;
  if (tool.outputCap !== undefined) entry.outputCap = tool.outputCap;
  if (tool.cwd !== undefined) entry.cwd = tool.cwd;
  // Only when false, so the bytecode of every tool that may run again is unchanged.
  if (tool.idempotent === false) entry.idempotent = false;
  return entry;
}

export function toolTable(ast: Workflow, cx: EmitContext): ToolEntry[] {
  return (ast.tools ?? []).map((t) => toolEntry(t, cx));
}
