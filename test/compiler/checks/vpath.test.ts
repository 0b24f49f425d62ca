import { describe, expect, it } from 'vitest';
import { insideAny, isInside, pathProblem, sourceProblem } from '../../../src/compiler/checks/vpath.js';

describe('virtual paths', () => {
  it('accepts absolute normalised paths only', () => {
    expect(['/', '/a', '/a/b.c', '/a/..b', '/.hidden'].map(pathProblem)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(['a', '/a/', '//a', '/a/./b', '/a/..', '/..'].map(pathProblem)).toEqual([
      'is not absolute',
      'ends with "/"',
      'has an empty segment',
      'has a "." segment',
      'has a ".." segment',
      'has a ".." segment',
    ]);
  });

  it('compares by whole segments', () => {
    expect(isInside('/out/x', '/out')).toBe(true);
    expect(isInside('/out', '/out')).toBe(true);
    expect(isInside('/out-evil', '/out')).toBe(false);
    expect(isInside('/anything', '/')).toBe(true);
  });

  it('finds the enclosing directory among few or many', () => {
    const many = new Set(Array.from({ length: 20 }, (_, i) => `/m${i}`));
    expect(insideAny('/m7/a/b', many)).toBe(true);
    expect(insideAny('/m7x/a', many)).toBe(false);
    expect(insideAny('/m1/a', new Set(['/m1']))).toBe(true);
    expect(insideAny('/m10', new Set(['/m1']))).toBe(false);
  });

  it('wants mount sources relative and without ".."', () => {
    expect([sourceProblem('inputs/a'), sourceProblem('/etc'), sourceProblem('C:\\x'), sourceProblem('a/../../b')]).toEqual([
      undefined,
      'is absolute; sources are relative to the workflow',
      'is absolute; sources are relative to the workflow',
      'has a ".." segment',
    ]);
  });
});
