import { describe, expect, it } from 'vitest';
import { ScopeStack } from '../../../src/compiler/checks/scope.js';

const decl = (name: string, seq: number) => ({ name, seq, pointer: `/p/${seq}` });

describe('ScopeStack', () => {
  it('reports a second declaration in one frame and keeps the first', () => {
    const s = new ScopeStack();
    s.enter();
    expect(s.declare(decl('x', 1))).toBeUndefined();
    expect(s.declare(decl('x', 2))).toEqual(decl('x', 1));
    expect(s.lookup('x')).toEqual(decl('x', 1));
  });

  it('lets an inner frame shadow, and restores the outer declaration on exit', () => {
    const s = new ScopeStack();
    s.enter();
    s.declare(decl('x', 1));
    s.enter();
    expect(s.declare(decl('x', 2))).toBeUndefined();
    expect(s.lookup('x')?.seq).toBe(2);
    s.exit();
    expect(s.lookup('x')?.seq).toBe(1);
    s.enter();
    expect(s.declare(decl('x', 3))).toBeUndefined();
    s.exit();
    s.exit();
    expect(s.lookup('x')).toBeUndefined();
    expect(s.visible()).toEqual([]);
  });

  it('starts a process with the kernel-filled variables', () => {
    const s = new ScopeStack();
    s.enterProcess();
    expect(s.visible().map((d) => d.name)).toEqual(['input']);
  });
});
