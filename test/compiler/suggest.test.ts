import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/compiler/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('summarizer', 'sumarizer')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of adjacent characters as one edit', () => {
    expect(editDistance('budgte', 'budget')).toBe(1);
    expect(editDistance('rloe', 'role')).toBe(1);
  });
});

describe('closest', () => {
  it('suggests a close known name', () => {
    expect(closest('budgte', ['name', 'budget', 'tools'])).toBe('budget');
    expect(closest('sumarizer', ['writer', 'summarizer'])).toBe('summarizer');
  });

  it('suggests nothing when every candidate is far, or only the name itself matches', () => {
    expect(closest('xyzzy', ['name', 'budget'])).toBeUndefined();
    expect(closest('ab', ['xy'])).toBeUndefined();
    expect(closest('role', ['role'])).toBeUndefined();
  });

  it('breaks ties by candidate order', () => {
    expect(closest('=', ['==', '!='])).toBe('==');
    expect(closest('=', ['!=', '=='])).toBe('!=');
  });
});
