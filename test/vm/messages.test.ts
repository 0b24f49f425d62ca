import { describe, expect, it } from 'vitest';
import { compileDsl, run } from './helpers.js';

const HEADER = `
model m { id "m" }
`;

describe('mailboxes through the kernel', () => {
  it('delivers per-pair FIFO and exactly once, and recv from anyone takes the oldest', () => {
    const bc = compileDsl(`workflow fifo version "1" ${HEADER}
agent talker {
  model m
  budget { turns 1 tokens 1 time 1h }
  run {
    send parent { from: input, n: 1 }
    send parent { from: input, n: 2 }
    send parent { from: input, n: 3 }
  }
}
main {
  let a = spawn talker with "a"
  let b = spawn talker with "b"
  let got = []
  loop max 6 {
    let m = recv timeout 1m
    set got = [got, m]
  }
  exit got
}`);
    const r = run(bc, { options: { policy: 'random' }, seed: '7' });
    expect(r.kernel.result?.status).toBe('ok');
    const sent = r.log.filter((e) => e.kind === 'msg.sent').map((e) => e.data?.['msg']);
    const received = r.log.filter((e) => e.kind === 'msg.received').map((e) => e.data?.['msg']);
    // Exactly once, and in the order they were sent (recv from anyone takes the oldest).
    expect(received).toEqual(sent);
    const bySender = (who: string) => r.log.filter((e) => e.kind === 'msg.sent' && (e.data?.['value'] as { from: string }).from === who).map((e) => (e.data?.['value'] as { n: number }).n);
    expect(bySender('a')).toEqual([1, 2, 3]);
    expect(bySender('b')).toEqual([1, 2, 3]);
  });

  it('turns a message to a name that ended for good into a dead letter', () => {
    const bc = compileDsl(`workflow dead version "1" ${HEADER}
agent quick {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { exit "bye" }
}
main {
  let q = spawn quick
  let done = await q timeout 1m
  send q "too late"
  exit done
}`);
    const r = run(bc);
    expect(r.kernel.result?.status).toBe('ok');
    const dead = r.log.filter((e) => e.kind === 'msg.dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.pid).toBe('main');
    expect(dead[0]?.data).toMatchObject({ to: 'quick#1', value: 'too late' });
    expect(r.log.some((e) => e.kind === 'msg.sent')).toBe(false);
  });

  it('makes the unread messages of a process that ended for good dead letters', () => {
    const bc = compileDsl(`workflow unread version "1" ${HEADER}
agent sleeper {
  model m
  budget { turns 1 tokens 1 time 1h }
  run { sleep 10s exit "done" }
}
main {
  let s = spawn sleeper
  send s "never read"
  let done = await s timeout 1m
  exit done
}`);
    const r = run(bc);
    const dead = r.log.filter((e) => e.kind === 'msg.dead');
    expect(dead.map((e) => e.data?.['value'])).toEqual(['never read']);
  });

  it('gives null when recv times out, after exactly its timeout of virtual time', () => {
    const bc = compileDsl(`workflow quiet version "1" ${HEADER}
main {
  let m = recv timeout 90s
  exit m
}`);
    const r = run(bc);
    expect(r.kernel.result).toMatchObject({ status: 'ok', output: null });
    expect(r.now).toBe(90_000);
  });

  it('publishes to subscribers in subscription order, one message each', () => {
    const bc = compileDsl(`workflow topics version "1" ${HEADER}
agent listener {
  model m
  caps { topics ["news.*"] }
  budget { turns 1 tokens 1 time 1h }
  run {
    subscribe "news.daily"
    send parent "ready"
    let item = recv timeout 1m
    exit item
  }
}
main {
  let a = spawn listener
  let b = spawn listener
  let r1 = recv from a timeout 1m
  let r2 = recv from b timeout 1m
  publish "news.daily" { headline: "x" }
  let x = await a timeout 1m
  let y = await b timeout 1m
  exit [x.output, y.output]
}`);
    const r = run(bc);
    expect(r.kernel.result?.status).toBe('ok');
    const published = r.log.find((e) => e.kind === 'topic.published');
    expect(published?.data?.['to']).toEqual(['listener#1', 'listener#2']);
    expect(r.kernel.result?.output).toEqual([{ headline: 'x' }, { headline: 'x' }]);
  });
});
