// Prints a workflow AST as DSL source that parses back to the same AST: the inverse of the DSL
// front end, used to show the JSON form as DSL and by the round-trip property tests. It mirrors
// the grammar rule by rule, which is why it is one file somewhat over the usual size.
import type { AgentDecl, ArtifactDecl, Expr, ModelDecl, NamedArg, RetryDecl, Statement, SupervisorDecl, TaskDecl, ToolDecl, ToolParam, Workflow } from '../generated/workflow.js';
import { AosError } from '../bytecode/errors.js';
import { K } from './dsl/tokens.js';

/** An AST the DSL cannot express (for instance a statement with both `let` and `set`); code `dsl-print.inexpressible`. */
export class DslPrintError extends AosError {
  constructor(message: string) {
    super('dsl-print.inexpressible', message);
  }
}

// Output is built from parts on an explicit stack rather than by recursion, so an AST of any
// depth prints without exhausting the call stack.
type Part =
  | string
  | { kind: 'expr'; expr: Expr; level: Level }
  | { kind: 'line'; stmt: Statement; depth: number }
  | { kind: 'stmt'; stmt: Statement; depth: number }
  | { kind: 'block'; body: Statement[]; depth: number }
  | { kind: 'json'; value: unknown };

/** Expression grammar levels, loosest first: a node prints bare where the level allows it, else in parentheses. */
const enum Level {
  Or = 0,
  And = 1,
  Not = 2,
  Cmp = 3,
  Primary = 4,
}

const WORD = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RESERVED: ReadonlySet<string> = new Set(Object.keys(K));

/** A word where the grammar takes any word, keywords included (object keys, fields after a dot). */
function word(text: string): string {
  if (!WORD.test(text)) throw new DslPrintError(`"${text}" is not a name`);
  return text;
}

/** A name where the grammar takes a name: no reserved word. */
function id(text: string): string {
  if (RESERVED.has(word(text))) throw new DslPrintError(`"${text}" is a reserved word of the DSL, so it cannot be a name`);
  return text;
}

function indent(depth: number): string {
  return '  '.repeat(depth);
}

function str(value: string): string {
  return JSON.stringify(value);
}

/** A count or size: digits only (an unsafe value prints as its digits, which the DSL then reports). */
function int(value: number): string {
  if (!Number.isInteger(value)) throw new DslPrintError(`${value} is not an integer`);
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
}

function duration(value: number): string {
  return `${int(value)}ms`;
}

/**
 * A number where any number may go: safe integers as integers, everything else in the decimal
 * form (which needs a fraction: 1e-7 prints as 1.0e-7, 2^53 as 9.007199254740992e+15).
 */
function num(value: number): string {
  if (!Number.isFinite(value)) throw new DslPrintError(`${value} is not a finite number`);
  if (Number.isSafeInteger(value)) return String(Object.is(value, -0) ? 0 : value);
  const text = Number.isInteger(value) ? value.toExponential() : String(value);
  if (text.includes('.')) return text;
  const e = text.indexOf('e');
  return e < 0 ? `${text}.0` : `${text.slice(0, e)}.0${text.slice(e)}`;
}

function names(list: readonly string[]): string {
  return `[${list.map(id).join(', ')}]`;
}

function strings(list: readonly string[]): string {
  return `[${list.map(str).join(', ')}]`;
}

/** Concatenates groups of parts with a separator between groups. */
function joined(groups: Part[][], separator: string): Part[] {
  return groups.flatMap((g, i) => (i === 0 ? g : [separator, ...g]));
}

function exprLevel(expr: Expr): Level {
  if (expr === null || typeof expr !== 'object') return Level.Primary;
  switch (expr.kind) {
    case 'or':
      return Level.Or;
    case 'and':
      return Level.And;
    case 'not':
      return Level.Not;
    case 'cmp':
      return Level.Cmp;
    default:
      return Level.Primary;
  }
}

function e(expr: Expr, level: Level = Level.Or): Part {
  return { kind: 'expr', expr, level };
}

function block(body: Statement[], depth: number): Part {
  return { kind: 'block', body, depth };
}

function args(list: readonly NamedArg[]): Part[] {
  if (list.length === 0) return ['{}'];
  return ['{ ', ...joined(list.map((a) => [`${id(a.name)}: `, e(a.value)]), ', '), ' }'];
}

