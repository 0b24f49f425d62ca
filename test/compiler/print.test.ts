// The DSL printer's output: its layout, the parentheses and number forms the grammar needs,
// determinism, any depth without recursion, and a named error for ASTs the DSL cannot express.
import { describe, expect, it } from 'vitest';
import type { Expr, Statement, Workflow } from '../../src/generated/workflow.js';
import { DslPrintError, printDsl } from '../../src/compiler/print.js';

const ref = (...path: string[]): Expr => ({ kind: 'ref', path: path as [string, ...string[]] });

function withMain(body: Statement[], extra: Partial<Workflow> = {}): Workflow {
  return { workflow: 'w', version: '1', ...extra, main: { body } };
}

/** The printed text of one expression, as the value of `exit`. */
function printExpr(value: Expr): string {
  const text = printDsl(withMain([{ kind: 'exit', value }]));
  const match = /^ {2}exit (.*)$/m.exec(text);
  if (!match) throw new Error(`no exit line in:\n${text}`);
  return match[1] as string;
}

const factSheet: Workflow = {
  workflow: 'fact-sheet',
  version: '1.0.0',
  models: [{ name: 'default', id: 'qwen2.5-7b-instruct' }],
  tools: [
    {
      name: 'grep',
      argv: ['grep', '-n', '--', { param: 'pattern' }, { param: 'source' }],
      params: [
        { name: 'pattern', type: 'string' },
        { name: 'source', type: 'path', mount: '/sources' },
      ],
      timeout: 10_000,
      outputCap: 65_536,
    },
  ],
  artifacts: [{ name: 'facts', schema: { type: 'object', required: ['facts'] } }],
  agents: [
    {
      name: 'researcher',
      role: 'worker',
      model: 'default',
      promptFile: 'prompts/researcher.md',
      mounts: [{ kind: 'shared', path: '/shared' }],
      budget: { turns: 8, tokens: 20_000, time: 300_000 },
    },
    {
      name: 'checker',
      role: 'reviewer',
      model: 'default',
      prompt: 'Check every fact against the sources.\n',
      mounts: [{ kind: 'reference', path: '/sources', source: 'inputs/sources' }],
      caps: { tools: ['grep'], signal: 'descendants' },
      budget: { turns: 4, tokens: 8000, time: 120_000 },
      program: [{ kind: 'ask', prompt: 'Check.', input: ref('input'), returns: 'facts', let: 'verdict' }, { kind: 'exit', value: ref('verdict') }],
    },
  ],
  tasks: [{ name: 'gather', owner: 'researcher', produces: ['facts'], verify: { agent: 'checker' } }],
  main: {
    body: [
      {
        kind: 'call',
        agent: 'researcher',
        task: 'gather',
        input: { kind: 'object', fields: [{ key: 'topic', value: 'AOS' }] },
        timeout: 600_000,
        let: 'r',
      },
      {
        kind: 'if',
        cond: { kind: 'cmp', op: '==', left: ref('r', 'status'), right: 'ok' },
        then: [{ kind: 'write', path: '/shared/facts.json', value: ref('r', 'output') }],
        else: [{ kind: 'fail', reason: 'gathering failed' }],
      },
    ],
  },
};

