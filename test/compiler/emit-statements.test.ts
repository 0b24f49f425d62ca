// Each statement kind lowers to the stack code the opcode table describes, checked through the
// disassembler. Constant #0 is the grep tool's argument schema, so statement constants start at #1.
import { describe, expect, it } from 'vitest';
import type { Statement } from '../../src/generated/workflow.js';
import { compile, ops, ref, workflow } from './emit-helpers.js';

function main(...body: Statement[]): string[] {
  return ops(compile(workflow(body)));
}

describe('value statements push a result that let binds, set assigns, or POP discards', () => {
  it('spawn', () => {
    expect(main({ kind: 'spawn', agent: 'writer', task: 'draft', input: { kind: 'object', fields: [{ key: 'a', value: 1 }] } })).toEqual([
      'CONST #1 {"a":1}',
      'SPAWN writer draft 1',
      'POP',
      'EXIT 0',
    ]);
    expect(main({ kind: 'spawn', agent: 'writer', let: 'h' })).toEqual(['SPAWN writer - 0', 'STORE 1 (h)', 'EXIT 0']);
  });

  it('call', () => {
    expect(main({ kind: 'let', name: 'r', value: null }, { kind: 'call', agent: 'writer', input: 'go', timeout: 5000, set: 'r' })).toEqual([
      'CONST #1 null',
      'STORE 1 (r)',
      'CONST #2 "go"',
      'CALL writer - 1 5000ms',
      'STORE 1 (r)',
      'EXIT 0',
    ]);
  });

  it('ask', () => {
    expect(main({ kind: 'ask', prompt: 'Summarise', input: 1, returns: 'report', let: 's' })).toEqual([
      'CONST #1 1',
      'ASK #2 "Summarise" report 1',
      'STORE 1 (s)',
      'EXIT 0',
    ]);
  });

  it('exec pushes its arguments in order and names them in a constant list', () => {
    expect(main({ kind: 'exec', tool: 'grep', args: [{ name: 'pattern', value: 'x' }] })).toEqual([
      'CONST #1 "x"',
      'EXEC grep #2 ["pattern"]',
      'POP',
      'EXIT 0',
    ]);
    expect(main({ kind: 'exec', tool: 'grep' })).toEqual(['EXEC grep #1 []', 'POP', 'EXIT 0']);
  });

  it('recv, with and without a sender', () => {
    expect(main({ kind: 'recv', let: 'm' })).toEqual(['RECV 0 -', 'STORE 1 (m)', 'EXIT 0']);
    expect(main({ kind: 'recv', from: 'writer', timeout: 10 })).toEqual(['AGENT_REF writer', 'RECV 1 10ms', 'POP', 'EXIT 0']);
  });

  it('await a variable', () => {
    expect(main({ kind: 'spawn', agent: 'writer', let: 'h' }, { kind: 'await', target: 'h', timeout: 60000, let: 'done' })).toEqual([
      'SPAWN writer - 0',
      'STORE 1 (h)',
      'LOAD 1 (h)',
      'AWAIT 60000ms',
      'STORE 2 (done)',
      'EXIT 0',
    ]);
  });

  it('acquire, attach, read, verify', () => {
    expect(main({ kind: 'acquire', resource: 'db', ttl: 1000, let: 'l' })).toEqual(['ACQUIRE #1 "db" 1000ms -', 'STORE 1 (l)', 'EXIT 0']);
    expect(main({ kind: 'attach', artifact: 'report', value: ref('x') })).toEqual(['CONST #1 null', 'ATTACH report', 'POP', 'EXIT 0']);
    expect(main({ kind: 'read', path: '/in/a.txt', let: 'text' })).toEqual(['READ #1 "/in/a.txt"', 'STORE 1 (text)', 'EXIT 0']);
    expect(main({ kind: 'verify', task: 'draft', value: 'v', let: 'verdict' })).toEqual([
      'CONST #1 "v"',
      'VERIFY draft 1',
      'STORE 1 (verdict)',
      'EXIT 0',
    ]);
  });
});

