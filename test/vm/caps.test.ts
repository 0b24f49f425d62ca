// Capability sets: what an agent declares, how a child's set is cut from its parent's, the order,
// request checks and the canonical JSON form.
import { describe, expect, it } from 'vitest';
import type { AgentEntry, CapsEntry } from '../../src/bytecode/format.js';
import { ALL_CAPS, allows, capsJson, capsWithin, declaredCaps, grantCaps, topicMatches, type Caps } from '../../src/vm/caps.js';

function agent(caps: CapsEntry, tools: number[] = []): AgentEntry {
  return { name: 'a', lineage: 'a', model: -1, prompt: -1, tools, mounts: [], caps, budget: {}, retry: -1, supervisor: -1, procedure: -1 };
}

const NONE: Caps = { spawn: new Set(), send: new Set(), topics: [], tools: new Set(), leases: [], signal: 'descendants' };
const caps = (fields: Partial<Caps>): Caps => ({ ...NONE, ...fields });

describe('topicMatches', () => {
  it('an exact pattern matches only itself', () => {
    expect(topicMatches('a.b', 'a.b')).toBe(true);
    expect(topicMatches('a.b', 'a.bc')).toBe(false);
    expect(topicMatches('a.b', 'a')).toBe(false);
  });

  it('a pattern ending in * matches every topic with that prefix, at any depth', () => {
    expect(topicMatches('a.*', 'a.b')).toBe(true);
    expect(topicMatches('a.*', 'a.b.c')).toBe(true);
    expect(topicMatches('a.*', 'a')).toBe(false);
    expect(topicMatches('a.*', 'ab.c')).toBe(false);
    expect(topicMatches('a.*', 'b.a.c')).toBe(false);
  });

  it('* alone matches every topic, and * inside a pattern is an ordinary character', () => {
    expect(['', 'a', 'a.b.c', '*'].every((t) => topicMatches('*', t))).toBe(true);
    expect(topicMatches('a.*.c', 'a.b.c')).toBe(false);
    expect(topicMatches('a.*.c', 'a.*.c')).toBe(true);
  });
});

describe('declaredCaps', () => {
  it('absent fields are empty sets and signal is descendants', () => {
    expect(capsJson(declaredCaps(agent({})))).toEqual({ leases: [], send: [], signal: 'descendants', spawn: [], tools: [], topics: [] });
  });

  it('holds the tools listed in the spec as well as caps.tools', () => {
    const c = declaredCaps(agent({ tools: [3] }, [1, 3]));
    expect(capsJson(c)).toMatchObject({ tools: [1, 3] });
    expect(allows(c, { kind: 'tool', tool: 1 })).toBe(true);
    expect(allows(c, { kind: 'tool', tool: 2 })).toBe(false);
  });

  it('an agent it may spawn it may also send to, as the checker promises', () => {
    const c = declaredCaps(agent({ spawn: [4], send: [2] }));
    expect(allows(c, { kind: 'send', agent: 4 })).toBe(true);
    expect(allows(c, { kind: 'send', agent: 2 })).toBe(true);
    expect(allows(c, { kind: 'spawn', agent: 2 })).toBe(false);
  });

  it('keeps topics and leases sorted and deduplicated, and signal as declared', () => {
    const c = declaredCaps(agent({ topics: ['b', 'a.*', 'b'], leases: ['z', 'gpu', 'z'], signal: 'any' }));
    expect(c.topics).toEqual(['a.*', 'b']);
    expect(c.leases).toEqual(['gpu', 'z']);
    expect(c.signal).toBe('any');
  });
});

