import { describe, expect, it } from 'vitest';
import { validateSchema } from '../../src/compiler/schema.js';
import type { Diagnostic, Span } from '../../src/compiler/diagnostics.js';
import { parse } from '../../src/compiler/pointer.js';
import { parseJsonWorkflow } from '../../src/compiler/json/index.js';
import type { Workflow } from '../../src/generated/workflow.js';

/** A small valid workflow; each test breaks a copy of it. */
const valid: Workflow = {
  workflow: 'fact-sheet',
  version: '1.0.0',
  models: [{ name: 'default', id: 'qwen2.5-7b-instruct' }],
  artifacts: [{ name: 'facts', schema: { type: 'object' } }],
  agents: [
    {
      name: 'researcher',
      role: 'worker',
      model: 'default',
      promptFile: 'prompts/researcher.md',
      mounts: [{ kind: 'shared', path: '/shared' }],
      budget: { turns: 8, tokens: 20000, time: 300000 },
    },
  ],
  tasks: [{ name: 'gather', owner: 'researcher', produces: ['facts'], verify: { agent: 'researcher' } }],
  main: {
    body: [
      { kind: 'call', agent: 'researcher', task: 'gather', input: { kind: 'object', fields: [{ key: 'topic', value: 'AOS' }] }, let: 'r' },
      {
        kind: 'if',
        cond: { kind: 'cmp', op: '==', left: { kind: 'ref', path: ['r', 'status'] }, right: 'ok' },
        then: [{ kind: 'write', path: '/shared/facts.json', value: { kind: 'ref', path: ['r', 'output'] } }],
        else: [{ kind: 'fail', reason: 'gathering failed' }],
      },
    ],
  },
};

const REMOVE = Symbol('remove');

/** A copy of the valid workflow with values set (or removed) at JSON pointers. */
function broken(...edits: [string, unknown][]): unknown {
  const copy = structuredClone(valid) as unknown;
  for (const [pointer, value] of edits) {
    const tokens = parse(pointer);
    const last = tokens.pop() as string;
    let node = copy as Record<string, unknown>;
    for (const token of tokens) node = node[token] as Record<string, unknown>;
    if (value === REMOVE) delete node[last];
    else node[last] = value;
  }
  return copy;
}

