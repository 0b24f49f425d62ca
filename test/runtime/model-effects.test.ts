import { describe, expect, it } from 'vitest';
import { runModelEffect, toGenerateRequest, TurnCounter } from '../../src/runtime/model-effects.js';
import { scriptFromObject, ScriptedBackend } from '../../src/drivers/scripted.js';
import { canonicalJson } from '../../src/bytecode/canonical.js';

describe('model effects on a live host', () => {
  it('sends an ask as system prompt, then prompt, input and feedback, with the reply schema as the response format', () => {
    const request = toGenerateRequest('coordinator#1', {
      agent: 'coordinator',
      attempt: 2,
      feedback: 'at /name: must be string',
      input: { round: 3 },
      model: { id: 'qwen', maxTokens: 512, name: 'default', temperature: 0.2 },
      prompt: 'Choose the next strategy.',
      schema: { type: 'object' },
      system: 'You coordinate.',
    }, 4, () => undefined);
    expect(request).toEqual({
      context: { agent: 'coordinator', process: 'coordinator#1', turn: 4 },
      maxTokens: 512,
      messages: [
        { content: 'You coordinate.', role: 'system' },
        { content: 'Choose the next strategy.\n\nInput: {"round":3}\n\nYour previous reply could not be used: at /name: must be string', role: 'user' },
      ],
      model: 'qwen',
      responseFormat: { name: 'reply', schema: { type: 'object' }, type: 'json_schema' },
      temperature: 0.2,
    });
  });

  it('reads a free agent\'s conversation and tools from the blob its request names', () => {
    const conversation = {
      messages: [
        { content: 'sys', role: 'system' },
        { content: 'task', role: 'user' },
        { content: '', role: 'assistant', toolCalls: [{ arguments: { path: '/a' }, id: 'c1', name: 'read_file' }] },
        { content: '{"content":"A"}', name: 'read_file', role: 'tool', toolCallId: 'c1' },
      ],
      tools: [{ description: 'Reads.', name: 'read_file', parameters: { type: 'object' } }],
    };
    const blob = canonicalJson(conversation);
    const request = toGenerateRequest('writer#2', { agent: 'writer', context: 'h1', messages: 4, model: null, turn: 2 }, 7, (hash) => (hash === 'h1' ? blob : undefined));
    expect(request.messages[2]).toEqual({ content: '', role: 'assistant', toolCalls: [{ arguments: '{"path":"/a"}', id: 'c1', name: 'read_file' }] });
    expect(request.messages[3]).toEqual({ content: '{"content":"A"}', name: 'read_file', role: 'tool', toolCallId: 'c1' });
    expect(request.tools).toEqual([{ description: 'Reads.', name: 'read_file', parameters: { type: 'object' } }]);
    expect(request.context).toEqual({ agent: 'writer', process: 'writer#2', turn: 7 });
    expect(() => toGenerateRequest('writer#2', { agent: 'writer', context: 'missing' }, 1, () => undefined)).toThrow(/conversation blob missing of writer#2 is missing/);
  });

  it('labels a scripted reply as scripted, with scripted token counts, and turns a backend error into a failed completion', async () => {
    const backend = new ScriptedBackend(scriptFromObject({ format: 'aos-script', version: 1, responses: [{ agent: 'writer', reply: { content: 'hello' }, usage: { input: 12, output: 3 } }] }, 'test-script.json'));
    const turns = new TurnCounter();
    const request = toGenerateRequest('writer#1', { agent: 'writer', prompt: 'hi', model: { id: 'm' } }, turns.next('writer#1'), () => undefined);
    const done = await runModelEffect(backend, request);
    expect(done).toEqual({ ok: true, value: { content: 'hello', finishReason: 'stop', scripted: true, toolCalls: [], usage: { input: 12, output: 3, source: 'scripted' } } });
    const again = await runModelEffect(backend, toGenerateRequest('writer#1', { agent: 'writer', prompt: 'hi' }, turns.next('writer#1'), () => undefined));
    expect(again).toMatchObject({ ok: false, error: { kind: 'no-script-match' } });
    expect(again.ok ? '' : again.error.message).toContain('test-script.json');
  });
});