describe('capsWithin', () => {
  it('everything is within ALL_CAPS, and ALL_CAPS is within nothing smaller', () => {
    const c = declaredCaps(agent({ spawn: [1], topics: ['*'], leases: ['x'], signal: 'any' }, [0]));
    expect(capsWithin(c, ALL_CAPS)).toBe(true);
    expect(capsWithin(ALL_CAPS, c)).toBe(false);
    expect(capsWithin(ALL_CAPS, ALL_CAPS)).toBe(true);
  });

  it('index sets are ordered by inclusion, with all on top', () => {
    expect(capsWithin(caps({ spawn: new Set([1]) }), caps({ spawn: new Set([1, 2]) }))).toBe(true);
    expect(capsWithin(caps({ spawn: new Set([3]) }), caps({ spawn: new Set([1, 2]) }))).toBe(false);
    expect(capsWithin(caps({ send: 'all' }), caps({ send: new Set([1, 2]) }))).toBe(false);
    expect(capsWithin(caps({ tools: new Set([9]) }), caps({ tools: 'all' }))).toBe(true);
  });

  it('a topic pattern is within another when every topic it matches, the other matches', () => {
    const within = (c: string[], p: string[] | 'all') => capsWithin(caps({ topics: c }), caps({ topics: p }));
    expect(within(['a.b'], ['a.*'])).toBe(true);
    expect(within(['a.b.*'], ['a.*'])).toBe(true);
    expect(within(['a.*'], ['*'])).toBe(true);
    expect(within(['a.*'], ['a.b.*'])).toBe(false);
    expect(within(['a.*'], ['a.b', 'a.c'])).toBe(false);
    expect(within(['a.*'], ['a'])).toBe(false);
    expect(within(['a'], ['a.*'])).toBe(false);
    expect(within(['a.b', 'c'], ['a.*', 'c'])).toBe(true);
    expect(within(['*'], 'all')).toBe(true);
  });

  it('all topics is within a list only when the list holds *', () => {
    expect(capsWithin(caps({ topics: 'all' }), caps({ topics: ['*'] }))).toBe(true);
    expect(capsWithin(caps({ topics: 'all' }), caps({ topics: ['a.*'] }))).toBe(false);
  });

  it('leases are exact names', () => {
    expect(capsWithin(caps({ leases: ['gpu'] }), caps({ leases: ['gpu', 'db'] }))).toBe(true);
    expect(capsWithin(caps({ leases: ['gpu*'] }), caps({ leases: ['gpu'] }))).toBe(false);
    expect(capsWithin(caps({ leases: 'all' }), caps({ leases: ['gpu'] }))).toBe(false);
  });

  it('signal descendants is below any', () => {
    expect(capsWithin(caps({ signal: 'descendants' }), caps({ signal: 'any' }))).toBe(true);
    expect(capsWithin(caps({ signal: 'any' }), caps({ signal: 'descendants' }))).toBe(false);
  });
});

describe('grantCaps', () => {
  it('from ALL_CAPS a child gets exactly what it requested', () => {
    const requested = declaredCaps(agent({ spawn: [2, 1], topics: ['x', 'a.*'], leases: ['l'], signal: 'any' }, [5]));
    expect(capsJson(grantCaps(ALL_CAPS, requested))).toEqual(capsJson(requested));
  });

  it('never gives a child more than its parent holds', () => {
    const parent = caps({ spawn: new Set([1, 2]), tools: new Set([0]), leases: ['gpu'], signal: 'descendants' });
    const requested = caps({ spawn: new Set([2, 3]), tools: 'all', leases: ['gpu', 'db'], signal: 'any' });
    const child = grantCaps(parent, requested);
    expect(capsJson(child)).toEqual({ leases: ['gpu'], send: [], signal: 'descendants', spawn: [2], tools: [0], topics: [] });
    expect(capsWithin(child, parent)).toBe(true);
    expect(capsWithin(child, requested)).toBe(true);
  });

  it('all meets all as all, and all meets a set as that set', () => {
    expect(grantCaps(ALL_CAPS, ALL_CAPS)).toEqual(ALL_CAPS);
    expect(capsJson(grantCaps(ALL_CAPS, caps({ send: new Set([7]) })))).toMatchObject({ send: [7] });
  });

  it('topic lists meet by keeping the narrower pattern of each nested pair', () => {
    const meet = (a: string[] | 'all', b: string[] | 'all') => grantCaps(caps({ topics: a }), caps({ topics: b })).topics;
    expect(meet(['a.*'], ['a.b', 'a.c.*', 'b'])).toEqual(['a.b', 'a.c.*']);
    expect(meet(['*'], ['z', 'a.*'])).toEqual(['a.*', 'z']);
    expect(meet(['a.b.*', 'a.*'], ['a.*'])).toEqual(['a.*', 'a.b.*']);
    expect(meet(['a.b'], ['a.c'])).toEqual([]);
    expect(meet(['a.*'], ['a'])).toEqual([]);
    expect(meet('all', ['b', 'a', 'b'])).toEqual(['a', 'b']);
    expect(meet('all', 'all')).toBe('all');
  });
});

