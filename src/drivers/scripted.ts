// The scripted backend: canned replies from a script file (docs/scripts.md), chosen by agent,
// process, turn and prompt, so workflows and hosts run offline and give the same log every time.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import scriptSchema from '../../schemas/script.schema.json' with { type: 'json' };
import { AosError } from '../bytecode/errors.js';
import type { Script, ScriptEntry, ScriptReply } from '../generated/script.js';
import {
  BackendError,
  estimateTokens,
  lastUserContent,
  type ChatMessage,
  type GenerateRequest,
  type GenerateResponse,
  type InferenceBackend,
  type StreamChunk,
  type ToolCall,
} from './inference.js';

const BACKEND = 'scripted';
const EXCERPT_LENGTH = 60;
const CONTENT_CHUNKS = 3;

/** One problem of a script file; `line` and `column` (1-based) when it was read from text. */
export interface ScriptProblem {
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

/** A script that cannot be used: it cannot be read, or its syntax, its shape or a regex in it is wrong. Code `script.invalid`. */
export class ScriptError extends AosError {
  constructor(
    readonly source: string,
    readonly problems: ScriptProblem[],
  ) {
    super('script.invalid', problems.map((p) => `${source}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`}: ${p.message}${p.pointer === '' ? '' : ` (at ${p.pointer})`}`).join('\n'));
  }
}

/** An entry with its place in the script and its regex compiled. */
export interface CompiledEntry {
  readonly entry: ScriptEntry;
  readonly pointer: string;
  readonly regex: RegExp | undefined;
}

/** A checked script, ready for a ScriptedBackend; `source` names it in every message. */
export interface LoadedScript {
  readonly source: string;
  readonly description: string | undefined;
  readonly entries: readonly CompiledEntry[];
}

let compiledSchema: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiledSchema ??= new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true }).compile(scriptSchema);
  return compiledSchema;
}

/** The unescaped tokens of an RFC 6901 JSON pointer. */
function tokensOf(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${excerpt(value)}`;
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', object: 'an object', array: 'an array', null: 'null' };

function typeWords(types: unknown): string {
  return String(types)
    .split(',')
    .map((type) => TYPE_WORDS[type] ?? type)
    .join(' or ');
}

/** One ajv error in words, or undefined when another error already says it. */
function schemaProblem(error: ErrorObject): ScriptProblem | undefined {
  const at = error.instancePath;
  const last = tokensOf(at).at(-1);
  const subject = last === undefined ? 'the script' : /^\d+$/.test(last) ? `entry ${at}` : `"${last}"`;
  // The schema's only `if` and `not` state the entry's reply-or-error rule, and its only
  // `pattern` is the one for regex flags.
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'not':
      return { pointer: at, message: 'an entry has "reply" or "error", not both' };
    case 'required':
      if (error.schemaPath.endsWith('/then/required')) return { pointer: at, message: 'an entry needs "reply" (what the model answers) or "error" (how the call fails)' };
      return { pointer: at, message: `${subject} is missing required property "${String(error.params.missingProperty)}"` };
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return { pointer: `${at}/${String(error.params.additionalProperty)}`, message: `unknown property "${String(error.params.additionalProperty)}"; known: ${known.join(', ')}` };
    }
    case 'type':
      return { pointer: at, message: `${subject} must be ${typeWords(error.params.type)}, found ${describeValue(error.data)}` };
    case 'const':
      return { pointer: at, message: `${subject} must be ${JSON.stringify(error.params.allowedValue)}, found ${describeValue(error.data)}` };
    case 'enum':
      return { pointer: at, message: `${subject} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(error.data)}` };
    case 'minLength':
      return { pointer: at, message: `${subject} must not be empty` };
    case 'pattern':
      return { pointer: at, message: `${subject} must be regex flags among i, m, s and u, found ${describeValue(error.data)}` };
    default:
      return { pointer: at, message: `${subject} ${error.message ?? 'is invalid'}` };
  }
}

function regexProblems(document: Script): { compiled: CompiledEntry[]; problems: ScriptProblem[] } {
  const compiled: CompiledEntry[] = [];
  const problems: ScriptProblem[] = [];
  document.responses.forEach((entry, index) => {
    const pointer = `/responses/${index}`;
    let regex: RegExp | undefined;
    if (entry.match?.regex !== undefined) {
      try {
        regex = new RegExp(entry.match.regex, entry.match.flags ?? '');
      } catch (error) {
        problems.push({ pointer: `${pointer}/match/regex`, message: `"regex" is not a valid regular expression: ${(error as Error).message}` });
      }
    }
    compiled.push({ entry, pointer, regex });
  });
  return { compiled, problems };
}

const FORMAT = scriptSchema.properties.format.const;
const VERSION = scriptSchema.properties.version.const;

/**
 * Why a document is not a script of the version this build reads, if it is not: then its other
 * problems are another format's rules, not this one's, and this one problem is all that is said.
 */
function envelopeProblem(value: unknown): ScriptProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { format, version } = value as Record<string, unknown>;
  if (format !== FORMAT) {
    const found = format === undefined ? 'it has no "format"' : `its "format" is ${describeValue(format)}`;
    return { pointer: format === undefined ? '' : '/format', message: `not a script: ${found}; a script begins {"format": "${FORMAT}", "version": ${VERSION}, …}` };
  }
  if (version !== VERSION) {
    const found = version === undefined ? 'it has no "version"' : `its "version" is ${describeValue(version)}`;
    return { pointer: version === undefined ? '' : '/version', message: `not a script this build reads: ${found}, and this build reads version ${VERSION}` };
  }
  return undefined;
}

function check(value: unknown, source: string, locate: (problem: ScriptProblem) => ScriptProblem): LoadedScript {
  const envelope = envelopeProblem(value);
  if (envelope !== undefined) throw new ScriptError(source, [locate(envelope)]);
  const validate = validator();
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map(schemaProblem).filter((p): p is ScriptProblem => p !== undefined);
    throw new ScriptError(source, problems.map(locate));
  }
  const document = value as Script;
  const { compiled, problems } = regexProblems(document);
  if (problems.length > 0) throw new ScriptError(source, problems.map(locate));
  return { source, description: document.description, entries: compiled };
}

