// Words for ajv's errors: each error of the workflow schema as one diagnostic naming the node,
// what was expected and what was found, with a did-you-mean hint where a known name is close.
import type { AnySchemaObject, ErrorObject } from 'ajv/dist/2020.js';
import workflowSchema from '../../schemas/workflow.schema.json' with { type: 'json' };
import { diagnostic, type Diagnostic, type Hint } from './diagnostics.js';
import { join, parse } from './pointer.js';
import { closest } from './suggest.js';

const DEFS = workflowSchema.$defs as Record<string, AnySchemaObject>;
const NAME_PATTERN = workflowSchema.$defs.name.pattern;
const MAX_SHOWN = 40;

/** Titles whose generic reading (split words, drop Decl, spell out Stmt and Expr) reads badly. */
const NOUNS: Record<string, string> = { ExprNode: 'expression', Expr: 'expression', NamedArg: 'argument', ToolParam: 'tool parameter' };

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN) + '…' : text);
}

/** A list as prose: `a, b or c`. */
function prose(items: string[], last = 'or'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1] as string}`;
}

/** `AgentDecl` → `agent`, `CallStmt` → `call statement`, `RefExpr` → `ref expression`. */
function nounOf(title: string): string {
  const known = NOUNS[title];
  if (known) return known;
  const words = title
    .replace(/Decl$/, '')
    .replace(/Stmt$/, 'Statement')
    .replace(/Expr$/, 'Expression')
    .split(/(?=[A-Z])/);
  return words.map((w) => w.toLowerCase()).join(' ');
}

/** How a message names the node at pointer: `"role"`, `item 2 of "argv"`, `the workflow`. */
function subjectOf(pointer: string): string {
  const tokens = parse(pointer);
  const last = tokens[tokens.length - 1];
  if (last === undefined) return 'the workflow';
  if (!/^\d+$/.test(last)) return `"${last}"`;
  const owner = tokens[tokens.length - 2];
  return owner === undefined || /^\d+$/.test(owner) ? `item ${last}` : `item ${last} of "${owner}"`;
}

function objectNoun(error: ErrorObject): string {
  if (error.instancePath === '') return 'the workflow';
  const title = (error.parentSchema as AnySchemaObject | undefined)?.title as string | undefined;
  return title ? nounOf(title) : subjectOf(error.instancePath);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
  object: 'an object',
  array: 'an array',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? (type as string[]) : [String(type)];
  return prose(types.map((t) => TYPE_WORDS[t] ?? t));
}

function resolve(schema: AnySchemaObject): AnySchemaObject {
  const ref = schema.$ref as string | undefined;
  return ref?.startsWith('#/$defs/') ? (DEFS[ref.slice('#/$defs/'.length)] ?? schema) : schema;
}

/** The values of the discriminator property across a discriminated oneOf's branches. */
function kindsOf(schema: AnySchemaObject, tag: string): string[] {
  const kinds: string[] = [];
  for (const branch of (schema.oneOf ?? []) as AnySchemaObject[]) {
    const property = (resolve(branch).properties as Record<string, AnySchemaObject> | undefined)?.[tag];
    if (property?.const !== undefined) kinds.push(String(property.const));
    for (const value of (property?.enum ?? []) as unknown[]) kinds.push(String(value));
  }
  return kinds;
}

/** What one alternative of a oneOf accepts, in words. */
function alternative(branch: AnySchemaObject): string {
  const schema = resolve(branch);
  const required = (schema.required ?? []) as string[];
  if (schema.type === 'object' && required.length > 0) return `an object with ${prose(required.map(quote), 'and')}`;
  return typeWords(schema.type);
}

function didYouMean(value: unknown, candidates: string[]): Hint[] {
  const near = typeof value === 'string' ? closest(value, candidates) : undefined;
  return near === undefined ? [] : [{ message: `did you mean ${quote(near)}?` }];
}

function unknownProperty(error: ErrorObject): Diagnostic {
  const name = String(error.params.additionalProperty);
  const known = Object.keys(((error.parentSchema as AnySchemaObject).properties ?? {}) as object);
  const hints = didYouMean(name, known);
  if (hints.length === 0) hints.push({ message: `known properties: ${known.join(', ')}` });
  return diagnostic('schema', {
    pointer: join(error.instancePath, name),
    atKey: true,
    message: `unknown property ${quote(name)} in ${objectNoun(error)}`,
    hints,
    params: { keyword: 'additionalProperties', property: name },
  });
}

function badKind(error: ErrorObject): Diagnostic {
  const tag = String(error.params.tag);
  const noun = objectNoun(error);
  const kinds = kindsOf(error.parentSchema as AnySchemaObject, tag);
  const value: unknown = error.params.tagValue;
  const message =
    error.params.error === 'mapping'
      ? `unknown ${noun} ${tag} ${quote(String(value))}; expected one of: ${kinds.join(', ')}`
      : `${noun} ${quote(tag)} must be a string, one of: ${kinds.join(', ')}`;
  return diagnostic('schema', { pointer: join(error.instancePath, tag), message, hints: didYouMean(value, kinds), params: { keyword: 'discriminator', kinds } });
}

function missing(error: ErrorObject): Diagnostic {
  const property = String(error.params.missingProperty);
  const parentSchema = error.parentSchema as AnySchemaObject;
  const hints: Hint[] = parentSchema.discriminator ? [{ message: `${quote(property)} is one of: ${kindsOf(parentSchema, property).join(', ')}` }] : [];
  return diagnostic('schema', {
    pointer: error.instancePath,
    message: `${objectNoun(error)} is missing required property ${quote(property)}`,
    hints,
    params: { keyword: 'required', property },
  });
}

function expectation(error: ErrorObject): { expected: string; hints: Hint[] } {
  const schema = error.parentSchema as AnySchemaObject;
  switch (error.keyword) {
    case 'type': {
      const title = schema.title as string | undefined;
      const what = typeWords(error.params.type);
      return { expected: error.params.type === 'object' && title && error.instancePath !== '' ? `${what} (${article(nounOf(title))})` : what, hints: [] };
    }
    case 'enum': {
      const values = (error.params.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return { expected: `one of ${values.map(quote).join(', ')}`, hints: didYouMean(error.data, values) };
    }
    case 'const':
      return { expected: JSON.stringify(error.params.allowedValue), hints: [] };
    case 'oneOf': {
      const what = prose(((schema.oneOf ?? []) as AnySchemaObject[]).map(alternative));
      const title = schema.title as string | undefined;
      return { expected: title ? `${article(nounOf(title))} (${what})` : what, hints: [] };
    }
    case 'pattern':
      return { expected: error.params.pattern === NAME_PATTERN ? 'a name (a letter or "_", then letters, digits, "_" or "-")' : `text matching ${error.params.pattern}`, hints: [] };
    default:
      return { expected: '', hints: [] };
  }
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function limitMessage(error: ErrorObject): string | undefined {
  const limit = Number(error.params.limit);
  switch (error.keyword) {
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} characters`;
    case 'maxLength':
      return `must have at most ${limit} characters`;
    case 'minItems':
      return `must have at least ${limit} item${limit === 1 ? '' : 's'}`;
    default:
      return undefined;
  }
}

/** One ajv error (after the noise is filtered out) as a diagnostic. */
export function schemaDiagnostic(error: ErrorObject): Diagnostic {
  if (error.keyword === 'additionalProperties') return unknownProperty(error);
  if (error.keyword === 'discriminator') return badKind(error);
  if (error.keyword === 'required') return missing(error);
  const subject = subjectOf(error.instancePath);
  const params = { keyword: error.keyword };
  const limited = limitMessage(error);
  if (limited !== undefined) return diagnostic('schema', { pointer: error.instancePath, message: `${subject} ${limited}`, params });
  const { expected, hints } = expectation(error);
  const message = expected ? `${subject} must be ${expected}, found ${describeValue(error.data)}` : `${subject} ${error.message ?? 'is invalid'}`;
  return diagnostic('schema', { pointer: error.instancePath, message, hints, params });
}
