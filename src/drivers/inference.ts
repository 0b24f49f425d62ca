// The model-backend interface every driver implements (scripted, openai-compatible, ollama,
// replay): one chat request in, one reply out, whole or streamed, in shapes no wire format owns.
import { AosError } from '../bytecode/errors.js';

/** A chat message. `content` is always text: a tool result is sent as its JSON or plain text. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  /** A tool's result. OpenAI-style servers pair it with the call by id, Ollama by tool name. */
  | { role: 'tool'; content: string; toolCallId?: string; name?: string };

export type ChatRole = ChatMessage['role'];

/** A tool the model may call. `parameters` is the JSON Schema (an object schema) of its arguments. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters: object;
}

/** A call the model made: `arguments` is the JSON text the model produced, unparsed and unchecked. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Asks for JSON output: any JSON (`json`) or JSON that fits a schema (`json_schema`). */
export type ResponseFormat = { type: 'json' } | { type: 'json_schema'; name: string; schema: object };

/**
 * Who is asking. Live backends ignore it; the scripted backend chooses its reply by it.
 * `agent` is the agent spec name (`writer`), `process` the process name (`writer#2`), and `turn`
 * the 1-based number of this model call among all calls made under that process name in the
 * run: retries count, and a restart does not reset it, so a host can rebuild it from the log.
 */
export interface RequestContext {
  agent: string;
  process: string;
  turn: number;
}

export interface GenerateRequest {
  /** The backend's model name; a backend serving one model may ignore it. */
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  responseFormat?: ResponseFormat;
  temperature?: number;
  /** The most tokens the reply may have; a reply cut at this limit finishes with `length`. */
  maxTokens?: number;
  /** Aborting it makes the call reject with a `cancelled` BackendError. */
  signal?: AbortSignal;
  context: RequestContext;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'error';

/**
 * Token counts and where they come from: `reported` by a live server, `scripted` by the
 * scripted backend (from its script or its estimate), or `estimated` when a live server
 * reported none.
 */
export interface Usage {
  input: number;
  output: number;
  source: 'reported' | 'scripted' | 'estimated';
}

export interface GenerateResponse {
  content: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** True when no model produced the reply (the scripted backend), so logs can label it. */
  scripted: boolean;
}

/**
 * One piece of a streamed reply. Content arrives as text deltas. A tool call arrives as deltas
 * with the same `index`: the first names the call (`id`, `name`) and every one may add text to
 * its arguments. The stream ends with exactly one `finish`, which carries what a whole reply
 * carries besides its content and calls.
 */
export type StreamChunk =
  | { kind: 'content'; delta: string }
  | { kind: 'tool-call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { kind: 'finish'; finishReason: FinishReason; usage: Usage; scripted: boolean };

export interface InferenceBackend {
  /** Recorded in `run.started`, so it names the kind of backend, never a host path or a key. */
  readonly name: string;
  supportsTools(): boolean;
  supportsStreaming(): boolean;
  supportsJsonMode(): boolean;
  /** Resolves to the whole reply, or rejects with a BackendError. */
  generate(request: GenerateRequest): Promise<GenerateResponse>;
  /** Present when supportsStreaming(); a failure is a BackendError thrown by the iteration. */
  stream?(request: GenerateRequest): AsyncIterable<StreamChunk>;
  /**
   * Takes up a run that stopped: the calls it made before, in the order it made them, rebuilt
   * from its log. Present on a backend whose replies depend on the calls before them.
   */
  continueAfter?(calls: readonly GenerateRequest[]): void;
}

/**
 * Why a call failed. `unavailable` (no server, overloaded, rate limited) and `timeout` are worth
 * retrying; `refused` (the server declined: content filter, authentication) and `bad-request`
 * (the server rejected the request: context too long, unknown model) are not; `bad-response` is
 * a reply the driver could not read; `cancelled` follows the request's abort signal;
 * `no-script-match` is a scripted call the script has no entry for.
 */
export type BackendErrorKind = 'unavailable' | 'timeout' | 'refused' | 'bad-request' | 'bad-response' | 'cancelled' | 'no-script-match';

/** A failed model call; its code is `backend.<kind>`. */
export class BackendError extends AosError {
  constructor(
    readonly backend: string,
    readonly kind: BackendErrorKind,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`backend.${kind}`, `${backend} backend: ${detail} [${kind}]`, options);
  }
}

/** A token count for text no tokenizer has seen: one token per four characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The content of the last user message: what a request asks, for matching and for messages. */
export function lastUserContent(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as ChatMessage;
    if (message.role === 'user') return message.content;
  }
  return '';
}

function badStream(backend: string, problem: string): BackendError {
  return new BackendError(backend, 'bad-response', `the reply stream ${problem}`);
}

interface PartialCall {
  id?: string;
  name?: string;
  arguments: string;
}

function addToolDelta(backend: string, calls: PartialCall[], chunk: Extract<StreamChunk, { kind: 'tool-call' }>): void {
  if (!Number.isSafeInteger(chunk.index) || chunk.index < 0 || chunk.index > calls.length) {
    throw badStream(backend, `sent tool call ${chunk.index} before call ${calls.length}`);
  }
  const call = (calls[chunk.index] ??= { arguments: '' });
  if (chunk.id !== undefined) call.id = chunk.id;
  if (chunk.name !== undefined) call.name = chunk.name;
  call.arguments += chunk.argumentsDelta;
}

/**
 * Assembles a stream into the reply generate() would give, so a host can stream for display and
 * still act on whole replies. A stream that ends without `finish`, goes on after it, or leaves a
 * tool call without id or name rejects with a `bad-response` BackendError naming `backend`.
 */
export async function collectStream(chunks: AsyncIterable<StreamChunk>, backend: string): Promise<GenerateResponse> {
  let content = '';
  const calls: PartialCall[] = [];
  let finish: Extract<StreamChunk, { kind: 'finish' }> | undefined;
  for await (const chunk of chunks) {
    if (finish !== undefined) throw badStream(backend, `went on after its finish (a ${chunk.kind} chunk)`);
    if (chunk.kind === 'content') content += chunk.delta;
    else if (chunk.kind === 'tool-call') addToolDelta(backend, calls, chunk);
    else finish = chunk;
  }
  if (finish === undefined) throw badStream(backend, 'ended without a finish');
  const toolCalls = calls.map((call, index): ToolCall => {
    if (call.id === undefined || call.name === undefined) throw badStream(backend, `left tool call ${index} without ${call.id === undefined ? 'an id' : 'a name'}`);
    return { id: call.id, name: call.name, arguments: call.arguments };
  });
  return { content, toolCalls, finishReason: finish.finishReason, usage: finish.usage, scripted: finish.scripted };
}
