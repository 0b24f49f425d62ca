// The scripted backend: which entry answers a call, what the reply holds, how a script that
// cannot be used is reported, and that streaming gives the same reply as generate.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BackendError, collectStream, type GenerateRequest, type StreamChunk } from '../../src/drivers/inference.js';
import { loadScript, ScriptedBackend, ScriptError, scriptFromObject, scriptFromText } from '../../src/drivers/scripted.js';

function backend(responses: unknown[]): ScriptedBackend {
  return new ScriptedBackend(scriptFromObject({ format: 'aos-script', version: 1, responses }, 'test.script.json'));
}

function request(agent: string, prompt: string, turn = 1, process = `${agent}#1`): GenerateRequest {
  return {
    model: 'any',
    messages: [
      { role: 'system', content: 'You are careful.' },
      { role: 'user', content: prompt },
    ],
    context: { agent, process, turn },
  };
}

async function contentOf(b: ScriptedBackend, r: GenerateRequest): Promise<string> {
  return (await b.generate(r)).content;
}

async function failureOf(promise: Promise<unknown>): Promise<BackendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

function scriptErrorOf(load: () => unknown): ScriptError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ScriptError);
    return error as ScriptError;
  }
  throw new Error('the script was accepted');
}

describe('choosing an entry', () => {
  it('answers a call with an entry for its agent and skips entries for other agents', async () => {
    const b = backend([
      { agent: 'writer', reply: { content: 'draft' }, repeat: true },
      { agent: 'reviewer', reply: { content: 'approved' }, repeat: true },
    ]);
    expect(await contentOf(b, request('reviewer', 'review it'))).toBe('approved');
    expect(await contentOf(b, request('writer', 'write it'))).toBe('draft');
  });

  it('lets "*" answer any agent', async () => {
    const b = backend([{ agent: '*', reply: { content: 'anything' }, repeat: true }]);
    expect(await contentOf(b, request('planner', 'plan'))).toBe('anything');
    expect(await contentOf(b, request('main', 'go', 1, 'main'))).toBe('anything');
  });

  it('takes the first fitting entry in file order, even when a later one is more specific', async () => {
    const b = backend([
      { agent: '*', reply: { content: 'general' } },
      { agent: 'writer', turn: 1, match: { contains: 'draft' }, reply: { content: 'specific' } },
    ]);
    expect(await contentOf(b, request('writer', 'draft it'))).toBe('general');
    expect(await contentOf(b, request('writer', 'draft it'))).toBe('specific');
  });

  it('fits an entry with a turn only to that turn of the process', async () => {
    const b = backend([
      { agent: 'writer', turn: 2, reply: { content: 'second' } },
      { agent: 'writer', reply: { content: 'other' }, repeat: true },
    ]);
    expect(await contentOf(b, request('writer', 'go', 1))).toBe('other');
    expect(await contentOf(b, request('writer', 'go', 2))).toBe('second');
    expect(await contentOf(b, request('writer', 'go', 3))).toBe('other');
  });

  it('fits an entry with a process only to that process', async () => {
    const b = backend([
      { agent: 'writer', process: 'writer#2', reply: { content: 'for the second' }, repeat: true },
      { agent: 'writer', reply: { content: 'for any' }, repeat: true },
    ]);
    expect(await contentOf(b, request('writer', 'go', 1, 'writer#1'))).toBe('for any');
    expect(await contentOf(b, request('writer', 'go', 1, 'writer#2'))).toBe('for the second');
  });

  it('matches "contains" against the last user message only', async () => {
    const b = backend([
      { agent: '*', match: { contains: 'careful' }, reply: { content: 'system text matched' }, repeat: true },
      { agent: '*', match: { contains: 'summary' }, reply: { content: 'summary' }, repeat: true },
      { agent: '*', reply: { content: 'fallback' }, repeat: true },
    ]);
    const earlierUser: GenerateRequest = {
      ...request('writer', 'now the summary please'),
      messages: [
        { role: 'user', content: 'be careful' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'now the summary please' },
      ],
    };
    expect(await contentOf(b, earlierUser)).toBe('summary');
    expect(await contentOf(b, request('writer', 'something else'))).toBe('fallback');
  });

  it('matches "regex" anywhere in the prompt, with its flags, and needs every condition to hold', async () => {
    const b = backend([
      { agent: '*', match: { regex: '^step (\\d+)$', flags: 'im', contains: '7' }, reply: { content: 'step seven' }, repeat: true },
      { agent: '*', match: { regex: 'step \\d+' }, reply: { content: 'some step' }, repeat: true },
      { agent: '*', reply: { content: 'fallback' }, repeat: true },
    ]);
    expect(await contentOf(b, request('w', 'intro\nSTEP 7\nend'))).toBe('step seven');
    expect(await contentOf(b, request('w', 'intro\nstep 8\nend'))).toBe('some step');
    expect(await contentOf(b, request('w', 'STEP 8'))).toBe('fallback');
  });

  it('uses an entry once unless it repeats', async () => {
    const b = backend([
      { agent: 'writer', reply: { content: 'once' } },
      { agent: 'writer', reply: { content: 'again' }, repeat: true },
    ]);
    const replies = [];
    for (let turn = 1; turn <= 4; turn++) replies.push(await contentOf(b, request('writer', 'go', turn)));
    expect(replies).toEqual(['once', 'again', 'again', 'again']);
    expect(b.unusedEntries()).toEqual([]);
  });

  it('lists the single-use entries no call has used', async () => {
    const b = backend([
      { agent: 'writer', reply: { content: 'a' } },
      { agent: 'reviewer', reply: { content: 'b' } },
      { agent: '*', reply: { content: 'c' }, repeat: true },
    ]);
    await b.generate(request('writer', 'go'));
    expect(b.unusedEntries()).toEqual(['/responses/1']);
  });

  it('goes on after the calls of a run that stopped as if it had answered them: entries used in file order stay used', async () => {
    const responses = [
      { agent: 'writer', reply: { content: 'first' } },
      { agent: 'reviewer', match: { contains: 'check' }, reply: { content: 'checked' } },
      { agent: 'writer', reply: { content: 'second' } },
      { agent: 'writer', reply: { content: 'third' } },
      { agent: '*', reply: { content: 'more' }, repeat: true },
    ];
    const calls = [request('writer', 'go', 1), request('reviewer', 'check it', 1), request('writer', 'go', 2), request('nobody', 'fits only the repeat', 1)];
    const uninterrupted = backend(responses);
    for (const call of calls) await uninterrupted.generate(call);
    const resumed = backend(responses);
    resumed.continueAfter(calls);
    expect(resumed.unusedEntries()).toEqual(uninterrupted.unusedEntries());
    expect(await contentOf(resumed, request('writer', 'go', 3))).toBe('third');
    expect(await contentOf(resumed, request('writer', 'go', 4))).toBe('more');
  });

  it('takes a call that no entry fits, in a run that stopped, as one that used nothing up', async () => {
    const b = backend([{ agent: 'writer', reply: { content: 'only' } }]);
    b.continueAfter([request('reviewer', 'no entry fits'), request('writer', 'go'), request('writer', 'go again', 2)]);
    expect(b.unusedEntries()).toEqual([]);
    const error = await failureOf(b.generate(request('writer', 'go on', 3)));
    expect(error.message).toContain('/responses/0 would fit but is used up');
  });

  it('gives the same replies to the same calls every time', async () => {
    const responses = [
      { agent: '*', match: { regex: 'a' }, reply: { content: 'has a', toolCalls: [{ name: 't', arguments: { n: 1 } }] } },
      { agent: '*', reply: { content: 'rest' }, repeat: true },
    ];
    const calls = ['banana', 'apple', 'kiwi', 'grape'].map((prompt, i) => request('w', prompt, i + 1));
    const run = async (): Promise<unknown[]> => {
      const b = backend(responses);
      const out = [];
      for (const call of calls) out.push(await b.generate(call));
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('no fitting entry', () => {
  it('fails with no-script-match naming the script, agent, process, turn and prompt', async () => {
    const b = backend([{ agent: 'writer', reply: { content: 'x' } }]);
    const error = await failureOf(b.generate(request('reviewer', 'Please review   the\nchapter on lighting models in full detail, all of it, twice over', 4, 'reviewer#2')));
    expect(error.kind).toBe('no-script-match');
    expect(error.message).toContain('test.script.json');
    expect(error.message).toContain('agent "reviewer"');
    expect(error.message).toContain('process "reviewer#2"');
    expect(error.message).toContain('turn 4');
    expect(error.message).toContain('prompt "Please review the chapter on lighting models in full detail,…"');
  });

  it('says which entries would fit but are used up', async () => {
    const b = backend([{ agent: 'writer', reply: { content: 'x' } }]);
    await b.generate(request('writer', 'go'));
    const error = await failureOf(b.generate(request('writer', 'go', 2)));
    expect(error.kind).toBe('no-script-match');
    expect(error.message).toContain('/responses/0 would fit but is used up');
  });
});

describe('replies', () => {
  it('sends JSON content as its JSON text and omitted content as empty text', async () => {
    const b = backend([
      { agent: '*', reply: { content: { finish: { output: [1, 'two'] } } } },
      { agent: '*', reply: { toolCalls: [{ name: 'noop', arguments: {} }] } },
    ]);
    expect(await contentOf(b, request('w', 'go'))).toBe('{"finish":{"output":[1,"two"]}}');
    expect(await contentOf(b, request('w', 'go', 2))).toBe('');
  });

  it('returns tool calls with their arguments as JSON text, numbered ids and finish reason tool_calls', async () => {
    const b = backend([
      {
        agent: 'writer',
        reply: {
          content: 'writing',
          toolCalls: [
            { name: 'write_file', arguments: { path: '/out/a.md', text: 'hi' } },
            { id: 'mine', name: 'finish', arguments: '{"output": broken' },
          ],
        },
      },
    ]);
    const response = await b.generate(request('writer', 'go', 3));
    expect(response.toolCalls).toEqual([
      { id: 'call_3_1', name: 'write_file', arguments: '{"path":"/out/a.md","text":"hi"}' },
      { id: 'mine', name: 'finish', arguments: '{"output": broken' },
    ]);
    expect(response.finishReason).toBe('tool_calls');
  });

  it('finishes with stop by default and with the finish reason the entry gives', async () => {
    const b = backend([
      { agent: '*', reply: { content: 'done' } },
      { agent: '*', reply: { content: 'cut o', finishReason: 'length' } },
    ]);
    expect((await b.generate(request('w', 'a'))).finishReason).toBe('stop');
    expect((await b.generate(request('w', 'b', 2))).finishReason).toBe('length');
  });

  it('labels every reply and its usage as scripted, with the entry usage when given', async () => {
    const b = backend([{ agent: '*', reply: { content: 'ok' }, usage: { input: 120, output: 7 } }]);
    const response = await b.generate(request('w', 'go'));
    expect(response.scripted).toBe(true);
    expect(response.usage).toEqual({ input: 120, output: 7, source: 'scripted' });
  });

  it('estimates usage as characters / 4 rounded up when the entry gives none', async () => {
    const b = backend([{ agent: '*', reply: { content: 'abcde', toolCalls: [{ name: 'tool', arguments: { a: 1 } }] } }]);
    const response = await b.generate(request('w', 'hello'));
    // input: 'You are careful.' (16) + 'hello' (5) = 21 → 6; output: 'abcde' + 'tool' + '{"a":1}' = 16 → 4
    expect(response.usage).toEqual({ input: 6, output: 4, source: 'scripted' });
  });

  it('fails a call the way the entry says, and only once unless it repeats', async () => {
    const b = backend([
      { agent: '*', error: { kind: 'timeout' } },
      { agent: '*', error: { kind: 'unavailable', message: 'server overloaded' } },
      { agent: '*', reply: { content: 'recovered' } },
    ]);
    const first = await failureOf(b.generate(request('w', 'go')));
    expect(first.kind).toBe('timeout');
    expect(first.message).toContain('test.script.json at /responses/0');
    const second = await failureOf(b.generate(request('w', 'go', 2)));
    expect([second.kind, second.detail]).toEqual(['unavailable', 'server overloaded']);
    expect(await contentOf(b, request('w', 'go', 3))).toBe('recovered');
  });

  it('refuses a call whose signal is already aborted, without using an entry', async () => {
    const b = backend([{ agent: '*', reply: { content: 'ok' } }]);
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(b.generate({ ...request('w', 'go'), signal: controller.signal }));
    expect(error.kind).toBe('cancelled');
    expect(await contentOf(b, request('w', 'go'))).toBe('ok');
  });

  it('declares tools, streaming and JSON mode, under the name "scripted"', () => {
    const b = backend([]);
    expect([b.name, b.supportsTools(), b.supportsStreaming(), b.supportsJsonMode()]).toEqual(['scripted', true, true, true]);
  });
});

describe('streaming', () => {
  const responses = [
    { agent: '*', reply: { content: 'The quick brown fox jumps 🦊 over the lazy dog.', toolCalls: [{ name: 'write_file', arguments: { path: '/out/fox.md', text: 'fox' } }, { name: 'finish', arguments: {} }] }, usage: { input: 9, output: 3 } },
    { agent: '*', reply: { content: { answer: 42 } } },
  ];

  it('assembles to the same response as generate', async () => {
    const streamed = backend(responses);
    const whole = backend(responses);
    for (const turn of [1, 2]) {
      const call = request('w', 'go', turn);
      expect(await collectStream(streamed.stream(call), streamed.name)).toEqual(await whole.generate(call));
    }
  });

  it('sends content in several deltas, each tool call in pieces, and the usage last', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of backend(responses).stream(request('w', 'go'))) chunks.push(chunk);
    expect(chunks.filter((c) => c.kind === 'content').length).toBeGreaterThan(1);
    expect(chunks.filter((c) => c.kind === 'tool-call' && c.index === 0).length).toBe(2);
    expect(chunks.at(-1)).toEqual({ kind: 'finish', finishReason: 'tool_calls', usage: { input: 9, output: 3, source: 'scripted' }, scripted: true });
    expect(chunks.filter((c) => c.kind === 'finish')).toHaveLength(1);
  });

  it('fails the stream with no-script-match when nothing fits', async () => {
    const error = await failureOf(collectStream(backend([]).stream(request('w', 'go')), 'scripted'));
    expect(error.kind).toBe('no-script-match');
  });

  it('stops with cancelled when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const chunks: StreamChunk[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of backend(responses).stream({ ...request('w', 'go'), signal: controller.signal })) {
        chunks.push(chunk);
        controller.abort();
      }
    };
    const error = await failureOf(consume());
    expect(error.kind).toBe('cancelled');
    expect(chunks).toHaveLength(1);
  });
});

