// Every statement form of the grammar, parsed to its exact AST (key order included).
import { describe, test } from 'vitest';
import { expectJson, mainBody } from './helpers.js';

const ref = (...path: string[]) => ({ kind: 'ref', path });

describe('value statements, bare and bound with let or set', () => {
  test('spawn', () => {
    expectJson(mainBody('spawn w\nlet p = spawn w task t with x\nset p = spawn w with 1'), [
      { kind: 'spawn', agent: 'w' },
      { kind: 'spawn', agent: 'w', task: 't', input: ref('x'), let: 'p' },
      { kind: 'spawn', agent: 'w', input: 1, set: 'p' },
    ]);
  });

  test('call', () => {
    expectJson(mainBody('let r = call researcher task gather with { topic: "AOS" } timeout 10m\ncall w'), [
      {
        kind: 'call',
        agent: 'researcher',
        task: 'gather',
        input: { kind: 'object', fields: [{ key: 'topic', value: 'AOS' }] },
        timeout: 600000,
        let: 'r',
      },
      { kind: 'call', agent: 'w' },
    ]);
  });

  test('ask', () => {
    expectJson(mainBody('let s = ask "next strategy?" with notes returns strategy\nask "hi"'), [
      { kind: 'ask', prompt: 'next strategy?', input: ref('notes'), returns: 'strategy', let: 's' },
      { kind: 'ask', prompt: 'hi' },
    ]);
  });

  test('exec, with and without arguments', () => {
    expectJson(mainBody('let out = exec make { target: "all", file: f }\nexec ls {}\nexec ls'), [
      { kind: 'exec', tool: 'make', args: [{ name: 'target', value: 'all' }, { name: 'file', value: ref('f') }], let: 'out' },
      { kind: 'exec', tool: 'ls', args: [] },
      { kind: 'exec', tool: 'ls' },
    ]);
  });

  test('recv', () => {
    expectJson(mainBody('let m = recv from w timeout 5s\nrecv\nrecv timeout 1s'), [
      { kind: 'recv', from: 'w', timeout: 5000, let: 'm' },
      { kind: 'recv' },
      { kind: 'recv', timeout: 1000 },
    ]);
  });

  test('await', () => {
    expectJson(mainBody('let r = await p timeout 2h\nawait p'), [
      { kind: 'await', target: 'p', timeout: 7200000, let: 'r' },
      { kind: 'await', target: 'p' },
    ]);
  });

  test('acquire', () => {
    expectJson(mainBody('let l = acquire "lock" ttl 30s timeout 1m\nacquire "x"'), [
      { kind: 'acquire', resource: 'lock', ttl: 30000, timeout: 60000, let: 'l' },
      { kind: 'acquire', resource: 'x' },
    ]);
  });

  test('attach, read and verify', () => {
    expectJson(mainBody('let a = attach facts r.output\nset t = read "/shared/x.txt"\nlet v = verify gather with r.output\nverify gather'), [
      { kind: 'attach', artifact: 'facts', value: ref('r', 'output'), let: 'a' },
      { kind: 'read', path: '/shared/x.txt', set: 't' },
      { kind: 'verify', task: 'gather', value: ref('r', 'output'), let: 'v' },
      { kind: 'verify', task: 'gather' },
    ]);
  });
});

describe('other statements', () => {
  test('let and set of an expression', () => {
    expectJson(mainBody('let x = 1\nset x = "two"'), [
      { kind: 'let', name: 'x', value: 1 },
      { kind: 'set', name: 'x', value: 'two' },
    ]);
  });

  test('messages and topics', () => {
    expectJson(mainBody('send w { a: 1 }\npublish "team.progress" 3\nsubscribe "team.*"'), [
      { kind: 'send', to: 'w', value: { kind: 'object', fields: [{ key: 'a', value: 1 }] } },
      { kind: 'publish', topic: 'team.progress', value: 3 },
      { kind: 'subscribe', topic: 'team.*' },
    ]);
  });

  test('signal with every operation', () => {
    expectJson(mainBody('signal p kill\nsignal p pause\nsignal p resume\nsignal p cancel'), [
      { kind: 'signal', target: 'p', op: 'kill' },
      { kind: 'signal', target: 'p', op: 'pause' },
      { kind: 'signal', target: 'p', op: 'resume' },
      { kind: 'signal', target: 'p', op: 'cancel' },
    ]);
  });

  test('leases, sleep, checkpoint and write', () => {
    expectJson(mainBody('renew l ttl 10s\nrenew l\nrelease l\nsleep 500ms\ncheckpoint\ncheckpoint { round: 1 }\nwrite "/out/a" x lease l\nwrite "/out/b" "text"'), [
      { kind: 'renew', lease: 'l', ttl: 10000 },
      { kind: 'renew', lease: 'l' },
      { kind: 'release', lease: 'l' },
      { kind: 'sleep', duration: 500 },
      { kind: 'checkpoint' },
      { kind: 'checkpoint', value: { kind: 'object', fields: [{ key: 'round', value: 1 }] } },
      { kind: 'write', path: '/out/a', value: ref('x'), lease: 'l' },
      { kind: 'write', path: '/out/b', value: 'text' },
    ]);
  });

  test('if, else, and else-if chains nested in "else"', () => {
    expectJson(mainBody('if a { exit 1 }\nif a { exit 1 } else { exit 2 }\nif a { exit 1 } else if b { exit 2 } else if c { exit 3 } else { exit 4 }'), [
      { kind: 'if', cond: ref('a'), then: [{ kind: 'exit', value: 1 }] },
      { kind: 'if', cond: ref('a'), then: [{ kind: 'exit', value: 1 }], else: [{ kind: 'exit', value: 2 }] },
      {
        kind: 'if',
        cond: ref('a'),
        then: [{ kind: 'exit', value: 1 }],
        else: [
          {
            kind: 'if',
            cond: ref('b'),
            then: [{ kind: 'exit', value: 2 }],
            else: [{ kind: 'if', cond: ref('c'), then: [{ kind: 'exit', value: 3 }], else: [{ kind: 'exit', value: 4 }] }],
          },
        ],
      },
    ]);
  });

  test('parallel branches', () => {
    expectJson(mainBody('parallel { branch { call a } branch { } }'), [
      { kind: 'parallel', branches: [{ body: [{ kind: 'call', agent: 'a' }] }, { body: [] }] },
    ]);
  });

  test('loop: every part optional but the body; a missing max still parses', () => {
    expectJson(mainBody('loop i max 3 until done { sleep 1s }\nloop { exit }\nloop until x {}\nloop max 2 {}'), [
      { kind: 'loop', max: 3, as: 'i', until: ref('done'), body: [{ kind: 'sleep', duration: 1000 }] },
      { kind: 'loop', body: [{ kind: 'exit' }] },
      { kind: 'loop', until: ref('x'), body: [] },
      { kind: 'loop', max: 2, body: [] },
    ]);
  });

  test('exit and fail', () => {
    expectJson(mainBody('exit\nexit r.output\nfail "gathering failed"'), [
      { kind: 'exit' },
      { kind: 'exit', value: ref('r', 'output') },
      { kind: 'fail', reason: 'gathering failed' },
    ]);
  });

  test('a structured agent program is a block like main', () => {
    expectJson(mainBody('exit', 'agent a { run { let s = ask "go" returns plan\nexit s } }'), [{ kind: 'exit' }]);
  });
});