function expandExpr(expr: Expr, level: Level): Part[] {
  if (exprLevel(expr) < level) return ['(', e(expr), ')'];
  if (expr === null) return ['null'];
  if (typeof expr === 'string') return [str(expr)];
  if (typeof expr === 'number') return [num(expr)];
  if (typeof expr === 'boolean') return [String(expr)];
  switch (expr.kind) {
    case 'ref':
      return [[id(expr.path[0]), ...expr.path.slice(1).map(word)].join('.')];
    case 'list':
      return ['[', ...joined(expr.items.map((item) => [e(item)]), ', '), ']'];
    case 'object':
      if (expr.fields.length === 0) return ['{}'];
      return ['{ ', ...joined(expr.fields.map((f) => [`${WORD.test(f.key) ? f.key : str(f.key)}: `, e(f.value)]), ', '), ' }'];
    case 'cmp':
      return [e(expr.left, Level.Primary), ` ${expr.op} `, e(expr.right, Level.Primary)];
    case 'not':
      return ['not ', e(expr.arg, Level.Not)];
    case 'and':
    case 'or': {
      if (expr.args.length < 2) throw new DslPrintError(`"${expr.kind}" needs at least two arguments`);
      const argLevel = expr.kind === 'and' ? Level.Not : Level.And;
      return joined(expr.args.map((a) => [e(a, argLevel)]), ` ${expr.kind} `);
    }
  }
}

/** `let x = ` or `set x = ` in front of a value statement whose result is kept. */
function target(stmt: { let?: string; set?: string }): string {
  if (stmt.let !== undefined && stmt.set !== undefined) throw new DslPrintError('a statement cannot both `let` and `set` its result');
  if (stmt.let !== undefined) return `let ${id(stmt.let)} = `;
  if (stmt.set !== undefined) return `set ${id(stmt.set)} = `;
  return '';
}

function opt<T>(value: T | undefined, parts: (v: T) => Part[]): Part[] {
  return value === undefined ? [] : parts(value);
}

function ms(keyword: string, value: number | undefined): Part[] {
  return opt(value, (v) => [` ${keyword} ${duration(v)}`]);
}

/** A value statement (one that `let` or `set` may bind), without its target. */
function expandValueStmt(stmt: Statement): Part[] | undefined {
  switch (stmt.kind) {
    case 'spawn':
      return [`spawn ${id(stmt.agent)}`, ...opt(stmt.task, (t) => [` task ${id(t)}`]), ...opt(stmt.input, (v) => [' with ', e(v)])];
    case 'call':
      return [`call ${id(stmt.agent)}`, ...opt(stmt.task, (t) => [` task ${id(t)}`]), ...opt(stmt.input, (v) => [' with ', e(v)]), ...ms('timeout', stmt.timeout)];
    case 'ask':
      return [`ask ${str(stmt.prompt)}`, ...opt(stmt.input, (v) => [' with ', e(v)]), ...opt(stmt.returns, (r) => [` returns ${id(r)}`])];
    case 'exec':
      return [`exec ${id(stmt.tool)}`, ...opt(stmt.args, (a) => [' ', ...args(a)])];
    case 'recv':
      return ['recv', ...opt(stmt.from, (f) => [` from ${id(f)}`]), ...ms('timeout', stmt.timeout)];
    case 'await':
      return [`await ${id(stmt.target)}`, ...ms('timeout', stmt.timeout)];
    case 'acquire':
      return [`acquire ${str(stmt.resource)}`, ...ms('ttl', stmt.ttl), ...ms('timeout', stmt.timeout)];
    case 'attach':
      return [`attach ${id(stmt.artifact)} `, e(stmt.value)];
    case 'read':
      return [`read ${str(stmt.path)}`];
    case 'verify':
      return [`verify ${id(stmt.task)}`, ...opt(stmt.value, (v) => [' with ', e(v)])];
    default:
      return undefined;
  }
}

function expandElse(body: Statement[], depth: number): Part[] {
  const [only] = body;
  if (body.length === 1 && only?.kind === 'if') return [' else ', { kind: 'stmt', stmt: only, depth }];
  return [' else ', block(body, depth)];
}

