import { describe, expect, it } from 'vitest';
import { compileDsl, run } from './helpers.js';
import { finishReply } from '../../src/sim/fake-effects.js';
import type { EffectRequest } from '../../src/vm/effects.js';

const DECLS = `
model m { id "m" }
artifact answer schema { "type": "object", "required": ["sum"], "properties": { "sum": { "type": "integer" } } }
agent solver {
  model m
  budget { turns 4 tokens 400 time 1h }
  run {
    let a = attach answer { sum: 55 }
    exit a
  }
}
agent judge {
  role reviewer
  model m
  budget { turns 2 tokens 200 time 1h }
}
tool check { argv ["check", "--", $target] param target path }
task solve { owner solver produces [answer] verify by agent judge }
task solve-tool { owner solver produces [answer] verify by tool check { target: "/out/x" } }
`;

const judgeSays = (passed: boolean) => (req: EffectRequest) => (req.request['agent'] === 'judge' ? finishReply({ passed, note: 'scripted verdict' }) : finishReply(null));

describe('tasks and verification', () => {
  it('moves a task open → produced → verified, with the verdict on its artifacts', () => {
    const r = run(
      compileDsl(`workflow t version "1" ${DECLS}
main {
  let r = call solver task solve timeout 1m
  let v = verify solve with r.output
  exit v
}`),
      { fakes: { model: judgeSays(true) } },
    );
    expect(r.kernel.result?.status).toBe('ok');
    const tasks = r.kernel.core.tasks.all();
    expect(tasks.map((t) => t.state)).toEqual(['verified']);
    expect(r.log.filter((e) => e.kind.startsWith('task.')).map((e) => e.kind)).toEqual(['task.opened', 'task.produced', 'task.verified']);
    const artifact = r.kernel.core.artifacts.all()[0];
    expect(artifact?.verdicts).toEqual([{ by: 'judge#1', passed: true, verdict: { note: 'scripted verdict', passed: true } }]);
    // The program gets the verifier's verdict as it was given.
    expect(r.kernel.result?.output).toEqual({ note: 'scripted verdict', passed: true });
  });

  it('records a rejection, and the assigning process exits unverified if it never verifies', () => {
    const rejected = run(
      compileDsl(`workflow t version "1" ${DECLS}
main {
  let r = call solver task solve timeout 1m
  let v = verify solve with r.output
  exit v.passed
}`),
      { fakes: { model: judgeSays(false) } },
    );
    expect(rejected.kernel.core.tasks.all().map((t) => t.state)).toEqual(['rejected']);
    expect(rejected.kernel.result).toMatchObject({ status: 'ok', output: false });

    const skipped = run(
      compileDsl(`workflow t version "1" ${DECLS}
main {
  let r = call solver task solve timeout 1m
  exit r.status
}`),
    );
    expect(skipped.kernel.core.tasks.all().map((t) => t.state)).toEqual(['produced']);
    expect(skipped.kernel.result?.status).toBe('unverified');
    expect(skipped.log.at(-1)).toMatchObject({ kind: 'run.finished', data: { status: 'unverified' } });
  });

  it('verifies by tool: passed exactly when the tool exits 0', () => {
    for (const exitCode of [0, 1]) {
      const r = run(
        compileDsl(`workflow t version "1" ${DECLS}
main {
  let r = call solver task solve-tool timeout 1m
  let v = verify solve-tool
  exit v
}`),
        { fakes: { tool: () => ({ exit_code: exitCode, stdout: '', stderr: '' }) } },
      );
      const tool = r.log.find((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'tool');
      expect(tool?.data?.['request']).toMatchObject({ argv: ['check', '--', { path: '/out/x' }], tool: 'check' });
      expect(r.kernel.result?.output).toMatchObject({ passed: exitCode === 0, exit_code: exitCode });
      expect(r.kernel.core.tasks.all().map((t) => t.state)).toEqual([exitCode === 0 ? 'verified' : 'rejected']);
    }
  });

  it('lets a task called in one parallel branch be verified in another: branches assign tasks for their parent', () => {
    const r = run(
      compileDsl(`workflow t version "1" ${DECLS}
main {
  let r = null
  parallel {
    branch { set r = call solver task solve timeout 1m }
  }
  let v = null
  parallel {
    branch { set v = verify solve with r.output }
  }
  exit v
}`),
      { fakes: { model: judgeSays(true) } },
    );
    expect(r.kernel.result).toMatchObject({ status: 'ok', output: { passed: true } });
    expect(r.kernel.core.tasks.all().map((t) => [t.opener, t.state])).toEqual([['main', 'verified']]);
  });

  it('fails a task whose owner fails', () => {
    const r = run(
      compileDsl(`workflow t version "1"
model m { id "m" }
agent quitter { model m budget { turns 1 tokens 1 time 1h } run { fail "cannot" } }
task job { owner quitter }
main { let r = call quitter task job timeout 1m exit r }`),
    );
    expect(r.kernel.core.tasks.all().map((t) => t.state)).toEqual(['failed']);
    expect(r.log.find((e) => e.kind === 'task.failed')?.data).toEqual({ reason: 'cannot', task: 0 });
  });
});

describe('artifacts', () => {
  it('records kind, producer, incarnation, content hash and lineage; equal bytes stay two records', () => {
    const r = run(
      compileDsl(`workflow a version "1"
artifact note
artifact summary
main {
  let first = attach note "same bytes"
  let second = attach note "same bytes"
  let s = attach summary { from: [first, second] }
  exit s
}`),
    );
    const records = r.kernel.core.artifacts.all();
    expect(records.map((a) => [a.id, a.kind, a.producer, a.incarnation, a.inputs])).toEqual([
      [0, 'note', 'main', 1, []],
      [1, 'note', 'main', 1, []],
      [2, 'summary', 'main', 1, [0, 1]],
    ]);
    expect(records[0]?.hash).toBe(records[1]?.hash);
    expect(r.blobs.get(records[0]?.hash ?? '')).toBe('same bytes');
  });

  it('fails the process when a value breaks its artifact schema', () => {
    const r = run(
      compileDsl(`workflow a version "1"
artifact count schema { "type": "integer" }
main { let c = attach count "three" exit c }`),
    );
    expect(r.kernel.result).toMatchObject({ status: 'failed', reason: { kind: 'malformed-artifact', artifact: 'count' } });
    expect(r.kernel.core.artifacts.all()).toHaveLength(0);
  });
});