describe('printDsl layout', () => {
  it('prints declarations in kind order with two-space indentation', () => {
    expect(printDsl(factSheet)).toBe(`workflow fact-sheet version "1.0.0"

model default {
  id "qwen2.5-7b-instruct"
}

tool grep {
  argv ["grep", "-n", "--", $pattern, $source]
  param pattern string
  param source path in "/sources"
  timeout 10000ms
  output_cap 65536
}

artifact facts schema { "type": "object", "required": ["facts"] }

agent researcher {
  role worker
  model default
  prompt file "prompts/researcher.md"
  mount shared "/shared"
  budget { turns 8 tokens 20000 time 300000ms }
}

agent checker {
  role reviewer
  model default
  prompt "Check every fact against the sources.\\n"
  mount reference "/sources" from "inputs/sources"
  caps { tools [grep] signal descendants }
  budget { turns 4 tokens 8000 time 120000ms }
  run {
    let verdict = ask "Check." with input returns facts
    exit verdict
  }
}

task gather {
  owner researcher
  produces [facts]
  verify by agent checker
}

main {
  let r = call researcher task gather with { topic: "AOS" } timeout 600000ms
  if r.status == "ok" {
    write "/shared/facts.json" r.output
  } else {
    fail "gathering failed"
  }
}
`);
  });

  it('prints supervisors, retries, verification by tool and every statement form', () => {
    const text = printDsl(
      withMain(
        [
          { kind: 'spawn', agent: 'w', task: 't', input: 1, set: 'p' },
          { kind: 'exec', tool: 'grep', args: [{ name: 'pattern', value: 'x' }] },
          { kind: 'exec', tool: 'grep', args: [] },
          { kind: 'send', to: 'parent', value: null },
          { kind: 'recv', from: 'w', timeout: 5, let: 'm' },
          { kind: 'publish', topic: 'news', value: true },
          { kind: 'subscribe', topic: 'news' },
          { kind: 'await', target: 'p', timeout: 0 },
          { kind: 'signal', target: 'p', op: 'cancel' },
          { kind: 'acquire', resource: 'repo', ttl: 1000, timeout: 2000, let: 'l' },
          { kind: 'renew', lease: 'l', ttl: 3000 },
          { kind: 'release', lease: 'l' },
          { kind: 'sleep', duration: -5 },
          { kind: 'checkpoint' },
          { kind: 'attach', artifact: 'facts', value: ref('m'), let: 'a' },
          { kind: 'read', path: '/shared/x', let: 'text' },
          { kind: 'write', path: '/shared/y', value: ref('text'), lease: 'l' },
          { kind: 'verify', task: 't', value: ref('a'), let: 'v' },
          { kind: 'set', name: 'v', value: false },
          { kind: 'parallel', branches: [{ body: [{ kind: 'exit' }] }, { body: [] }] },
          { kind: 'loop', as: 'i', max: 3, until: ref('i'), body: [] },
          { kind: 'loop', body: [{ kind: 'checkpoint', value: 0 }] },
        ],
        {
          tasks: [{ name: 't', owner: 'w', verify: { tool: 'grep', args: [{ name: 'pattern', value: 'ok' }] }, retry: 'r' }],
          supervisors: [{ name: 's', strategy: 'rest_for_one', restart: 'transient', intensity: 3, period: 60_000 }],
          retries: [{ name: 'r', attempts: 3, backoff: 100, factor: 2, maxBackoff: 1000, on: ['timeout', 'crash'] }],
        },
      ),
    );
    expect(text).toContain('task t {\n  owner w\n  verify by tool grep { pattern: "ok" }\n  retry r\n}\n');
    expect(text).toContain('supervisor s {\n  strategy rest_for_one\n  restart transient\n  intensity 3\n  period 60000ms\n}\n');
    expect(text).toContain('retry r {\n  attempts 3\n  backoff 100ms\n  factor 2\n  max_backoff 1000ms\n  on [timeout, crash]\n}\n');
    expect(text).toContain(`main {
  set p = spawn w task t with 1
  exec grep { pattern: "x" }
  exec grep {}
  send parent null
  let m = recv from w timeout 5ms
  publish "news" true
  subscribe "news"
  await p timeout 0ms
  signal p cancel
  let l = acquire "repo" ttl 1000ms timeout 2000ms
  renew l ttl 3000ms
  release l
  sleep -5ms
  checkpoint
  let a = attach facts m
  let text = read "/shared/x"
  write "/shared/y" text lease l
  let v = verify t with a
  set v = false
  parallel {
    branch {
      exit
    }
    branch {}
  }
  loop i max 3 until i {}
  loop {
    checkpoint 0
  }
}
`);
  });

  it('prints an else holding only an if as `else if`', () => {
    const chain: Statement = {
      kind: 'if',
      cond: ref('a'),
      then: [],
      else: [{ kind: 'if', cond: ref('b'), then: [{ kind: 'exit' }], else: [{ kind: 'fail', reason: 'no' }] }],
    };
    expect(printDsl(withMain([chain]))).toContain('  if a {} else if b {\n    exit\n  } else {\n    fail "no"\n  }\n');
  });

  it('prints main with its supervisor', () => {
    expect(printDsl({ workflow: 'w', version: '1', main: { supervisor: 'top', body: [] } })).toBe('workflow w version "1"\n\nmain supervisor top {}\n');
  });
});

