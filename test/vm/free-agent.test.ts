import { describe, expect, it } from 'vitest';
import { compileDsl, liveProcess, run } from './helpers.js';
import { agentContext, finishReply, SCRIPTED_HANDOFF } from '../../src/sim/fake-effects.js';
import type { EffectRequest } from '../../src/vm/effects.js';
import type { HostView } from '../../src/sim/simulated-host.js';
import type { JsonValue } from '../../src/bytecode/json.js';

const WORKFLOW = `workflow free version "1"
model m { id "m" }
retry twice { attempts 2 backoff 3s on [malformed_output] }
tool count { argv ["wc", "-l", "--", $file] param file path in "/docs" }
agent helper {
  model m
  prompt "Answer with a finish object."
  tools [count]
  mount reference "/docs" from "inputs/docs-merge"
  mount shared "/out"
  caps { spawn [aide] }
  retry twice
  budget { turns 6 tokens 1000 time 1h }
}
agent aide {
  model m
  budget { turns 1 tokens 100 time 1h }
}
task answer { owner helper description "Say hello." }
main {
  let r = call helper task answer with { name: "world" } timeout 1h
  exit r
}`;

/** A reply that calls tools. */
const calls = (...list: [string, JsonValue][]): JsonValue => ({ content: '', toolCalls: list.map(([name, args], i) => ({ arguments: JSON.stringify(args), id: `c${i}`, name })) });

/** Scripted replies for the helper, turn by turn; the aide always finishes at once. */
function script(turns: JsonValue[]) {
  return (req: EffectRequest, _host: HostView): JsonValue => {
    if (req.request['agent'] === 'aide') return finishReply('aide done');
    const turn = Number(req.request['turn']);
    return turns[Math.min(turn, turns.length) - 1] ?? null;
  };
}