/** Checks a script given as a value; `source` names it in messages (problems carry no line). */
export function scriptFromObject(value: unknown, source: string): LoadedScript {
  return check(value, source, (problem) => problem);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The offset where the node at pointer starts: a member at its key, an item at its value. */
function offsetOf(root: Node, pointer: string): number {
  let node = root;
  let offset = root.offset;
  for (const token of tokensOf(pointer)) {
    const member = node.type === 'object' ? node.children?.find((property) => property.children?.[0]?.value === token) : undefined;
    const next = node.type === 'array' ? node.children?.[Number(token)] : member?.children?.[1];
    offset = member?.offset ?? next?.offset ?? offset;
    if (next === undefined) break;
    node = next;
  }
  return offset;
}

function syntaxProblem(text: string, error: ParseError): ScriptProblem {
  const token = text.slice(error.offset, error.offset + error.length);
  const trailingComma = (token === '}' || token === ']') && text.slice(0, error.offset).trimEnd().endsWith(',');
  const words = trailingComma ? 'a trailing comma' : printParseErrorCode(error.error).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();
  return { pointer: '', message: `not valid JSON: ${words}${token === '' ? ' at the end of the file' : ` before ${token.startsWith('"') && token.length <= EXCERPT_LENGTH ? token : excerpt(token)}`}`, ...lineAndColumn(text, error.offset) };
}

/** Checks a script from its JSON text; problems carry the line and column they are at. */
export function scriptFromText(text: string, source: string): LoadedScript {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // Only the first syntax error is the author's: the parser's recovery makes up the rest.
  const [firstError] = errors;
  if (firstError !== undefined) throw new ScriptError(source, [syntaxProblem(body, firstError)]);
  if (root === undefined) throw new ScriptError(source, [{ pointer: '', message: 'the file is empty', line: 1, column: 1 }]);
  return check(JSON.parse(body) as unknown, source, (problem) => ({ ...problem, ...lineAndColumn(body, offsetOf(root, problem.pointer)) }));
}

/** Reads and checks the script at path; `path` as given names it in every message. */
export function loadScript(path: string): LoadedScript {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScriptError(path, [{ pointer: '', message: `cannot read the script: ${(error as Error).message}` }]);
  }
  return scriptFromText(text, path);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const points = [...flat];
  return JSON.stringify(points.length > EXCERPT_LENGTH ? points.slice(0, EXCERPT_LENGTH).join('') + '…' : flat);
}

function fits(compiled: CompiledEntry, request: GenerateRequest, prompt: string): boolean {
  const { entry, regex } = compiled;
  const { agent, process, turn } = request.context;
  if (entry.agent !== '*' && entry.agent !== agent) return false;
  if (entry.process !== undefined && entry.process !== process) return false;
  if (entry.turn !== undefined && entry.turn !== turn) return false;
  if (entry.match?.contains !== undefined && !prompt.includes(entry.match.contains)) return false;
  return regex === undefined || regex.test(prompt);
}

function replyContent(reply: ScriptReply): string {
  if (reply.content === undefined) return '';
  return typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content);
}

