// Model effects on a live host: the kernel's `model` request becomes a backend's chat request,
// and the backend's reply becomes the completion the kernel admits. A structured agent's `ask`
// sends its prompt, input and reply schema inline; a free agent's turn names its conversation and
// tools by blob hash. Replies keep their labels: `scripted` and the source of the token counts.
import { canonicalJson } from '../bytecode/canonical.js';
import type { JsonValue } from '../bytecode/json.js';
import { BackendError, type ChatMessage, type GenerateRequest, type GenerateResponse, type InferenceBackend, type ToolSpec } from '../drivers/inference.js';
import type { Completion } from '../vm/effects.js';

/** Counts model calls per process name, as the backend's `turn` (retries count; restarts do not reset it). */
export class TurnCounter {
  private readonly turns = new Map<string, number>();

  /** Takes up the counts of a run that stopped (resuming it). */
  continueFrom(counts: ReadonlyMap<string, number>): void {
    for (const [process, turns] of counts) this.turns.set(process, turns);
  }

  next(process: string): number {
    const turn = (this.turns.get(process) ?? 0) + 1;
    this.turns.set(process, turn);
    return turn;
  }
}

type Request = { readonly [key: string]: JsonValue };

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : canonicalJson(value ?? null);
}

function modelOptions(request: Request): Pick<GenerateRequest, 'model' | 'temperature' | 'maxTokens'> {
  const model = request['model'];
  const entry = typeof model === 'object' && model !== null && !Array.isArray(model) ? model : {};
  const options: Pick<GenerateRequest, 'model' | 'temperature' | 'maxTokens'> = { model: typeof entry['id'] === 'string' ? entry['id'] : '' };
  if (typeof entry['temperature'] === 'number') options.temperature = entry['temperature'];
  if (typeof entry['maxTokens'] === 'number') options.maxTokens = entry['maxTokens'];
  return options;
}

/** A structured agent's `ask`: its system prompt, then the question with its input and any feedback. */
function askMessages(request: Request): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (typeof request['system'] === 'string') messages.push({ content: request['system'], role: 'system' });
  const parts = [text(request['prompt'])];
  if (request['input'] !== null && request['input'] !== undefined) parts.push(`Input: ${text(request['input'])}`);
  if (typeof request['feedback'] === 'string') parts.push(`Your previous reply could not be used: ${request['feedback']}`);
  messages.push({ content: parts.join('\n\n'), role: 'user' });
  return messages;
}

interface Conversation {
  readonly messages: readonly { role: string; content: string; toolCalls?: { id: string; name: string; arguments: JsonValue }[]; toolCallId?: string; name?: string }[];
  readonly tools: readonly { name: string; description?: string; parameters: object }[];
}

function conversationMessages(conversation: Conversation): ChatMessage[] {
  return conversation.messages.map((m): ChatMessage => {
    switch (m.role) {
      case 'system':
        return { content: m.content, role: 'system' };
      case 'assistant': {
        const calls = (m.toolCalls ?? []).map((c) => ({ arguments: text(c.arguments), id: c.id, name: c.name }));
        return calls.length > 0 ? { content: m.content, role: 'assistant', toolCalls: calls } : { content: m.content, role: 'assistant' };
      }
      case 'tool': {
        const message: ChatMessage = { content: m.content, role: 'tool' };
        if (m.toolCallId !== undefined) message.toolCallId = m.toolCallId;
        if (m.name !== undefined) message.name = m.name;
        return message;
      }
      default:
        return { content: m.content, role: 'user' };
    }
  });
}

/** The backend request for a kernel `model` request; `blob` reads a blob the kernel handed over. */
export function toGenerateRequest(pid: string, request: Request, turn: number, blob: (hash: string) => string | undefined): GenerateRequest {
  const base = { ...modelOptions(request), context: { agent: text(request['agent']), process: pid, turn } };
  if (typeof request['context'] === 'string') {
    const stored = blob(request['context']);
    if (stored === undefined) throw new BackendError('host', 'bad-request', `the conversation blob ${request['context']} of ${pid} is missing`);
    const conversation = JSON.parse(stored) as Conversation;
    const tools: ToolSpec[] = conversation.tools.map((t) => ({ description: t.description ?? '', name: t.name, parameters: t.parameters }));
    return { ...base, messages: conversationMessages(conversation), tools };
  }
  const generate: GenerateRequest = { ...base, messages: askMessages(request) };
  const schema = request['schema'];
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema)) generate.responseFormat = { name: 'reply', schema, type: 'json_schema' };
  return generate;
}

/** The completion the kernel admits for a backend's reply. */
export function toCompletion(response: GenerateResponse): Completion {
  const value: { [key: string]: JsonValue } = {
    content: response.content,
    finishReason: response.finishReason,
    scripted: response.scripted,
    toolCalls: response.toolCalls.map((c) => ({ arguments: c.arguments, id: c.id, name: c.name })),
    usage: { input: response.usage.input, output: response.usage.output, source: response.usage.source },
  };
  return { ok: true, value };
}

/** The largest reply admitted (characters of content and tool-call arguments): a bigger one is refused, not recorded. */
export const MAX_REPLY_CHARS = 1 << 20;

/** Runs one model effect on a backend; failures become failed completions, never exceptions. */
export async function runModelEffect(backend: InferenceBackend, request: GenerateRequest, maxReplyChars = MAX_REPLY_CHARS): Promise<Completion> {
  try {
    const response = await backend.generate(request);
    const size = response.content.length + response.toolCalls.reduce((n, c) => n + c.arguments.length + c.name.length, 0);
    if (size > maxReplyChars) {
      return { ok: false, error: { kind: 'reply-too-large', message: `${backend.name} backend: the reply to ${request.context.process} has ${size} characters, more than the ${maxReplyChars} admitted` } };
    }
    return toCompletion(response);
  } catch (error) {
    if (error instanceof BackendError) return { ok: false, error: { kind: error.kind === 'timeout' ? 'timeout' : error.kind, message: error.message } };
    return { ok: false, error: { kind: 'backend-failed', message: `${backend.name} backend: ${(error as Error).message}` } };
  }
}