describe('malformed scripts', () => {
  const valid = { format: 'aos-script', version: 1, responses: [{ agent: 'writer', reply: { content: 'hi' } }] };

  function problemsOf(value: unknown): string[] {
    return scriptErrorOf(() => scriptFromObject(value, 'bad.json')).problems.map((p) => `${p.pointer}: ${p.message}`);
  }

  it('accepts a valid script', () => {
    expect(scriptFromObject(valid, 'ok.json').entries).toHaveLength(1);
  });

  it('reports invalid JSON with its file, line and column', () => {
    const text = '{\n  "format": "aos-script",\n  "version": 1,\n  "responses": [\n    { "agent": "writer", }\n  ]\n}\n';
    const error = scriptErrorOf(() => scriptFromText(text, 'scripts/bad.json'));
    expect(error.message).toBe('scripts/bad.json:5:26: not valid JSON: a trailing comma before "}"');
    expect(scriptErrorOf(() => scriptFromText('{"format": "aos-script",\n "version": 1 "responses": []}', 'x.json')).message).toBe('x.json:2:15: not valid JSON: comma expected before "responses"');
  });

  it('reports an empty file', () => {
    expect(scriptErrorOf(() => scriptFromText('  \n', 'empty.json')).message).toContain('empty.json:');
  });

  it('reports a schema violation with the JSON pointer and the line of the offending member', () => {
    const text = JSON.stringify({ ...valid, responses: [valid.responses[0], { agent: 'writer', turn: 0, reply: {} }] }, null, 2);
    const error = scriptErrorOf(() => scriptFromText(text, 'turns.json'));
    expect(error.problems).toHaveLength(1);
    const turnLine = text.split('\n').findIndex((line) => line.includes('"turn"')) + 1;
    expect(error.message).toBe(`turns.json:${turnLine}:7: "turn" must be >= 1 (at /responses/1/turn)`);
  });

  it('names a wrong format, version or type, and what was found', () => {
    expect(problemsOf({ ...valid, format: 'aos-scrpt', version: 2 })).toEqual(['/format: not a script: its "format" is the string "aos-scrpt"; a script begins {"format": "aos-script", "version": 1, …}']);
    expect(problemsOf({ ...valid, version: 2 })).toEqual(['/version: not a script this build reads: its "version" is the number 2, and this build reads version 1']);
    expect(problemsOf({ ...valid, responses: [{ agent: 'w', turn: '1', reply: {} }] })).toEqual(['/responses/0/turn: "turn" must be an integer, found the string "1"']);
  });

  it('says only that a document of another format or version is not a script it reads, whatever else it holds', () => {
    expect(problemsOf({ format: 'aos-script', version: 2, replies: [{ who: 'w' }] })).toEqual(['/version: not a script this build reads: its "version" is the number 2, and this build reads version 1']);
    expect(problemsOf({ workflow: 'docs-merge', version: '1.0.0', main: {} })).toEqual([': not a script: it has no "format"; a script begins {"format": "aos-script", "version": 1, …}']);
  });

  it('names an unknown property and the known ones', () => {
    const [problem] = problemsOf({ ...valid, responses: [{ agent: 'w', reply: { text: 'hi' } }] });
    expect(problem).toBe('/responses/0/reply/text: unknown property "text"; known: content, toolCalls, finishReason');
  });

  it('needs exactly one of reply and error in an entry', () => {
    expect(problemsOf({ ...valid, responses: [{ agent: 'w' }] })).toEqual(['/responses/0: an entry needs "reply" (what the model answers) or "error" (how the call fails)']);
    expect(problemsOf({ ...valid, responses: [{ agent: 'w', reply: {}, error: { kind: 'timeout' } }] })).toEqual(['/responses/0: an entry has "reply" or "error", not both']);
  });

  it('refuses a regex that does not compile and flags that would make matching stateful', () => {
    expect(problemsOf({ ...valid, responses: [{ agent: 'w', match: { regex: '(' }, reply: {} }] })[0]).toMatch(/^\/responses\/0\/match\/regex: "regex" is not a valid regular expression: /);
    expect(problemsOf({ ...valid, responses: [{ agent: 'w', match: { regex: 'a', flags: 'g' }, reply: {} }] })).toEqual(['/responses/0/match/flags: "flags" must be regex flags among i, m, s and u, found the string "g"']);
  });

  it('reads a script file and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-script-'));
    try {
      const path = join(dir, 'demo.script.json');
      writeFileSync(path, JSON.stringify(valid));
      expect(loadScript(path).source).toBe(path);
      const missing = join(dir, 'missing.json');
      expect(scriptErrorOf(() => loadScript(missing)).message).toMatch(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read the script: `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs/scripts.md', () => {
  it('its first example is a valid script that plays out as the text says', async () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/scripts.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const b = new ScriptedBackend(scriptFromText(example, 'docs/scripts.md'));
    const replies = [
      await contentOf(b, request('writer', 'Draft the note.', 1)),
      await contentOf(b, request('reviewer', 'Review: First draft.', 1)),
      await contentOf(b, request('writer', 'Revise: too short', 2)),
      await contentOf(b, request('reviewer', 'Review: A longer draft.', 2)),
      await contentOf(b, request('editor', 'Anything?', 1)),
    ];
    expect(replies).toEqual(['First draft.', '{"verdict":"revise","notes":["too short"]}', 'A longer draft.', '{"verdict":"approve","notes":[]}', 'I have nothing to add.']);
  });
});