describe('allows', () => {
  const held = caps({ spawn: new Set([1]), send: new Set([2]), topics: ['build.*', 'progress'], tools: new Set([0]), leases: ['gpu'] });

  it('checks each kind of request against its own field', () => {
    expect(allows(held, { kind: 'spawn', agent: 1 })).toBe(true);
    expect(allows(held, { kind: 'spawn', agent: 2 })).toBe(false);
    expect(allows(held, { kind: 'send', agent: 2 })).toBe(true);
    expect(allows(held, { kind: 'send', agent: 1 })).toBe(false);
    expect(allows(held, { kind: 'tool', tool: 0 })).toBe(true);
    expect(allows(held, { kind: 'tool', tool: 1 })).toBe(false);
    expect(allows(held, { kind: 'lease', resource: 'gpu' })).toBe(true);
    expect(allows(held, { kind: 'lease', resource: 'gpu2' })).toBe(false);
  });

  it('a topic is allowed when a held pattern matches it', () => {
    expect(allows(held, { kind: 'topic', topic: 'build.linux.x64' })).toBe(true);
    expect(allows(held, { kind: 'topic', topic: 'progress' })).toBe(true);
    expect(allows(held, { kind: 'topic', topic: 'progress.done' })).toBe(false);
    expect(allows(held, { kind: 'topic', topic: 'build' })).toBe(false);
  });

  it('a subscription pattern is allowed only when it lies within a held pattern', () => {
    expect(allows(held, { kind: 'topic', topic: 'build.linux.*' })).toBe(true);
    expect(allows(held, { kind: 'topic', topic: 'build.*' })).toBe(true);
    expect(allows(held, { kind: 'topic', topic: 'b*' })).toBe(false);
    expect(allows(held, { kind: 'topic', topic: '*' })).toBe(false);
    expect(allows(caps({ topics: ['*'] }), { kind: 'topic', topic: '*' })).toBe(true);
  });

  it('signals reach descendants always, anyone else only with signal any', () => {
    expect(allows(held, { kind: 'signal', descendant: true })).toBe(true);
    expect(allows(held, { kind: 'signal', descendant: false })).toBe(false);
    expect(allows(caps({ signal: 'any' }), { kind: 'signal', descendant: false })).toBe(true);
  });

  it('ALL_CAPS allows every request', () => {
    expect(allows(ALL_CAPS, { kind: 'spawn', agent: 99 })).toBe(true);
    expect(allows(ALL_CAPS, { kind: 'topic', topic: '*' })).toBe(true);
    expect(allows(ALL_CAPS, { kind: 'lease', resource: 'anything' })).toBe(true);
    expect(allows(ALL_CAPS, { kind: 'signal', descendant: false })).toBe(true);
  });
});

describe('capsJson', () => {
  it('is canonical: sorted keys, sorted number arrays, sorted unique names, all as "all"', () => {
    const json = capsJson(caps({ spawn: new Set([10, 2, 1]), send: 'all', topics: ['b', 'a', 'b'], leases: ['y', 'x'], signal: 'any' }));
    expect(JSON.stringify(json)).toBe('{"leases":["x","y"],"send":"all","signal":"any","spawn":[1,2,10],"tools":[],"topics":["a","b"]}');
  });

  it('gives equal JSON for equal sets built in different orders', () => {
    const a = capsJson(caps({ tools: new Set([3, 1, 2]) }));
    const b = capsJson(caps({ tools: new Set([2, 3, 1]) }));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
