// Declarations become tables with names resolved to indices, included files inlined as
// constants, tool argument schemas built from parameters, and agent inheritance applied.
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Workflow } from '../../src/generated/workflow.js';
import { compile, workflow } from './emit-helpers.js';

describe('tables', () => {
  it('models, supervisors and retries keep their fields in schema order', () => {
    const { code } = compile({
      workflow: 'tables',
      version: '1',
      models: [{ context: 8192, id: 'm-1', name: 'm', temperature: 0.2 }],
      supervisors: [{ strategy: 'one_for_all', name: 'sup', intensity: 3, period: 60000 }],
      retries: [{ name: 'twice', attempts: 2, backoff: 1000 }],
      main: { supervisor: 'sup', body: [] },
    });
    expect(JSON.stringify(code.models)).toBe('[{"name":"m","id":"m-1","temperature":0.2,"context":8192}]');
    expect(code.supervisors).toEqual([{ name: 'sup', strategy: 'one_for_all', intensity: 3, period: 60000 }]);
    expect(code.retries).toEqual([{ name: 'twice', attempts: 2, backoff: 1000, on: [] }]);
    expect(code.mainSupervisor).toBe(0);
  });

  it('a tool refers to its parameters by index and carries a JSON Schema of its arguments', () => {
    const { code } = compile(
      workflow([], {
        tools: [
          {
            name: 'render',
            argv: ['render', '--scene', { param: 'scene' }, { param: 'quality' }, '--', { param: 'out' }],
            params: [
              { name: 'scene', type: 'string' },
              { name: 'quality', type: 'enum', values: ['low', 'high'] },
              { name: 'out', type: 'path', mount: '/out' },
              { name: 'seed', type: 'int' },
            ],
            timeout: 30000,
            env: ['PATH'],
          },
        ],
      }),
    );
    const tool = code.tools[0];
    expect(tool).toMatchObject({
      name: 'render',
      argv: ['render', '--scene', { param: 0 }, { param: 1 }, '--', { param: 2 }],
      timeout: 30000,
      env: ['PATH'],
    });
    const validate = new Ajv2020({ strict: true }).compile(code.constants[tool?.argsSchema ?? -1] as object);
    expect(validate({ scene: 'box', quality: 'high', out: '/out/a.png', seed: 7 })).toBe(true);
    expect(validate({ scene: '-rf', quality: 'high', out: '/out/a.png', seed: 7 })).toBe(false);
    expect(validate({ scene: 'box', quality: 'max', out: '/out/a.png', seed: 7 })).toBe(false);
    expect(validate({ scene: 'box', quality: 'low', out: '', seed: 7 })).toBe(false);
    expect(validate({ scene: 'box', quality: 'low', out: '/o', seed: 1.5 })).toBe(false);
    expect(validate({ scene: 'box', quality: 'low', out: '/o' })).toBe(false);
    expect(validate({ scene: 'box', quality: 'low', out: '/o', seed: 1, extra: 1 })).toBe(false);
  });

  it('a tool declared not idempotent says so in its entry; one declared idempotent is as one that says nothing', () => {
    const tools: NonNullable<Workflow['tools']> = [
      { name: 'once', argv: ['append'], idempotent: false },
      { name: 'again', argv: ['true'], idempotent: true },
      { name: 'plain', argv: ['true'] },
    ];
    const { code } = compile(workflow([], { tools }));
    expect(code.tools.map((t) => t.idempotent)).toEqual([false, undefined, undefined]);
    const { code: unmarked } = compile(workflow([], { tools: tools.map(({ idempotent: _i, ...tool }) => tool) }));
    expect(code.tools.slice(1)).toEqual(unmarked.tools.slice(1));
  });

  it('artifact schemas are inlined, from the declaration or from the schema file', () => {
    const { code } = compile(
      workflow([], {
        artifacts: [{ name: 'inline', schema: { type: 'object' } }, { name: 'filed', schemaFile: 'schemas/f.json' }, { name: 'free' }],
      }),
      new Map([['schemas/f.json', '{"type":"array"}']]),
    );
    expect(code.artifacts).toEqual([
      { name: 'inline', schema: 0 },
      { name: 'filed', schema: 1 },
      { name: 'free', schema: -1 },
    ]);
    expect(code.constants.slice(0, 2)).toEqual([{ type: 'object' }, { type: 'array' }]);
  });

  it('tasks resolve owner, artifacts, verifier and retry; tool verification arguments are a constant object', () => {
    const { code } = compile(
      workflow([], {
        tools: [{ name: 'check', argv: ['check', { param: 'level' }], params: [{ name: 'level', type: 'int' }] }],
        artifacts: [{ name: 'in' }, { name: 'out' }],
        agents: [{ name: 'maker' }, { name: 'judge' }],
        retries: [{ name: 'again', attempts: 3 }],
        tasks: [
          { name: 'make', owner: 'maker', inputs: ['in'], produces: ['out'], verify: { agent: 'judge' }, retry: 'again' },
          { name: 'test', owner: 'maker', description: 'tested', verify: { tool: 'check', args: [{ name: 'level', value: 2 }] } },
        ],
      }),
    );
    expect(code.tasks[0]).toEqual({ name: 'make', owner: 0, inputs: [0], produces: [1], verify: { agent: 1 }, retry: 0 });
    expect(code.tasks[1]).toEqual({ name: 'test', owner: 0, description: 'tested', inputs: [], produces: [], verify: { tool: 0, args: 1 }, retry: -1 });
    expect(code.constants[1]).toEqual({ level: 2 });
  });
});

