import { describe, expect, it } from 'vitest';
import { compileDsl, run } from './helpers.js';

// The checker rejects programs that use capabilities they do not hold, so a denial at run time
// needs a target known only at run time: a handle passed in a message.
const WORKFLOW = `workflow handles version "1"
model m { id "m" }
agent target {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { let x = recv timeout 1m exit x }
}
agent meddler {
  model m
  budget { turns 1 tokens 1 time 1h }
  run {
    let victim = recv from parent timeout 1m
    OPERATION
    exit "done"
  }
}
main {
  let t = spawn target
  let m = spawn meddler
  send m t
  let result = await m timeout 1m
  signal t kill
  exit result
}`;

describe('capabilities at run time', () => {
  it('denies a send to a process the sender holds no capability for: an event, and the sender fails', () => {
    const r = run(compileDsl(WORKFLOW.replace('OPERATION', 'send victim "hello"')));
    const denied = r.log.filter((e) => e.kind === 'cap.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ pid: 'meddler#1', data: { op: 'send', detail: { to: 'target#1' } } });
    expect(r.log.some((e) => e.kind === 'msg.sent' && e.pid === 'meddler#1')).toBe(false);
    expect(r.kernel.result?.output).toMatchObject({ status: 'failed', reason: { kind: 'denied', op: 'send' } });
  });

  it('denies a signal to a process that is not a descendant', () => {
    const r = run(compileDsl(WORKFLOW.replace('OPERATION', 'signal victim kill')));
    expect(r.log.filter((e) => e.kind === 'cap.denied').map((e) => e.data?.['op'])).toEqual(['signal']);
    // The target was not killed by the meddler: only main's kill reached it.
    const signals = r.log.filter((e) => e.kind === 'proc.signalled' && e.pid === 'target#1');
    expect(signals.map((e) => e.data?.['from'])).toEqual(['main']);
  });

  it('grants a child only the intersection of its declared capabilities and its parent\'s', () => {
    const r = run(
      compileDsl(`workflow narrow version "1"
model m { id "m" }
agent leaf {
  model m
  caps { topics ["a.b"] leases ["gpu"] }
  budget { turns 1 tokens 1 time 1h }
  run { exit "leaf" }
}
agent middle {
  model m
  caps { spawn [leaf] topics ["a.*"] leases ["gpu", "disk"] }
  budget { turns 2 tokens 2 time 1h }
  run { let r = call leaf timeout 1m exit r }
}
main { let r = call middle timeout 1m exit r }`),
    );
    const spawned = Object.fromEntries(r.log.filter((e) => e.kind === 'proc.spawned').map((e) => [e.pid, e.data?.['caps']]));
    expect(spawned['middle#1']).toMatchObject({ leases: ['disk', 'gpu'], topics: ['a.*'] });
    expect(spawned['leaf#1']).toMatchObject({ leases: ['gpu'], topics: ['a.b'], spawn: [] });
  });

  it('carves a child\'s budget from its parent\'s remainder and returns what it did not use', () => {
    const r = run(
      compileDsl(`workflow carve version "1"
model m { id "m" }
agent leaf {
  model m
  budget { turns 5 tokens 500 time 1h }
  run { exit "leaf" }
}
agent middle {
  model m
  caps { spawn [leaf] }
  budget { turns 8 tokens 800 time 2h }
  run {
    let a = call leaf timeout 1m
    let b = call leaf timeout 1m
    let c = spawn leaf
    let d = spawn leaf
    exit [a, b]
  }
}
main { let r = call middle timeout 1m exit r }`),
    );
    const budgets = r.log.filter((e) => e.kind === 'proc.spawned' && String(e.pid).startsWith('leaf')).map((e) => e.data?.['budget']);
    // A call's unused budget comes back when it ends, so the next call gets its full grant; two
    // children alive at once share what the parent has: the second gets only the remainder.
    expect(budgets).toEqual([
      { time: 3_600_000, tokens: 500, turns: 5 },
      { time: 3_600_000, tokens: 500, turns: 5 },
      { time: 3_600_000, tokens: 500, turns: 5 },
      { time: 3_600_000, tokens: 300, turns: 3 },
    ]);
  });
});
