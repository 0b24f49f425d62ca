import { describe, expect, it } from 'vitest';
import { TopicSet } from '../../../src/compiler/checks/topic-set.js';

describe('TopicSet', () => {
  it('matches literal topics exactly and patterns by prefix', () => {
    const set = new TopicSet(['chat', 'news.*']);
    expect(['chat', 'chatter', 'news.x', 'news.', 'news'].map((t) => set.covers(t))).toEqual([true, false, true, true, false]);
  });

  it('covers a pattern only with an equal or wider pattern', () => {
    const set = new TopicSet(['news.*', 'a.b']);
    expect(['news.sport.*', 'news.*', 'new*', 'a.*'].map((t) => set.covers(t))).toEqual([true, true, false, false]);
    expect(new TopicSet(['*']).covers('anything.*')).toBe(true);
  });
});
