// Emission is linear in the size of the AST and handles the deepest nesting the checker allows.
// The time bound is loose on purpose (shared CI cores): it fails on quadratic work, not on noise.
import { describe, expect, it } from 'vitest';
import type { AgentDecl, Expr, Statement } from '../../src/generated/workflow.js';
import { emit } from '../../src/compiler/emit.js';
import { SourceMap } from '../../src/compiler/source-map.js';
import { MAX_NESTING } from '../../src/compiler/limits.js';
import { compile, DECLS, ref, workflow } from './emit-helpers.js';

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

describe('scale', () => {
  it('emits 50,000 statements and a 20,000-spec extends chain quickly', () => {
    const body: Statement[] = [];
    for (let i = 0; i < 50_000; i++) {
      body.push({ kind: 'let', name: `v${i}`, value: { kind: 'object', fields: [{ key: 'n', value: i }, { key: 'prev', value: ref(`v${Math.max(0, i - 1)}`) }] } });
    }
    // Declared most-derived first, so the first spec resolved walks the whole chain.
    const agents: AgentDecl[] = [{ name: 'a0', role: 'worker' }];
    for (let i = 1; i < 20_000; i++) agents.unshift({ name: `a${i}`, extends: `a${i - 1}` });
    const { value: bytecode, ms } = timed(() => emit(workflow(body, { ...DECLS, agents }), { includes: new Map(), map: new SourceMap('big.aos', '') }));
    expect(bytecode.code.procedures[0]?.code).toHaveLength(50_000 * 4 + 1);
    expect(bytecode.code.agents[0]).toMatchObject({ name: 'a19999', lineage: 'a0', role: 'worker' });
    expect(ms).toBeLessThan(10_000);
  });

  it('handles statements and expressions nested to the checker\'s limit', () => {
    let expr: Expr = ref('input');
    for (let i = 0; i < MAX_NESTING; i++) expr = i % 2 === 0 ? { kind: 'not', arg: expr } : { kind: 'list', items: [expr, i] };
    let block: Statement[] = [{ kind: 'exit', value: expr }];
    for (let i = 0; i < MAX_NESTING; i++) block = [{ kind: 'if', cond: ref('input'), then: block, else: [{ kind: 'sleep', duration: i + 1 }] }];
    const bytecode = compile(workflow(block));
    expect(bytecode.code.procedures[0]?.code.length).toBeGreaterThan(4 * MAX_NESTING);
  });
});
