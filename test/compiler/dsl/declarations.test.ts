// Every declaration form of the grammar, parsed to its exact AST (key order included).
import { describe, expect, test } from 'vitest';
import { parseDsl } from '../../../src/compiler/dsl/index.js';
import { expectJson, parseClean } from './helpers.js';

function declarations(text: string): Record<string, unknown> {
  const ast = parseClean(`workflow w version "1"\n${text}\nmain {}`);
  const { workflow: _w, version: _v, main: _m, ...rest } = ast;
  return rest;
}

describe('the file', () => {
  test('header, declarations grouped by kind in source order, and main', () => {
    const ast = parseClean(`workflow fact-sheet version "1.0.0"
      retry r { attempts 1 }
      model m1 { id "a" }
      agent a1 {}
      model m2 { id "b" }
      main supervisor top { exit }`);
    expectJson(ast, {
      workflow: 'fact-sheet',
      version: '1.0.0',
      models: [{ name: 'm1', id: 'a' }, { name: 'm2', id: 'b' }],
      agents: [{ name: 'a1' }],
      retries: [{ name: 'r', attempts: 1 }],
      main: { supervisor: 'top', body: [{ kind: 'exit' }] },
    });
  });
});

describe('declarations', () => {
  test('model', () => {
    expectJson(declarations('model default { context 32768 id "qwen" max_tokens 4096 temperature 0.2 }'), {
      models: [{ name: 'default', id: 'qwen', temperature: 0.2, maxTokens: 4096, context: 32768 }],
    });
  });

  test('tool with every property and each parameter type', () => {
    const text = `tool git {
      cwd "/work"
      description "runs git"
      argv ["git", "diff", $file, "--", $mode,]
      param file path in "/src"
      param out path
      param mode enum ["short", "long"]
      param n int
      param msg string
      timeout 30s
      output_cap 1mb
      env ["HOME" "PATH"]
    }`;
    expectJson(declarations(text), {
      tools: [
        {
          name: 'git',
          description: 'runs git',
          argv: ['git', 'diff', { param: 'file' }, '--', { param: 'mode' }],
          params: [
            { name: 'file', type: 'path', mount: '/src' },
            { name: 'out', type: 'path' },
            { name: 'mode', type: 'enum', values: ['short', 'long'] },
            { name: 'n', type: 'int' },
            { name: 'msg', type: 'string' },
          ],
          timeout: 30000,
          outputCap: 1048576,
          env: ['HOME', 'PATH'],
          cwd: '/work',
        },
      ],
    });
  });

  test('idempotent takes true or false, and nothing else', () => {
    expectJson(declarations('tool once { argv ["x"] idempotent false }\ntool again { idempotent true argv ["y"] }'), {
      tools: [
        { name: 'once', argv: ['x'], idempotent: false },
        { name: 'again', argv: ['y'], idempotent: true },
      ],
    });
    const wrong = parseDsl('workflow w version "1"\ntool t { argv ["x"] idempotent "no" }\nmain {}', 'w.aos');
    expect(wrong.diagnostics.map((d) => d.message).join('\n')).toMatch(/true or false/);
  });

  test('a bare integer where a duration or size goes is milliseconds or bytes', () => {
    expectJson(declarations('tool t { argv ["x"] timeout 1500 output_cap 2048 }'), {
      tools: [{ name: 't', argv: ['x'], timeout: 1500, outputCap: 2048 }],
    });
  });

  test('artifacts: bare, schema file, inline schema', () => {
    const text = `artifact notes
      artifact facts schema file "schemas/facts.json"
      artifact draft schema { "type": "object", "required": ["a"], "properties": { "a": { "minLength": 1, "x": [true, false, null, -2, 0.5] } } }`;
    expectJson(declarations(text), {
      artifacts: [
        { name: 'notes' },
        { name: 'facts', schemaFile: 'schemas/facts.json' },
        {
          name: 'draft',
          schema: { type: 'object', required: ['a'], properties: { a: { minLength: 1, x: [true, false, null, -2, 0.5] } } },
        },
      ],
    });
  });

  test('agent with every property, in schema order whatever the source order', () => {
    const text = `agent coder extends base {
      run { exit }
      supervisor crew
      retry patient
      restart transient
      budget { time 5m tokens 20000 turns 8 }
      caps { signal any leases ["lock"] tools [git] topics ["t.*"] send [parent] spawn [helper, checker] }
      mount overlay "/work" over "/src"
      mount reference "/src" from "inputs/src"
      tools [git, make]
      prompt file "prompts/coder.md"
      model default
      role worker
    }`;
    expectJson(declarations(text), {
      agents: [
        {
          name: 'coder',
          extends: 'base',
          role: 'worker',
          model: 'default',
          promptFile: 'prompts/coder.md',
          tools: ['git', 'make'],
          mounts: [
            { kind: 'overlay', path: '/work', over: '/src' },
            { kind: 'reference', path: '/src', source: 'inputs/src' },
          ],
          caps: { spawn: ['helper', 'checker'], send: ['parent'], topics: ['t.*'], tools: ['git'], leases: ['lock'], signal: 'any' },
          budget: { turns: 8, tokens: 20000, time: 300000 },
          restart: 'transient',
          retry: 'patient',
          supervisor: 'crew',
          program: [{ kind: 'exit' }],
        },
      ],
    });
  });

  test('agent: inline prompt, every role, mount kind and restart type, empty caps and budget', () => {
    const roles = ['planner', 'worker', 'evaluator', 'reviewer', 'custom'];
    const text = roles.map((r, i) => `agent a${i} { role ${r} prompt "p${i}" }`).join('\n') +
      '\nagent m { mount scratch "/a" mount shared "/b" from "x" over "/c" caps {} budget {} restart permanent }\nagent t { restart temporary }';
    expectJson(declarations(text), {
      agents: [
        ...roles.map((role, i) => ({ name: `a${i}`, role, prompt: `p${i}` })),
        { name: 'm', mounts: [{ kind: 'scratch', path: '/a' }, { kind: 'shared', path: '/b', source: 'x', over: '/c' }], caps: {}, budget: {}, restart: 'permanent' },
        { name: 't', restart: 'temporary' },
      ],
    });
  });

  test('task with verification by agent, and by tool with and without arguments', () => {
    const text = `task gather { verify by agent checker retry r produces [facts notes] inputs [] description "d" owner researcher }
      task build { owner coder verify by tool make { target: "all", jobs: 4 } }
      task lint { owner coder verify by tool eslint }`;
    expectJson(declarations(text), {
      tasks: [
        { name: 'gather', owner: 'researcher', description: 'd', inputs: [], produces: ['facts', 'notes'], verify: { agent: 'checker' }, retry: 'r' },
        { name: 'build', owner: 'coder', verify: { tool: 'make', args: [{ name: 'target', value: 'all' }, { name: 'jobs', value: 4 }] } },
        { name: 'lint', owner: 'coder', verify: { tool: 'eslint' } },
      ],
    });
  });

  test('supervisor with every strategy', () => {
    const text = `supervisor a { period 10m intensity 2 restart transient strategy one_for_one }
      supervisor b { strategy one_for_all }
      supervisor c { strategy rest_for_one }`;
    expectJson(declarations(text), {
      supervisors: [
        { name: 'a', strategy: 'one_for_one', restart: 'transient', intensity: 2, period: 600000 },
        { name: 'b', strategy: 'one_for_all' },
        { name: 'c', strategy: 'rest_for_one' },
      ],
    });
  });

  test('retry policy; its conditions may be keywords such as timeout', () => {
    const text = 'retry flaky { on [malformed_output, tool_failure, timeout, rejected, crash] max_backoff 1m factor 2 backoff 5s attempts 3 }';
    expectJson(declarations(text), {
      retries: [
        { name: 'flaky', attempts: 3, backoff: 5000, factor: 2, maxBackoff: 60000, on: ['malformed_output', 'tool_failure', 'timeout', 'rejected', 'crash'] },
      ],
    });
  });
});