describe('effect statements push nothing', () => {
  it('send to parent, to an agent spec, and to a variable', () => {
    expect(main({ kind: 'send', to: 'parent', value: 'hi' })).toEqual(['PARENT', 'CONST #1 "hi"', 'SEND', 'EXIT 0']);
    expect(main({ kind: 'send', to: 'writer', value: 'hi' })).toEqual(['AGENT_REF writer', 'CONST #1 "hi"', 'SEND', 'EXIT 0']);
    expect(main({ kind: 'spawn', agent: 'writer', let: 'writer' }, { kind: 'send', to: 'writer', value: 'hi' })).toEqual([
      'SPAWN writer - 0',
      'STORE 1 (writer)',
      'LOAD 1 (writer)',
      'CONST #1 "hi"',
      'SEND',
      'EXIT 0',
    ]);
  });

  it('publish and subscribe', () => {
    expect(main({ kind: 'subscribe', topic: 'news' }, { kind: 'publish', topic: 'news', value: 1 })).toEqual([
      'SUBSCRIBE #1 "news"',
      'CONST #2 1',
      'PUBLISH #1 "news"',
      'EXIT 0',
    ]);
  });

  it('signal', () => {
    expect(main({ kind: 'signal', target: 'writer', op: 'cancel' })).toEqual(['AGENT_REF writer', 'SIGNAL cancel', 'EXIT 0']);
  });

  it('renew, release and a write under a lease', () => {
    expect(
      main(
        { kind: 'acquire', resource: 'db', let: 'l' },
        { kind: 'renew', lease: 'l', ttl: 500 },
        { kind: 'renew', lease: 'l' },
        { kind: 'write', path: '/out/a', value: 'x', lease: 'l' },
        { kind: 'release', lease: 'l' },
      ),
    ).toEqual([
      'ACQUIRE #1 "db" - -',
      'STORE 1 (l)',
      'LOAD 1 (l)',
      'RENEW 500ms',
      'LOAD 1 (l)',
      'RENEW -',
      'LOAD 1 (l)',
      'CONST #2 "x"',
      'WRITE #3 "/out/a" 1',
      'LOAD 1 (l)',
      'RELEASE',
      'EXIT 0',
    ]);
  });

  it('sleep, checkpoint, write', () => {
    expect(main({ kind: 'sleep', duration: 250 })).toEqual(['SLEEP 250ms', 'EXIT 0']);
    expect(main({ kind: 'checkpoint' }, { kind: 'checkpoint', value: 2 })).toEqual(['CHECKPOINT 0', 'CONST #1 2', 'CHECKPOINT 1', 'EXIT 0']);
    expect(main({ kind: 'write', path: '/out/a', value: 'x' })).toEqual(['CONST #1 "x"', 'WRITE #2 "/out/a" 0', 'EXIT 0']);
  });
});

describe('let, set, exit and fail', () => {
  it('let stores into a new slot; set stores into the existing one', () => {
    expect(main({ kind: 'let', name: 'x', value: 1 }, { kind: 'set', name: 'x', value: 2 })).toEqual([
      'CONST #1 1',
      'STORE 1 (x)',
      'CONST #2 2',
      'STORE 1 (x)',
      'EXIT 0',
    ]);
  });

  it('exit and fail end the procedure, so no implicit EXIT follows', () => {
    expect(main({ kind: 'exit', value: 3 })).toEqual(['CONST #1 3', 'EXIT 1']);
    expect(main({ kind: 'exit' })).toEqual(['EXIT 0']);
    expect(main({ kind: 'fail', reason: 'no' })).toEqual(['CONST #1 "no"', 'FAIL']);
  });

  it('an empty procedure is one EXIT 0', () => {
    expect(main()).toEqual(['EXIT 0']);
  });
});