function replyToolCalls(reply: ScriptReply, turn: number): ToolCall[] {
  return (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${turn}_${index + 1}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
}

function callsText(calls: readonly ToolCall[]): string {
  return calls.map((call) => call.name + call.arguments).join('');
}

/** Everything the model would read, for the token estimate. */
function promptText(messages: readonly ChatMessage[]): string {
  return messages.map((message) => message.content + (message.role === 'assistant' ? callsText(message.toolCalls ?? []) : '')).join('');
}

/** Text cut into at most `count` pieces of near-equal length, never inside a surrogate pair. */
function pieces(text: string, count: number): string[] {
  const points = [...text];
  const size = Math.ceil(points.length / count);
  const out: string[] = [];
  for (let start = 0; start < points.length; start += size) out.push(points.slice(start, start + size).join(''));
  return out;
}

function streamChunks(response: GenerateResponse): StreamChunk[] {
  const chunks: StreamChunk[] = pieces(response.content, CONTENT_CHUNKS).map((delta) => ({ kind: 'content', delta }));
  response.toolCalls.forEach((call, index) => {
    const [first = '', ...rest] = pieces(call.arguments, 2);
    chunks.push({ kind: 'tool-call', index, id: call.id, name: call.name, argumentsDelta: first });
    for (const argumentsDelta of rest) chunks.push({ kind: 'tool-call', index, argumentsDelta });
  });
  chunks.push({ kind: 'finish', finishReason: response.finishReason, usage: response.usage, scripted: true });
  return chunks;
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new BackendError(BACKEND, 'cancelled', 'the call was cancelled');
}

/**
 * Answers each call with the first entry of its script, in file order, that is not used up and
 * fits the call's agent, process, turn and prompt. Nothing depends on time or chance: the same
 * calls in the same order get the same replies. Its one piece of state, which entries are used
 * up, follows from the calls made so far, so a resumed run rebuilds it from its log's calls.
 */
export class ScriptedBackend implements InferenceBackend {
  readonly name = BACKEND;
  private readonly usedUp = new Set<CompiledEntry>();

  constructor(readonly script: LoadedScript) {}

  supportsTools(): boolean {
    return true;
  }

  supportsStreaming(): boolean {
    return true;
  }

  supportsJsonMode(): boolean {
    return true;
  }

  /** Pointers of the entries meant for one use that no call has used yet. */
  unusedEntries(): string[] {
    return this.script.entries.filter((c) => c.entry.repeat !== true && !this.usedUp.has(c)).map((c) => c.pointer);
  }

  /** Uses up what the calls of a run that stopped used, as if this backend had answered them in that order. */
  continueAfter(calls: readonly GenerateRequest[]): void {
    for (const request of calls) {
      const { chosen } = this.firstUnused(request, lastUserContent(request.messages));
      // A call that no entry fitted failed then, and used nothing up.
      if (chosen !== undefined) this.use(chosen);
    }
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    throwIfCancelled(request.signal);
    const prompt = lastUserContent(request.messages);
    const chosen = this.choose(request, prompt);
    const { entry } = chosen;
    this.use(chosen);
    if (entry.error !== undefined) {
      throw new BackendError(BACKEND, entry.error.kind, entry.error.message ?? `scripted ${entry.error.kind} failure (${this.script.source} at ${chosen.pointer})`);
    }
    const reply = entry.reply ?? {};
    const content = replyContent(reply);
    const toolCalls = replyToolCalls(reply, request.context.turn);
    const usage = entry.usage ?? { input: estimateTokens(promptText(request.messages)), output: estimateTokens(content + callsText(toolCalls)) };
    return {
      content,
      toolCalls,
      finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      usage: { input: usage.input, output: usage.output, source: 'scripted' },
      scripted: true,
    };
  }

  /** The reply of generate() in pieces: content deltas, then each tool call in two, then finish. */
  async *stream(request: GenerateRequest): AsyncIterable<StreamChunk> {
    const response = await this.generate(request);
    for (const chunk of streamChunks(response)) {
      throwIfCancelled(request.signal);
      yield chunk;
    }
  }

  private use(chosen: CompiledEntry): void {
    if (chosen.entry.repeat !== true) this.usedUp.add(chosen);
  }

  /** The entries that fit a call, and the first of them not used up. */
  private firstUnused(request: GenerateRequest, prompt: string): { fitting: CompiledEntry[]; chosen: CompiledEntry | undefined } {
    const fitting = this.script.entries.filter((compiled) => fits(compiled, request, prompt));
    return { chosen: fitting.find((compiled) => !this.usedUp.has(compiled)), fitting };
  }

  private choose(request: GenerateRequest, prompt: string): CompiledEntry {
    const { chosen, fitting } = this.firstUnused(request, prompt);
    if (chosen !== undefined) return chosen;
    const { agent, process, turn } = request.context;
    const usedUp = fitting.length === 0 ? '' : `; ${fitting.map((c) => c.pointer).join(', ')} would fit but ${fitting.length === 1 ? 'is' : 'are'} used up (add "repeat": true to answer more than once)`;
    throw new BackendError(BACKEND, 'no-script-match', `no entry of script ${this.script.source} fits agent "${agent}", process "${process}", turn ${turn}, prompt ${excerpt(prompt)}${usedUp}`);
  }
}