describe('free agents', () => {
  it('asks the model with its conversation in a blob and ends with the output of finish', () => {
    let seen: ReturnType<typeof agentContext> | undefined;
    // Each process's agent loop as last seen while it lived.
    const loops: Record<string, unknown> = {};
    const r = run(compileDsl(WORKFLOW), {
      observe: (kernel) => {
        for (const name of ['helper#1', 'main']) {
          const loop = liveProcess(kernel, name)?.loop;
          if (loop !== undefined) loops[name] = loop === null ? null : { continuation: loop.continuation, feedback: loop.feedback, turns: loop.turns };
        }
      },
      fakes: {
        model: (req, host) => {
          seen = agentContext(req, host);
          return finishReply('hello world');
        },
      },
    });
    expect(r.kernel.result?.output).toEqual({ output: 'hello world', status: 'ok' });
    const request = r.log.find((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model')?.data?.['request'];
    expect(request).toMatchObject({ agent: 'helper', messages: 2, turn: 1 });
    expect(seen?.messages[0]).toEqual({ content: 'Answer with a finish object.', role: 'system' });
    expect(seen?.messages[1]?.content).toContain('Task answer: Say hello.');
    expect(seen?.messages[1]?.content).toContain('Input: {"name":"world"}');
    expect(seen?.tools.map((t) => t.name)).toEqual(['finish', 'fail', 'read_file', 'write_file', 'send_message', 'spawn_agent', 'await_agent', 'attach_artifact', 'count']);
    // finish records its handoff as an artifact of the agent.
    const handoff = r.kernel.core.artifacts.all().find((a) => a.kind === 'handoff');
    expect(handoff?.producer).toBe('helper#1');
    expect(r.blobs.get(handoff?.hash ?? '')).toBe(JSON.stringify(SCRIPTED_HANDOFF));
    // Only the free agent has an agent loop (last seen waiting for its first reply); main runs a program.
    expect(loops).toEqual({ 'helper#1': { continuation: expect.any(Function), feedback: null, turns: 0 }, main: null });
  });

  it('runs tool calls as syscalls and feeds their results back on the next turn', () => {
    let last: ReturnType<typeof agentContext> | undefined;
    const replies = script([
      calls(['read_file', { path: '/docs/a.md' }], ['write_file', { path: '/out/b.md', content: 'B' }], ['count', { file: '/docs/a.md' }]),
      calls(['read_file', { path: '/docs/../etc/passwd' }], ['write_file', { path: '/docs/x.md', content: 'no' }]),
      finishReply('done'),
    ]);
    const r = run(compileDsl(WORKFLOW), {
      fakes: {
        files: new Map([['/docs/a.md', '# A']]),
        model: (req, host) => {
          last = agentContext(req, host);
          return replies(req, host);
        },
        tool: () => ({ exit_code: 0, stdout: '1 /docs/a.md\n', stderr: '' }),
      },
    });
    expect(r.kernel.result?.output).toEqual({ output: 'done', status: 'ok' });
    expect(r.files.get('/out/b.md')).toBe('B');
    const results = last?.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as Record<string, unknown>);
    expect(results?.[0]).toEqual({ content: '# A' });
    expect(results?.[1]).toEqual({ written: '/out/b.md' });
    expect(results?.[2]).toMatchObject({ exit_code: 0, stdout: '1 /docs/a.md\n' });
    // An escape and a write to a read-only mount are refused and told to the model.
    expect(results?.[3]).toMatchObject({ error: { kind: 'no-mount' } });
    expect(results?.[4]).toMatchObject({ error: { kind: 'read-only' } });
  });

  it('delegates: spawn_agent then await_agent returns the child\'s final exit', () => {
    let last: ReturnType<typeof agentContext> | undefined;
    const replies = script([calls(['spawn_agent', { agent: 'aide', input: 'help' }]), calls(['await_agent', { process: 'aide#1' }]), finishReply('delegated')]);
    const r = run(compileDsl(WORKFLOW), {
      fakes: {
        model: (req, host) => {
          if (req.request['agent'] === 'helper') last = agentContext(req, host);
          return replies(req, host);
        },
      },
    });
    expect(r.kernel.result?.output).toEqual({ output: 'delegated', status: 'ok' });
    const results = last?.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as unknown);
    expect(results).toEqual([{ process: 'aide#1' }, { output: 'aide done', status: 'ok' }]);
  });

  it('answers invalid arguments and unknown tools with an error result, and denies spawning what caps do not allow', () => {
    let last: ReturnType<typeof agentContext> | undefined;
    const replies = script([calls(['read_file', { file: '/docs/a.md' }], ['launch_missiles', {}], ['spawn_agent', { agent: 'helper' }]), finishReply('ok')]);
    const r = run(compileDsl(WORKFLOW), {
      fakes: {
        model: (req, host) => {
          last = agentContext(req, host);
          return replies(req, host);
        },
      },
    });
    const results = last?.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as { error: { kind: string } });
    expect(results?.map((x) => x.error.kind)).toEqual(['invalid-arguments', 'unknown-tool', 'denied']);
    expect(r.log.filter((e) => e.kind === 'cap.denied').map((e) => e.data?.['op'])).toEqual(['spawn']);
    expect(r.kernel.result?.output).toEqual({ output: 'ok', status: 'ok' });
  });

  it('feeds a reply that calls no tool back after the backoff, then fails when the retries run out', () => {
    let last: ReturnType<typeof agentContext> | undefined;
    const r = run(compileDsl(WORKFLOW), {
      fakes: {
        model: (req, host) => {
          last = agentContext(req, host);
          return 'not a tool call';
        },
      },
    });
    const models = r.log.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model');
    expect(models).toHaveLength(2);
    expect(last?.messages.at(-1)).toEqual({ content: 'the reply called no tool: call a tool, or finish with the output and a handoff', role: 'user' });
    expect(r.log.filter((e) => e.kind === 'output.malformed')).toHaveLength(2);
    expect(r.log.find((e) => e.kind === 'retry.scheduled')?.data).toEqual({ attempt: 2, backoff: 3000, on: 'malformed_output' });
    expect(r.kernel.result?.output).toMatchObject({ status: 'failed', reason: { kind: 'malformed-output' } });
  });

  it('refuses finish without a handoff: the model is told, and may finish properly', () => {
    const replies = script([calls(['finish', { output: 'x' }]), finishReply('x')]);
    const r = run(compileDsl(WORKFLOW), { fakes: { model: replies } });
    expect(r.kernel.result?.output).toEqual({ output: 'x', status: 'ok' });
    expect(r.log.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model')).toHaveLength(2);
  });

  it('fails when its turns run out, before asking again', () => {
    let asked = 0;
    const r = run(compileDsl(WORKFLOW.replace('turns 6', 'turns 1')), {
      fakes: {
        model: () => {
          asked++;
          return 'still thinking';
        },
      },
    });
    expect(asked).toBe(1);
    expect(r.log.find((e) => e.kind === 'budget.exhausted')?.data).toEqual({ limit: 'turns' });
  });
});
