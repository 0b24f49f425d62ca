// What the kernel keeps of a process once its name has ended for good: its identity, its exit and
// its accounts, and nothing of what it ran with (input, frame, inbox, conversation, checkpoint),
// while await, send, signals and the accounts still answer for it.
import { describe, expect, it } from 'vitest';
import { finishReply } from '../../src/sim/fake-effects.js';
import { compileDsl, run } from './helpers.js';

const BIG = 'x'.repeat(10_000);

const WORKFLOW = `workflow ended version "1"
model m { id "m" }
agent helper {
  model m
  prompt "Answer with a finish object."
  budget { turns 3 tokens 1000 time 1h }
}
agent keeper {
  model m
  budget { turns 1 tokens 100 time 1h }
  run {
    checkpoint { kept: input }
    let m = recv timeout 1m
    sleep 20ms
    if m == null { fail "no message" }
    exit "received"
  }
}
main {
  let h = spawn helper with "${BIG}"
  let k = spawn keeper with "${BIG}"
  send k "${BIG}"
  let rh = await h timeout 1h
  let rk = await k timeout 1h
  send k "too late"
  signal k kill
  let again = await k
  exit [rh.status, rk.status, again.output == rk.output]
}`;

const KEPT = ['agent', 'budget', 'exit', 'final', 'incarnation', 'kind', 'name', 'parent', 'procedure', 'state'];

describe('a process that ended for good', () => {
  const r = run(compileDsl(WORKFLOW), { fakes: { model: () => finishReply('done') } });

  it('keeps only its identity, its exit and its accounts', () => {
    expect(r.kernel.result).toEqual({ status: 'ok', output: ['ok', 'ok', true] });
    for (const name of ['helper#1', 'keeper#1']) {
      const record = r.kernel.core.processes.get(name);
      expect(Object.keys(record ?? {}).sort(), name).toEqual(KEPT);
      // None of the 10 kB it was given, sent or checkpointed is left in it.
      const { budget: _budget, ...rest } = record ?? {};
      expect(JSON.stringify(rest).length, name).toBeLessThan(300);
    }
  });

  it('still answers for its exit and its accounts', () => {
    const helper = r.kernel.core.processes.get('helper#1');
    expect(helper).toMatchObject({ exit: { output: 'done', status: 'ok' }, final: true, incarnation: 1, kind: 'agent', parent: 'main', state: 'exited' });
    expect(helper?.budget.used).toEqual({ time: 0, tokens: 15, turns: 1 });
    expect(r.kernel.core.processes.get('keeper#1')?.budget.used.time).toBe(20);
    // A message to it is a dead letter, and a signal is recorded and changes nothing.
    expect(r.log.filter((e) => e.kind === 'msg.dead').map((e) => e.data?.['value'])).toEqual(['too late']);
    expect(r.log.filter((e) => e.pid === 'keeper#1' && e.kind === 'proc.exited')).toHaveLength(1);
  });
});
