import { describe, expect, it } from 'vitest';
import type { Statement } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

const publish = (topic: string): Statement => ({ kind: 'publish', topic, value: 1 });
const subscribe = (topic: string): Statement => ({ kind: 'subscribe', topic });

describe('topic-without-subscriber', () => {
  it('warns once per topic, at its first publish', () => {
    expect(found(workflow({ main: [publish('news.x'), publish('news.x'), subscribe('news.y')] }), 'topic-without-subscriber')).toEqual([
      { severity: 'warning', pointer: '/main/body/0/topic', message: 'topic "news.x" is published, but no subscribe statement matches it', hints: [] },
    ]);
  });

  it('counts subscriptions anywhere, by exact topic or prefix pattern', () => {
    const ast = workflow({
      agents: [{ name: 'a', program: [subscribe('news.*')] }],
      main: [publish('news.x'), publish('chat'), subscribe('chat'), publish('chatter')],
    });
    expect(found(ast, 'topic-without-subscriber').map((d) => d.pointer)).toEqual(['/main/body/3/topic']);
  });

  it('is quiet when every topic has a subscriber', () => {
    expect(found(workflow({ main: [subscribe('*'), publish('a'), publish('b.c')] }), 'topic-without-subscriber')).toEqual([]);
  });
});