function expandParallel(branches: { body: Statement[] }[], depth: number): Part[] {
  if (branches.length === 0) throw new DslPrintError('`parallel` needs at least one branch');
  return ['parallel {\n', ...branches.flatMap((b) => [indent(depth + 1), 'branch ', block(b.body, depth + 1), '\n']), indent(depth), '}'];
}

/** Any statement, without indentation or line end. */
function expandStmt(stmt: Statement, depth: number): Part[] {
  const value = expandValueStmt(stmt);
  if (value) return [target(stmt as { let?: string; set?: string }), ...value];
  switch (stmt.kind) {
    case 'let':
    case 'set':
      return [`${stmt.kind} ${id(stmt.name)} = `, e(stmt.value)];
    case 'send':
      return [`send ${id(stmt.to)} `, e(stmt.value)];
    case 'publish':
      return [`publish ${str(stmt.topic)} `, e(stmt.value)];
    case 'subscribe':
      return [`subscribe ${str(stmt.topic)}`];
    case 'signal':
      return [`signal ${id(stmt.target)} ${stmt.op}`];
    case 'renew':
      return [`renew ${id(stmt.lease)}`, ...ms('ttl', stmt.ttl)];
    case 'release':
      return [`release ${id(stmt.lease)}`];
    case 'sleep':
      return [`sleep ${duration(stmt.duration)}`];
    case 'checkpoint':
      return ['checkpoint', ...opt(stmt.value, (v) => [' ', e(v)])];
    case 'write':
      return [`write ${str(stmt.path)} `, e(stmt.value), ...opt(stmt.lease, (l) => [` lease ${id(l)}`])];
    case 'if':
      return ['if ', e(stmt.cond), ' ', block(stmt.then, depth), ...opt(stmt.else, (b) => expandElse(b, depth))];
    case 'parallel':
      return expandParallel(stmt.branches, depth);
    case 'loop':
      return [
        'loop',
        ...opt(stmt.as, (a) => [` ${id(a)}`]),
        ...opt(stmt.max, (m) => [` max ${int(m)}`]),
        ...opt(stmt.until, (u) => [' until ', e(u)]),
        ' ',
        block(stmt.body, depth),
      ];
    case 'exit':
      return ['exit', ...opt(stmt.value, (v) => [' ', e(v)])];
    case 'fail':
      return ['fail ', e(stmt.reason)];
    default:
      throw new DslPrintError(`unknown statement kind "${(stmt as { kind: unknown }).kind}"`);
  }
}

function expandBlock(body: Statement[], depth: number): Part[] {
  if (body.length === 0) return ['{}'];
  return ['{\n', ...body.map((stmt): Part => ({ kind: 'line', stmt, depth: depth + 1 })), indent(depth), '}'];
}

/** A JSON value (an inline artifact schema), with numbers in the DSL's number forms. */
function expandJson(value: unknown): Part[] {
  if (value === null) return ['null'];
  if (typeof value === 'string') return [str(value)];
  if (typeof value === 'number') return [num(value)];
  if (typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return ['[', ...joined(value.map((v: unknown): Part[] => [{ kind: 'json', value: v }]), ', '), ']'];
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 0) return ['{}'];
    return ['{ ', ...joined(keys.map((k): Part[] => [`${str(k)}: `, { kind: 'json', value: record[k] }]), ', '), ' }'];
  }
  throw new DslPrintError(`${typeof value} is not a JSON value`);
}

function expand(part: Exclude<Part, string>): Part[] {
  switch (part.kind) {
    case 'expr':
      return expandExpr(part.expr, part.level);
    case 'line':
      return [indent(part.depth), { kind: 'stmt', stmt: part.stmt, depth: part.depth }, '\n'];
    case 'stmt':
      return expandStmt(part.stmt, part.depth);
    case 'block':
      return expandBlock(part.body, part.depth);
    case 'json':
      return expandJson(part.value);
  }
}

function render(parts: Part[]): string {
  const out: string[] = [];
  const stack: Part[] = parts.slice().reverse();
  for (let part = stack.pop(); part !== undefined; part = stack.pop()) {
    if (typeof part === 'string') {
      out.push(part);
      continue;
    }
    const expanded = expand(part);
    for (let i = expanded.length - 1; i >= 0; i--) stack.push(expanded[i] as Part);
  }
  return out.join('');
}