describe('if', () => {
  it('without else jumps over the then-block', () => {
    expect(main({ kind: 'let', name: 'c', value: true }, { kind: 'if', cond: ref('c'), then: [{ kind: 'sleep', duration: 1 }] })).toEqual([
      'CONST #1 true',
      'STORE 1 (c)',
      'LOAD 1 (c)',
      'JUMP_IF_FALSE -> 0005',
      'SLEEP 1ms',
      'EXIT 0',
    ]);
  });

  it('with else jumps over the else-block at the end of the then-block', () => {
    expect(
      main(
        { kind: 'let', name: 'c', value: true },
        { kind: 'if', cond: ref('c'), then: [{ kind: 'sleep', duration: 1 }], else: [{ kind: 'sleep', duration: 2 }] },
      ),
    ).toEqual(['CONST #1 true', 'STORE 1 (c)', 'LOAD 1 (c)', 'JUMP_IF_FALSE -> 0006', 'SLEEP 1ms', 'JUMP -> 0007', 'SLEEP 2ms', 'EXIT 0']);
  });

  it('needs neither the jump nor the implicit EXIT when both blocks end the procedure', () => {
    expect(
      main({ kind: 'let', name: 'c', value: true }, { kind: 'if', cond: ref('c'), then: [{ kind: 'exit' }], else: [{ kind: 'fail', reason: 'x' }] }),
    ).toEqual(['CONST #1 true', 'STORE 1 (c)', 'LOAD 1 (c)', 'JUMP_IF_FALSE -> 0005', 'EXIT 0', 'CONST #2 "x"', 'FAIL']);
  });

  it('else-if nests an if in the else-block', () => {
    expect(
      main(
        { kind: 'let', name: 'n', value: 1 },
        {
          kind: 'if',
          cond: { kind: 'cmp', op: '==', left: ref('n'), right: 1 },
          then: [{ kind: 'sleep', duration: 1 }],
          else: [{ kind: 'if', cond: { kind: 'cmp', op: '==', left: ref('n'), right: 2 }, then: [{ kind: 'sleep', duration: 2 }] }],
        },
      ),
    ).toEqual([
      'CONST #1 1',
      'STORE 1 (n)',
      'LOAD 1 (n)',
      'CONST #1 1',
      'EQ',
      'JUMP_IF_FALSE -> 0008',
      'SLEEP 1ms',
      'JUMP -> 0013',
      'LOAD 1 (n)',
      'CONST #2 2',
      'EQ',
      'JUMP_IF_FALSE -> 0013',
      'SLEEP 2ms',
      'EXIT 0',
    ]);
  });
});

describe('loop', () => {
  it('counts iterations in a hidden slot, checks max first, sets `as` from 1 and checks `until` last', () => {
    expect(
      main({ kind: 'loop', as: 'i', max: 3, until: { kind: 'cmp', op: '>=', left: ref('i'), right: 2 }, body: [{ kind: 'sleep', duration: 1 }] }),
    ).toEqual([
      'CONST #1 0',
      'STORE 1 ($loop1)',
      'LOAD 1 ($loop1)',
      'CONST #2 3',
      'GE',
      'JUMP_IF_TRUE -> 0015',
      'INC 1 ($loop1)',
      'LOAD 1 ($loop1)',
      'STORE 2 (i)',
      'SLEEP 1ms',
      'LOAD 2 (i)',
      'CONST #3 2',
      'GE',
      'JUMP_IF_TRUE -> 0015',
      'JUMP -> 0002',
      'EXIT 0',
    ]);
  });

  it('without as or until is only the counter and the bound', () => {
    expect(main({ kind: 'loop', max: 2, body: [] })).toEqual([
      'CONST #1 0',
      'STORE 1 ($loop1)',
      'LOAD 1 ($loop1)',
      'CONST #2 2',
      'GE',
      'JUMP_IF_TRUE -> 0008',
      'INC 1 ($loop1)',
      'JUMP -> 0002',
      'EXIT 0',
    ]);
  });

  it('still falls through when its body exits, so the procedure keeps its implicit EXIT', () => {
    const listing = main({ kind: 'loop', max: 1, body: [{ kind: 'exit' }] });
    expect(listing.slice(-3)).toEqual(['EXIT 0', 'JUMP -> 0002', 'EXIT 0']);
  });
});

describe('parallel', () => {
  it('runs each branch as a procedure of its own, listed in a constant', () => {
    const bytecode = compile(workflow([{ kind: 'parallel', branches: [{ body: [{ kind: 'sleep', duration: 1 }] }, { body: [] }] }]));
    expect(ops(bytecode, 0)).toEqual(['PARALLEL #1 [1,2]', 'EXIT 0']);
    expect(ops(bytecode, 1)).toEqual(['SLEEP 1ms', 'EXIT 0']);
    expect(ops(bytecode, 2)).toEqual(['EXIT 0']);
    expect(bytecode.code.procedures.map((p) => [p.name, p.kind])).toEqual([
      ['main', 'main'],
      ['main/branch1', 'branch'],
      ['main/branch2', 'branch'],
    ]);
  });
});
