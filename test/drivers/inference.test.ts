// collectStream assembles any backend's stream into a whole reply, and rejects streams that
// break the StreamChunk contract with a bad-response error naming the backend.
import { describe, expect, it } from 'vitest';
import { BackendError, collectStream, estimateTokens, lastUserContent, type StreamChunk } from '../../src/drivers/inference.js';

async function* from(chunks: StreamChunk[]): AsyncIterable<StreamChunk> {
  for (const chunk of chunks) yield chunk;
}

const finish: StreamChunk = { kind: 'finish', finishReason: 'tool_calls', usage: { input: 10, output: 4, source: 'reported' }, scripted: false };

async function rejection(chunks: StreamChunk[]): Promise<BackendError> {
  const error: unknown = await collectStream(from(chunks), 'ollama').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('collectStream', () => {
  it('joins content deltas and interleaved tool-call deltas by index', async () => {
    const response = await collectStream(
      from([
        { kind: 'content', delta: 'Let me ' },
        { kind: 'tool-call', index: 0, id: 'a', name: 'read_file', argumentsDelta: '{"pa' },
        { kind: 'content', delta: 'look.' },
        { kind: 'tool-call', index: 1, id: 'b', name: 'finish', argumentsDelta: '' },
        { kind: 'tool-call', index: 0, argumentsDelta: 'th":"/in/x"}' },
        { kind: 'tool-call', index: 1, argumentsDelta: '{}' },
        finish,
      ]),
      'openai-compatible',
    );
    expect(response).toEqual({
      content: 'Let me look.',
      toolCalls: [
        { id: 'a', name: 'read_file', arguments: '{"path":"/in/x"}' },
        { id: 'b', name: 'finish', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
      usage: { input: 10, output: 4, source: 'reported' },
      scripted: false,
    });
  });

  it('rejects a stream that ends without a finish', async () => {
    const error = await rejection([{ kind: 'content', delta: 'half' }]);
    expect([error.kind, error.backend]).toEqual(['bad-response', 'ollama']);
    expect(error.message).toBe('ollama backend: the reply stream ended without a finish [bad-response]');
  });

  it('rejects chunks after the finish', async () => {
    expect((await rejection([finish, { kind: 'content', delta: 'late' }])).message).toContain('went on after its finish');
  });

  it('rejects a tool call that never got an id or a name, or skips an index', async () => {
    expect((await rejection([{ kind: 'tool-call', index: 0, name: 'f', argumentsDelta: '{}' }, finish])).message).toContain('left tool call 0 without an id');
    expect((await rejection([{ kind: 'tool-call', index: 0, id: 'x', argumentsDelta: '{}' }, finish])).message).toContain('left tool call 0 without a name');
    expect((await rejection([{ kind: 'tool-call', index: 1, id: 'x', name: 'f', argumentsDelta: '' }, finish])).message).toContain('sent tool call 1 before call 0');
  });
});

describe('helpers', () => {
  it('estimates one token per four characters, rounded up', () => {
    expect([estimateTokens(''), estimateTokens('abcd'), estimateTokens('abcde')]).toEqual([0, 1, 2]);
  });

  it('finds the last user message, or empty text when there is none', () => {
    expect(lastUserContent([{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'second' }, { role: 'tool', content: '{}', toolCallId: 'a' }])).toBe('second');
    expect(lastUserContent([{ role: 'system', content: 'sys' }])).toBe('');
  });
});