/** A declaration: `head { ... }` with one property per line, or `head {}`. */
function braced(head: string, lines: Part[][]): Part[] {
  if (lines.length === 0) return [`${head} {}\n`];
  return [`${head} {\n`, ...lines.flatMap((line) => ['  ', ...line, '\n']), '}\n'];
}

function line<T>(value: T | undefined, parts: (v: T) => string | Part[]): Part[][] {
  if (value === undefined) return [];
  const p = parts(value);
  return [typeof p === 'string' ? [p] : p];
}

function nonEmpty<T>(list: readonly T[] | undefined, what: string): readonly T[] {
  if (list?.length === 0) throw new DslPrintError(`an empty ${what} list has no DSL form (omit it instead)`);
  return list ?? [];
}

function printModel(m: ModelDecl): Part[] {
  return braced(`model ${id(m.name)}`, [
    [`id ${str(m.id)}`],
    ...line(m.temperature, (t) => `temperature ${num(t)}`),
    ...line(m.maxTokens, (t) => `max_tokens ${int(t)}`),
    ...line(m.context, (c) => `context ${int(c)}`),
  ]);
}

function printParam(p: ToolParam): string {
  if (p.type !== 'enum' && p.values !== undefined) throw new DslPrintError(`${p.type} parameter "${p.name}" cannot have values`);
  if (p.type !== 'path' && p.mount !== undefined) throw new DslPrintError(`${p.type} parameter "${p.name}" cannot have a mount`);
  if (p.type === 'path') return `param ${id(p.name)} path${p.mount === undefined ? '' : ` in ${str(p.mount)}`}`;
  if (p.type === 'enum') {
    if (p.values === undefined) throw new DslPrintError(`enum parameter "${p.name}" needs values`);
    return `param ${id(p.name)} enum ${strings(p.values)}`;
  }
  return `param ${id(p.name)} ${p.type}`;
}

function printTool(t: ToolDecl): Part[] {
  const argv = t.argv.map((a) => (typeof a === 'string' ? str(a) : `$${id(a.param)}`));
  return braced(`tool ${id(t.name)}`, [
    ...line(t.description, (d) => `description ${str(d)}`),
    [`argv [${argv.join(', ')}]`],
    ...nonEmpty(t.params, 'params').map((p) => [printParam(p)]),
    ...line(t.timeout, (d) => `timeout ${duration(d)}`),
    ...line(t.outputCap, (c) => `output_cap ${int(c)}`),
    ...line(t.env, (v) => `env ${strings(v)}`),
    ...line(t.cwd, (c) => `cwd ${str(c)}`),
    ...line(t.idempotent, (i) => `idempotent ${String(i)}`),
  ]);
}

function printArtifact(a: ArtifactDecl): Part[] {
  if (a.schema !== undefined && a.schemaFile !== undefined) throw new DslPrintError(`artifact "${a.name}" cannot have both schema and schemaFile`);
  if (a.schemaFile !== undefined) return [`artifact ${id(a.name)} schema file ${str(a.schemaFile)}\n`];
  if (a.schema !== undefined) return [`artifact ${id(a.name)} schema `, { kind: 'json', value: a.schema }, '\n'];
  return [`artifact ${id(a.name)}\n`];
}

function printCaps(c: NonNullable<AgentDecl['caps']>): string {
  const props = [
    ...line(c.spawn, (v) => `spawn ${names(v)}`),
    ...line(c.send, (v) => `send ${names(v)}`),
    ...line(c.topics, (v) => `topics ${strings(v)}`),
    ...line(c.tools, (v) => `tools ${names(v)}`),
    ...line(c.leases, (v) => `leases ${strings(v)}`),
    ...line(c.signal, (v) => `signal ${v}`),
  ];
  return props.length === 0 ? 'caps {}' : `caps { ${props.map((p) => p.join('')).join(' ')} }`;
}

function printBudget(b: NonNullable<AgentDecl['budget']>): string {
  const props = [
    ...line(b.turns, (v) => `turns ${int(v)}`),
    ...line(b.tokens, (v) => `tokens ${int(v)}`),
    ...line(b.time, (v) => `time ${duration(v)}`),
  ];
  return props.length === 0 ? 'budget {}' : `budget { ${props.map((p) => p.join('')).join(' ')} }`;
}

function printMount(m: NonNullable<AgentDecl['mounts']>[number]): string {
  const from = m.source === undefined ? '' : ` from ${str(m.source)}`;
  const over = m.over === undefined ? '' : ` over ${str(m.over)}`;
  return `mount ${m.kind} ${str(m.path)}${from}${over}`;
}

