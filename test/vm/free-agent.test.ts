import { describe, expect, it } from 'vitest';
import { compileDsl, run } from './helpers.js';

const WORKFLOW = `workflow free version "1"
model m { id "m" }
retry twice { attempts 2 backoff 3s on [malformed_output] }
agent helper {
  model m
  prompt "Answer with a finish object."
  retry twice
  budget { turns 3 tokens 1000 time 1h }
}
task answer { owner helper description "Say hello." }
main {
  let r = call helper task answer with { name: "world" } timeout 1h
  exit r
}`;

describe('free agents', () => {
  it('asks the model with its context and ends with the output of a finish reply', () => {
    const r = run(compileDsl(WORKFLOW), { fakes: { model: () => ({ finish: { output: 'hello world' } }) } });
    expect(r.kernel.result?.output).toEqual({ output: 'hello world', status: 'ok' });
    const request = r.log.find((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model')?.data?.['request'];
    expect(request).toMatchObject({
      agent: 'helper',
      input: { name: 'world' },
      system: 'Answer with a finish object.',
      task: { description: 'Say hello.', name: 'answer' },
      turn: 1,
    });
  });

  it('feeds a malformed reply back after the backoff, then fails when the retries run out', () => {
    const r = run(compileDsl(WORKFLOW), { fakes: { model: () => 'not json at all' } });
    const models = r.log.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'model').map((e) => e.data?.['request'] as Record<string, unknown>);
    expect(models).toHaveLength(2);
    expect(models[1]?.['feedback']).toMatch(/not JSON/);
    expect(r.log.filter((e) => e.kind === 'output.malformed')).toHaveLength(2);
    expect(r.log.find((e) => e.kind === 'retry.scheduled')?.data).toEqual({ attempt: 2, backoff: 3000, on: 'malformed_output' });
    expect(r.kernel.result?.output).toMatchObject({ status: 'failed', reason: { kind: 'malformed-output' } });
  });

  it('fails when its turns run out, before asking again', () => {
    let calls = 0;
    const r = run(compileDsl(WORKFLOW.replace('turns 3', 'turns 1')), {
      fakes: {
        model: () => {
          calls++;
          return 'still thinking';
        },
      },
    });
    expect(calls).toBe(1);
    expect(r.log.find((e) => e.kind === 'budget.exhausted')?.data).toEqual({ limit: 'turns' });
  });
});