describe('agents', () => {
  const agents: Workflow['agents'] = [
    {
      name: 'base',
      role: 'worker',
      model: 'small',
      promptFile: 'prompts/base.md',
      tools: ['grep'],
      mounts: [{ kind: 'scratch', path: '/tmp' }],
      caps: { topics: ['news'], spawn: ['helper'] },
      budget: { turns: 4, tokens: 1000, time: 60000 },
      restart: 'transient',
    },
    { name: 'special', extends: 'base', prompt: 'Be special.', caps: { topics: ['alerts'] }, budget: { turns: 8 } },
    { name: 'deeper', extends: 'special', role: 'reviewer', program: [] },
    { name: 'deepest', extends: 'deeper' },
    { name: 'helper' },
  ];
  const decls = { models: [{ name: 'small', id: 's' }], tools: [{ name: 'grep', argv: ['grep'] as [string] }], agents };
  const { code } = compile(workflow([], decls), new Map([['prompts/base.md', 'You are the base.']]));

  it('a spec gets every property it leaves out from the spec it extends', () => {
    expect(code.agents[1]).toEqual({
      name: 'special',
      lineage: 'base',
      role: 'worker',
      model: 0,
      prompt: code.constants.indexOf('Be special.'),
      tools: [0],
      mounts: [{ kind: 'scratch', path: '/tmp' }],
      caps: { spawn: [4], topics: ['alerts'] },
      budget: { turns: 8, tokens: 1000, time: 60000 },
      restart: 'transient',
      retry: -1,
      supervisor: -1,
      procedure: -1,
    });
  });

  it('the prompt file is inlined, and the lineage is the root of the chain', () => {
    expect(code.constants[code.agents[0]?.prompt ?? -1]).toBe('You are the base.');
    expect(code.agents.map((a) => a.lineage)).toEqual(['base', 'base', 'base', 'base', 'helper']);
  });

  it('a program is inherited with the rest: both specs run the same procedure', () => {
    expect(code.agents.map((a) => a.procedure)).toEqual([-1, -1, 1, 1, -1]);
    expect(code.procedures[1]).toMatchObject({ name: 'deeper', kind: 'agent' });
    expect(code.agents[3]?.role).toBe('reviewer');
  });

  it('an extends cycle (reported by the checker) is cut rather than followed forever', () => {
    const cyclic = compile(workflow([], { agents: [{ name: 'a', extends: 'b', role: 'worker' }, { name: 'b', extends: 'a' }] }));
    expect(cyclic.code.agents.map((a) => [a.name, a.lineage, a.role])).toEqual([
      ['a', 'b', 'worker'],
      ['b', 'b', undefined],
    ]);
  });
});
