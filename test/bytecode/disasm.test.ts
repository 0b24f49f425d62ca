// The clox-style listing: a header per procedure, then `offset  line:col  OPCODE  operands`
// with `|` where the line repeats, and each operand rendered by its shape.
import { describe, expect, it } from 'vitest';
import { disassemble, disassembleProcedure } from '../../src/bytecode/disasm.js';
import { SourceMap } from '../../src/compiler/source-map.js';
import { compile, ref, sourceMapAt, workflow } from '../compiler/emit-helpers.js';

function located(spans: Record<string, [number, number]>, ast: unknown): SourceMap {
  return sourceMapAt('flow.aos', spans, ast);
}

describe('disassemble', () => {
  const ast = workflow([
    { kind: 'call', agent: 'writer', task: 'draft', input: 'x'.repeat(60), timeout: 600000, let: 'r' },
    { kind: 'if', cond: ref('r', 'ok'), then: [{ kind: 'signal', target: 'writer', op: 'kill' }] },
    { kind: 'parallel', branches: [{ body: [{ kind: 'set', name: 'r', value: 1 }] }] },
  ]);
  const bytecode = compile(
    ast,
    new Map(),
    located({ '/main/body': [2, 6], '/main/body/0': [3, 3], '/main/body/0/input': [3, 30], '/main/body/1': [4, 3], '/main/body/1/cond': [4, 6], '/main/body/1/then/0': [4, 12], '/main/body/2': [5, 3] }, ast),
  );

  it('lists a procedure clox-style, each operand rendered by its shape', () => {
    expect(disassembleProcedure(bytecode, 0)).toBe(
      [
        '== 0 main (main) ==',
        '; params 1',
        '; slots 0:input 1:r',
        '0000      3:3  CONST          #1 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…',
        '0001        |  CALL           writer draft 1 600000ms',
        '0002        |  STORE          1 (r)',
        '0003      4:3  LOAD           1 (r)',
        '0004        |  FIELD          #2 "ok"',
        '0005        |  JUMP_IF_FALSE  -> 0008',
        '0006        |  AGENT_REF      writer',
        '0007        |  SIGNAL         kill',
        '0008      5:3  PARALLEL       #3 [1]',
        '0009      2:6  EXIT           0',
      ].join('\n'),
    );
  });

  it('shows a branch with its captures and writes', () => {
    expect(disassembleProcedure(bytecode, 1).split('\n').slice(0, 4)).toEqual([
      '== 1 main/branch1 (branch) ==',
      '; slots 0:r',
      '; captures 1->0',
      '; writes 0->1',
    ]);
  });

  it('shows none for -1 operands and the params of an agent program', () => {
    const agentProgram = compile(workflow([], { agents: [{ name: 'loner', program: [{ kind: 'recv', let: 'm' }, { kind: 'spawn', agent: 'loner' }] }] }));
    expect(disassembleProcedure(agentProgram, 1).split('\n')).toEqual([
      '== 1 loner (agent) ==',
      '; params 1',
      '; slots 0:input 1:m',
      '0000      0:0  RECV           0 -',
      '0001        |  STORE          1 (m)',
      '0002        |  SPAWN          loner - 0',
      '0003        |  POP',
      '0004        |  EXIT           0',
    ]);
  });

  it('heads the whole listing with the workflow and its code hash, then every procedure', () => {
    const listing = disassemble(bytecode);
    expect(listing.split('\n')[0]).toBe(`; test 1 (flow.aos) code ${bytecode.codeHash}`);
    expect(listing).toContain('\n\n== 0 main (main) ==\n');
    expect(listing).toContain('\n\n== 1 main/branch1 (branch) ==\n');
  });

  it('marks what it cannot resolve with ? rather than failing', () => {
    const broken = structuredClone(bytecode);
    broken.code.procedures[0]?.code.splice(0, 1, [250, 1]);
    broken.debug.procedures = [];
    expect(disassembleProcedure(broken, 0).split('\n')[3]).toBe('0000        ?  ?250 1');
    expect(disassembleProcedure(broken, 9)).toBe('== 9 (no such procedure) ==');
  });
});