function brief(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.rule} ${d.pointer}${d.atKey ? ' (key)' : ''}: ${d.message}`);
}

it('accepts a valid workflow', () => {
  expect(validateSchema(valid)).toEqual([]);
});

describe('unknown properties', () => {
  it('point at the key and suggest the known property that is close', () => {
    const ds = validateSchema(broken(['/agents/0/budgte', { turns: 8 }], ['/agents/0/budget', REMOVE]));
    expect(brief(ds)).toEqual(['schema /agents/0/budgte (key): unknown property "budgte" in agent']);
    expect(ds[0]?.hints.map((h) => h.message)).toEqual(['did you mean "budget"?']);
  });

  it('list the known properties when none is close', () => {
    const ds = validateSchema(broken(['/models/0/flavour', 'x']));
    expect(brief(ds)).toEqual(['schema /models/0/flavour (key): unknown property "flavour" in model']);
    expect(ds[0]?.hints[0]?.message).toBe('known properties: name, id, temperature, maxTokens, context');
  });
});

it('names a missing required property and points at its object', () => {
  expect(brief(validateSchema(broken(['/tasks/0/owner', REMOVE])))).toEqual(['schema /tasks/0: task is missing required property "owner"']);
});

it('lists the allowed values of an enum and suggests the closest', () => {
  const ds = validateSchema(broken(['/agents/0/role', 'workr']));
  expect(brief(ds)).toEqual([
    'schema /agents/0/role: "role" must be one of "planner", "worker", "evaluator", "reviewer", "custom", found the string "workr"',
  ]);
  expect(ds[0]?.hints.map((h) => h.message)).toEqual(['did you mean "worker"?']);
});

it('names the expected type and what was found', () => {
  expect(brief(validateSchema(broken(['/agents/0/budget/turns', '8'])))).toEqual([
    'schema /agents/0/budget/turns: "turns" must be an integer, found the string "8"',
  ]);
});

it('explains the name pattern', () => {
  expect(brief(validateSchema(broken(['/workflow', '9-lives'])))).toEqual([
    'schema /workflow: "workflow" must be a name (a letter or "_", then letters, digits, "_" or "-"), found the string "9-lives"',
  ]);
});

describe('statement kinds', () => {
  it('reports an unknown kind at the kind, listing the valid kinds', () => {
    const ds = validateSchema(broken(['/main/body/0/kind', 'cal']));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.pointer).toBe('/main/body/0/kind');
    expect(ds[0]?.message).toMatch(/^unknown statement kind "cal"; expected one of: let, set, spawn, call, /);
    expect(ds[0]?.message).toContain('parallel, loop, exit, fail');
    expect(ds[0]?.hints.map((h) => h.message)).toEqual(['did you mean "call"?']);
  });

  it('reports a missing kind once, as a missing property', () => {
    const ds = validateSchema(broken(['/main/body/1/then/0/kind', REMOVE]));
    expect(brief(ds)).toEqual(['schema /main/body/1/then/0: statement is missing required property "kind"']);
    expect(ds[0]?.hints[0]?.message).toMatch(/^"kind" is one of: let, set, /);
  });

  it('reports a kind that is not a string', () => {
    const ds = validateSchema(broken(['/main/body/0/kind', 7]));
    expect(ds.map((d) => d.pointer)).toEqual(['/main/body/0/kind']);
    expect(ds[0]?.message).toMatch(/^statement "kind" must be a string, one of: let, /);
  });

  it('checks a known kind against that kind only', () => {
    expect(brief(validateSchema(broken(['/main/body/1/else/0/reason', REMOVE])))).toEqual([
      'schema /main/body/1/else/0: fail statement is missing required property "reason"',
    ]);
  });

  it('says a statement must be an object', () => {
    expect(brief(validateSchema(broken(['/main/body/2', 'exit'])))).toEqual([
      'schema /main/body/2: item 2 of "body" must be an object (a statement), found the string "exit"',
    ]);
  });
});

describe('expressions report only the relevant alternative', () => {
  it("an object with a known kind reports that kind's errors", () => {
    expect(brief(validateSchema(broken(['/main/body/1/cond', { kind: 'cmp', op: '=', left: 1 }])))).toEqual([
      'schema /main/body/1/cond: cmp expression is missing required property "right"',
      'schema /main/body/1/cond/op: "op" must be one of "==", "!=", "<", "<=", ">", ">=", found the string "="',
    ]);
  });

  it('an object with an unknown kind reports the expression kinds', () => {
    expect(brief(validateSchema(broken(['/main/body/1/cond', { kind: 'equals', left: 1, right: 2 }])))).toEqual([
      'schema /main/body/1/cond/kind: unknown expression kind "equals"; expected one of: ref, list, object, cmp, and, or, not',
    ]);
  });

  it('a value of no allowed type reports the alternatives once', () => {
    expect(brief(validateSchema(broken(['/main/body/1/else/0/reason', ['gathering', 'failed']])))).toEqual([
      'schema /main/body/1/else/0/reason: "reason" must be an expression (a string, a number, true or false, null or an object with "kind"), found an array',
    ]);
  });

  it('an error deep inside nested expressions is reported at its own place only', () => {
    const cond = { kind: 'and', args: [true, { kind: 'not', arg: { kind: 'ref', path: [] } }] };
    expect(brief(validateSchema(broken(['/main/body/1/cond', cond])))).toEqual([
      'schema /main/body/1/cond/args/1/arg/path: "path" must have at least 1 item',
    ]);
  });

  it('an argv item that is neither a string nor a parameter names both forms', () => {
    const tool = { name: 't', argv: ['run', 5, { pram: 'x' }] };
    expect(brief(validateSchema(broken(['/tools', [tool]])))).toEqual([
      'schema /tools/0/argv/1: item 1 of "argv" must be an argv item (a string or an object with "param"), found the number 5',
      'schema /tools/0/argv/2: item 2 of "argv" is missing required property "param"',
      'schema /tools/0/argv/2/pram (key): unknown property "pram" in item 2 of "argv"',
    ]);
  });
});

it("reports several problems in ajv's order, each once", () => {
  const w = broken(['/version', ''], ['/agents/0/budget/tokens', 1.5], ['/agents/0/mounts/0/kind', 'scratchpad']);
  const first = brief(validateSchema(w));
  expect(first).toEqual([
    'schema /version: "version" must not be empty',
    'schema /agents/0/mounts/0/kind: "kind" must be one of "scratch", "shared", "reference", "overlay", found the string "scratchpad"',
    'schema /agents/0/budget/tokens: "tokens" must be an integer, found the number 1.5',
  ]);
  expect(brief(validateSchema(w))).toEqual(first);
});

it('reports a document that is not an object', () => {
  expect(brief(validateSchema([]))).toEqual(['schema : the workflow must be an object, found an array']);
  expect(brief(validateSchema({ workflow: 'w', version: '1' }))).toEqual(['schema : the workflow is missing required property "main"']);
});

it('points at places the JSON front end can locate: an unknown key, a missing property\'s object', () => {
  const text = ['{', '  "workflow": "w", "version": "1",', '  "agents": [{"name": "a", "budgte": {}}],', '  "tasks": [{"name": "t"}],', '  "main": {"body": []}', '}'].join('\n');
  const { ast, map } = parseJsonWorkflow(text, 'w.json');
  const spans = validateSchema(ast).map((d) => {
    const span = map.locate(d.pointer, d.atKey) as Span;
    return `${span.start.line}:${span.start.col} ${text.slice(span.start.offset, span.end.offset)}`;
  });
  expect(spans).toEqual(['3:28 "budgte"', '4:13 {"name": "t"}']);
});