function printAgent(a: AgentDecl): Part[] {
  return braced(`agent ${id(a.name)}${a.extends === undefined ? '' : ` extends ${id(a.extends)}`}`, [
    ...line(a.role, (r) => `role ${r}`),
    ...line(a.model, (m) => `model ${id(m)}`),
    ...line(a.prompt, (p) => `prompt ${str(p)}`),
    ...line(a.promptFile, (p) => `prompt file ${str(p)}`),
    ...line(a.tools, (t) => `tools ${names(t)}`),
    ...nonEmpty(a.mounts, 'mounts').map((m) => [printMount(m)]),
    ...line(a.caps, printCaps),
    ...line(a.budget, printBudget),
    ...line(a.restart, (r) => `restart ${r}`),
    ...line(a.retry, (r) => `retry ${id(r)}`),
    ...line(a.supervisor, (s) => `supervisor ${id(s)}`),
    ...line(a.program, (p) => ['run ', block(p, 1)]),
  ]);
}

function printVerify(v: NonNullable<TaskDecl['verify']>): Part[] {
  if (v.agent !== undefined && v.tool === undefined && v.args === undefined) return [`verify by agent ${id(v.agent)}`];
  if (v.tool !== undefined && v.agent === undefined) return [`verify by tool ${id(v.tool)}`, ...opt(v.args, (a) => [' ', ...args(a)])];
  throw new DslPrintError('a verification is either `by agent` alone or `by tool` with optional arguments');
}

function printTask(t: TaskDecl): Part[] {
  return braced(`task ${id(t.name)}`, [
    [`owner ${id(t.owner)}`],
    ...line(t.description, (d) => `description ${str(d)}`),
    ...line(t.inputs, (v) => `inputs ${names(v)}`),
    ...line(t.produces, (v) => `produces ${names(v)}`),
    ...line(t.verify, printVerify),
    ...line(t.retry, (r) => `retry ${id(r)}`),
  ]);
}

function printSupervisor(s: SupervisorDecl): Part[] {
  return braced(`supervisor ${id(s.name)}`, [
    [`strategy ${s.strategy}`],
    ...line(s.restart, (r) => `restart ${r}`),
    ...line(s.intensity, (i) => `intensity ${int(i)}`),
    ...line(s.period, (p) => `period ${duration(p)}`),
  ]);
}

function printRetry(r: RetryDecl): Part[] {
  return braced(`retry ${id(r.name)}`, [
    [`attempts ${int(r.attempts)}`],
    ...line(r.backoff, (b) => `backoff ${duration(b)}`),
    ...line(r.factor, (f) => `factor ${int(f)}`),
    ...line(r.maxBackoff, (m) => `max_backoff ${duration(m)}`),
    ...line(r.on, (o) => `on [${o.join(', ')}]`),
  ]);
}

function declarations(ast: Workflow): Part[][] {
  return [
    ...nonEmpty(ast.models, 'models').map(printModel),
    ...nonEmpty(ast.tools, 'tools').map(printTool),
    ...nonEmpty(ast.artifacts, 'artifacts').map(printArtifact),
    ...nonEmpty(ast.agents, 'agents').map(printAgent),
    ...nonEmpty(ast.tasks, 'tasks').map(printTask),
    ...nonEmpty(ast.supervisors, 'supervisors').map(printSupervisor),
    ...nonEmpty(ast.retries, 'retries').map(printRetry),
    [`main${ast.main.supervisor === undefined ? '' : ` supervisor ${id(ast.main.supervisor)}`} `, block(ast.main.body, 0), '\n'],
  ];
}

/**
 * Prints a schema-valid workflow as DSL source that parses back to the same AST. Declarations
 * come in the order models, tools, artifacts, agents, tasks, supervisors, retries, main; strings
 * are JSON-escaped and durations print as milliseconds. Throws DslPrintError for the few ASTs
 * the DSL has no form for (see the error messages).
 */
export function printDsl(ast: Workflow): string {
  const parts: Part[] = [`workflow ${id(ast.workflow)} version ${str(ast.version)}\n`];
  for (const decl of declarations(ast)) parts.push('\n', ...decl);
  return render(parts);
}
