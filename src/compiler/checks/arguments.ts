// placeholder-unbound and placeholder-type at the call site: an exec statement (or a task's
// verify by tool) gives a value for every param of the tool and nothing else, and each literal
// value fits its param: an integer for int, one of the values for enum, a string not starting
// with "-" for string, an absolute normalised path inside the param's mount for path. Variables
// are only known at run time, where the kernel checks them against the same types.
import type { Expr, NamedArg, ToolDecl, ToolParam } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { suggestionHints } from './unknown.js';
import { isInside, pathProblem } from './vpath.js';
import { visitsOf } from './visits.js';

const NODE_NOUN: Readonly<Record<string, string>> = { list: 'a list', object: 'an object', cmp: 'a comparison', and: 'a condition', or: 'a condition', not: 'a condition' };

function show(value: string | number | boolean | null): string {
  return JSON.stringify(value);
}

function pathValueProblem(param: ToolParam, value: string): string | undefined {
  const issue = pathProblem(value);
  if (issue) return `path ${show(value)} ${issue}`;
  if (param.mount !== undefined && !isInside(value, param.mount)) return `path ${show(value)} is not inside the param's mount "${param.mount}"`;
  return undefined;
}

/** Why a literal value does not fit param; undefined when it fits or is only known at run time. */
export function valueProblem(param: ToolParam, value: Expr): string | undefined {
  if (value !== null && typeof value === 'object') {
    const article = param.type === 'int' || param.type === 'enum' ? 'an' : 'a';
    return value.kind === 'ref' ? undefined : `param "${param.name}" takes ${article} ${param.type}, not ${NODE_NOUN[value.kind]}`;
  }
  switch (param.type) {
    case 'int':
      return Number.isSafeInteger(value) ? undefined : `int param "${param.name}" is given ${show(value)}, which is not an integer`;
    case 'enum':
      if (typeof value === 'string' && (param.values ?? []).includes(value)) return undefined;
      return `enum param "${param.name}" is given ${show(value)}, which is not one of ${(param.values ?? []).map((v) => show(v)).join(', ')}`;
    case 'string':
      if (typeof value !== 'string') return `string param "${param.name}" is given ${show(value)}, which is not a string`;
      return value.startsWith('-') ? `string param "${param.name}" is given ${show(value)}, which starts with "-" and would be read as an option` : undefined;
    case 'path':
      return typeof value === 'string' ? pathValueProblem(param, value) : `path param "${param.name}" is given ${show(value)}, which is not a string`;
  }
}

interface ToolInfo {
  readonly tool: ToolDecl;
  /** The first param of each name. */
  readonly params: ReadonlyMap<string, ToolParam>;
  /** The pointer of each param's name, for suggestions. */
  readonly paramNames: ReadonlyMap<string, { pointer: string }>;
}

function toolInfo(tool: ToolDecl, at: string): ToolInfo {
  const params = new Map<string, ToolParam>();
  const paramNames = new Map<string, { pointer: string }>();
  tool.params?.forEach((p, j) => {
    if (params.has(p.name)) return;
    params.set(p.name, p);
    paramNames.set(p.name, { pointer: join(at, 'params', j, 'name') });
  });
  return { tool, params, paramNames };
}

/** Checks the arguments given to a tool; base is the pointer holding `tool` and `args`, computed only to report. */
function checkArgs(info: ToolInfo, base: () => string, args: readonly NamedArg[], out: Diagnostic[]): void {
  const { tool, params } = info;
  args.forEach((arg, k) => {
    const param = params.get(arg.name);
    if (!param) {
      const message = `tool "${tool.name}" has no param "${arg.name}"`;
      out.push(diagnostic('placeholder-unbound', { pointer: `${base()}/args/${k}/name`, message, hints: suggestionHints(arg.name, info.paramNames), params: { name: arg.name } }));
      return;
    }
    const problem = valueProblem(param, arg.value);
    if (problem) out.push(diagnostic('placeholder-type', { pointer: `${base()}/args/${k}/value`, message: problem, params: { name: arg.name } }));
  });
  // A tool has a handful of params, so a scan per param is cheaper than a set per call.
  for (const name of params.keys()) {
    if (!args.some((a) => a.name === name)) {
      out.push(diagnostic('placeholder-unbound', { pointer: `${base()}/tool`, message: `tool "${tool.name}" needs a value for param "${name}"`, params: { name } }));
    }
  }
}

export function checkArguments(ctx: CheckContext): Diagnostic[] {
  const tools = ctx.ast.tools ?? [];
  const infos = new Array<ToolInfo | undefined>(tools.length);
  const toolNamed = (name: string | undefined): ToolInfo | undefined => {
    const entry = name === undefined ? undefined : ctx.symbols.byKind.tools.get(name);
    if (!entry) return undefined;
    return (infos[entry.index] ??= toolInfo(tools[entry.index] as ToolDecl, join('', 'tools', entry.index)));
  };
  const out: Diagnostic[] = [];
  ctx.ast.tasks?.forEach((task, i) => {
    const info = toolNamed(task.verify?.tool);
    const at = join('', 'tasks', i, 'verify');
    if (info) checkArgs(info, () => at, task.verify?.args ?? [], out);
  });
  for (const visit of visitsOf(ctx.walk, 'exec')) {
    const stmt = visit.stmt;
    if (stmt.kind !== 'exec') continue;
    const info = toolNamed(stmt.tool);
    if (info) checkArgs(info, () => visit.pointer, stmt.args ?? [], out);
  }
  return out;
}