describe('printDsl expressions', () => {
  const not = (arg: Expr): Expr => ({ kind: 'not', arg });
  const and = (...args: Expr[]): Expr => ({ kind: 'and', args: args as [Expr, Expr] });
  const or = (...args: Expr[]): Expr => ({ kind: 'or', args: args as [Expr, Expr] });
  const eq = (left: Expr, right: Expr): Expr => ({ kind: 'cmp', op: '==', left, right });

  it.each<[string, Expr, string]>([
    ['and inside or needs none', or(and(ref('a'), ref('b')), ref('c')), 'a and b or c'],
    ['or inside and needs them', and(or(ref('a'), ref('b')), ref('c')), '(a or b) and c'],
    ['a nested or keeps its own node', or(ref('a'), or(ref('b'), ref('c'))), 'a or (b or c)'],
    ['a nested and keeps its own node', and(and(ref('a'), ref('b')), ref('c')), '(a and b) and c'],
    ['not binds tighter than and', and(not(ref('a')), ref('b')), 'not a and b'],
    ['not of and needs them', not(and(ref('a'), ref('b'))), 'not (a and b)'],
    ['not of a comparison needs none', not(eq(ref('a'), 1)), 'not a == 1'],
    ['not of not', not(not(true)), 'not not true'],
    ['comparison operands are primaries', eq(eq(1, 2), not(false)), '(1 == 2) == (not false)'],
    ['lists and objects hold any expression', { kind: 'list', items: [or(1, 2), { kind: 'object', fields: [{ key: 'k-1', value: and(3, 4) }] }] }, '[1 or 2, { k-1: 3 and 4 }]'],
    [
      'object keys print bare when they are words, keywords included, else quoted',
      { kind: 'object', fields: [{ key: 'if', value: 1 }, { key: 'a b', value: 2 }, { key: '', value: 3 }, { key: '1x', value: 4 }] },
      '{ if: 1, "a b": 2, "": 3, "1x": 4 }',
    ],
    ['empty list and object', { kind: 'list', items: [{ kind: 'list', items: [] }, { kind: 'object', fields: [] }] }, '[[], {}]'],
  ])('%s', (_name, expr, text) => {
    expect(printExpr(expr)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '0'],
    [-0, '0'],
    [-42, '-42'],
    [0.5, '0.5'],
    [-1.25, '-1.25'],
    [1e-7, '1.0e-7'],
    [1.5e-7, '1.5e-7'],
    [2 ** 53, '9.007199254740992e+15'],
    [1e21, '1.0e+21'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('number %d prints as %s', (value, text) => {
    expect(printExpr(value)).toBe(text);
    expect(Number(text)).toBe(value === 0 ? 0 : value);
  });

  it('escapes strings JSON-style, lone surrogates included', () => {
    expect(printExpr('a"b\\c\n\u0001\ud800/*x*/')).toBe('"a\\"b\\\\c\\n\\u0001\\ud800/*x*/"');
  });

  it('prints contextual words as names, and keywords after a dot', () => {
    expect(printExpr({ kind: 'list', items: [ref('worker', 'if'), ref('path')] })).toBe('[worker.if, path]');
  });

  it('prints refs as dotted paths and literals bare', () => {
    expect(printExpr({ kind: 'list', items: [ref('r', 'output', 'timeout'), true, false, null] })).toBe('[r.output.timeout, true, false, null]');
  });
});

describe('printDsl numbers in declarations', () => {
  it('prints counts as integers and decimals with a fraction', () => {
    const text = printDsl(withMain([], { models: [{ name: 'm', id: 'x', temperature: 1, maxTokens: 2 ** 53 + 2, context: 0 }] }));
    expect(text).toContain('  temperature 1\n  max_tokens 9007199254740994\n  context 0\n');
  });

  it('rejects a non-integer count', () => {
    expect(() => printDsl(withMain([{ kind: 'sleep', duration: 1.5 }]))).toThrow(DslPrintError);
  });

  it('rejects numbers JSON cannot hold', () => {
    expect(() => printDsl(withMain([{ kind: 'exit', value: Number.NaN }]))).toThrow(DslPrintError);
    expect(() => printDsl(withMain([{ kind: 'exit', value: Infinity }]))).toThrow(DslPrintError);
  });
});

describe('printDsl determinism and depth', () => {
  it('depends on the AST, not on its key order', () => {
    const reordered = JSON.parse(JSON.stringify(factSheet, Object.keys(factSheet).reverse().concat(...allKeys(factSheet)))) as Workflow;
    expect(Object.keys(reordered)[0]).not.toBe('workflow');
    expect(printDsl(reordered)).toBe(printDsl(factSheet));
  });

  // Far deeper than any call stack; blocks stay shallower only because each level indents its lines.
  it('prints 100,000 nested expressions and 2,000 nested blocks without recursion', () => {
    let value: Expr = 1;
    for (let i = 0; i < 100_000; i++) value = { kind: 'list', items: [value] };
    let body: Statement[] = [{ kind: 'exit', value }];
    for (let i = 0; i < 2000; i++) body = [{ kind: 'loop', max: 1, body }];
    const text = printDsl(withMain(body));
    expect(text.split('[').length - 1).toBe(100_000);
    expect(text.match(/loop max 1 \{/g)).toHaveLength(2000);
  });
});

describe('printDsl on ASTs the DSL cannot express', () => {
  const agent = { name: 'a' };
  it.each<[string, Workflow]>([
    ['a statement with both let and set', withMain([{ kind: 'recv', let: 'x', set: 'y' }])],
    ['an empty declaration list', withMain([], { models: [] })],
    ['an empty mounts list', withMain([], { agents: [{ ...agent, mounts: [] }] })],
    ['an empty params list', withMain([], { tools: [{ name: 't', argv: ['x'], params: [] }] })],
    ['an enum parameter without values', withMain([], { tools: [{ name: 't', argv: ['x'], params: [{ name: 'p', type: 'enum' }] }] })],
    ['a mount on a non-path parameter', withMain([], { tools: [{ name: 't', argv: ['x'], params: [{ name: 'p', type: 'int', mount: '/m' }] }] })],
    ['values on a non-enum parameter', withMain([], { tools: [{ name: 't', argv: ['x'], params: [{ name: 'p', type: 'path', values: [] }] }] })],
    ['an artifact with schema and schemaFile', withMain([], { artifacts: [{ name: 'x', schema: {}, schemaFile: 'x.json' }] })],
    ['a verification by agent and tool', withMain([], { tasks: [{ name: 't', owner: 'a', verify: { agent: 'a', tool: 't' } }] })],
    ['an empty verification', withMain([], { tasks: [{ name: 't', owner: 'a', verify: {} }] })],
    ['a parallel without branches', withMain([{ kind: 'parallel', branches: [] }])],
    ['an and with one argument', withMain([{ kind: 'exit', value: { kind: 'and', args: [true] as unknown as [Expr, Expr] } }])],
    ['a reserved word as a declaration name', withMain([], { agents: [{ name: 'loop' }] })],
    ['a reserved word as a variable', withMain([{ kind: 'let', name: 'true', value: 1 }])],
    ['a reserved word at the head of a reference', withMain([{ kind: 'exit', value: ref('null') }])],
    ['a reserved word as an argument name', withMain([{ kind: 'exec', tool: 't', args: [{ name: 'with', value: 1 }] }])],
    ['a name that is not a name', withMain([{ kind: 'exit', value: ref('a', 'b c') }])],
  ])('%s', (_name, ast) => {
    expect(() => printDsl(ast)).toThrow(DslPrintError);
  });
});

function allKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      allKeys(v, out);
    }
  }
  return out;
}
