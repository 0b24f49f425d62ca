import { describe, expect, it } from 'vitest';
import type { Expr, NamedArg, ToolDecl } from '../../../src/generated/workflow.js';
import { agent, found, workflow } from './helpers.js';

const tool: ToolDecl = {
  name: 'run',
  argv: ['run', { param: 'count' }, { param: 'mode' }, { param: 'label' }, '--', { param: 'file' }],
  params: [
    { name: 'count', type: 'int' },
    { name: 'mode', type: 'enum', values: ['fast', 'slow'] },
    { name: 'label', type: 'string' },
    { name: 'file', type: 'path', mount: '/work' },
  ],
};
const good: NamedArg[] = [
  { name: 'count', value: 3 },
  { name: 'mode', value: 'fast' },
  { name: 'label', value: 'x' },
  { name: 'file', value: '/work/a.txt' },
];
const exec = (args: NamedArg[]) => workflow({ tools: [tool], main: [{ kind: 'exec', tool: 'run', args }] });
const withArg = (name: string, value: Expr) => exec(good.map((a) => (a.name === name ? { name, value } : a)));

describe('placeholder-unbound at call sites', () => {
  it('reports a param given no value, at the tool name', () => {
    expect(found(exec(good.slice(1)), 'placeholder-unbound')).toEqual([{ severity: 'error', pointer: '/main/body/0/tool', message: 'tool "run" needs a value for param "count"', hints: [] }]);
  });

  it('reports an argument that is no param, hinting at the param meant', () => {
    expect(found(exec([...good, { name: 'lable', value: 'y' }]), 'placeholder-unbound')).toEqual([
      { severity: 'error', pointer: '/main/body/0/args/4/name', message: 'tool "run" has no param "lable"', hints: [{ message: 'did you mean "label"?', pointer: '/tools/0/params/2/name' }] },
    ]);
  });

  it('checks verify-by-tool arguments the same way', () => {
    const ast = workflow({ tools: [tool], agents: [agent('w')], tasks: [{ name: 't', owner: 'w', verify: { tool: 'run', args: good.slice(0, 3) } }] });
    expect(found(ast, 'placeholder-unbound').map((d) => [d.pointer, d.message])).toEqual([['/tasks/0/verify/tool', 'tool "run" needs a value for param "file"']]);
  });
});

describe('placeholder-type at call sites', () => {
  it.each<[string, Expr, string]>([
    ['count', 1.5, 'int param "count" is given 1.5, which is not an integer'],
    ['count', '3', 'int param "count" is given "3", which is not an integer'],
    ['mode', 'turbo', 'enum param "mode" is given "turbo", which is not one of "fast", "slow"'],
    ['label', '-rf', 'string param "label" is given "-rf", which starts with "-" and would be read as an option'],
    ['label', true, 'string param "label" is given true, which is not a string'],
    ['file', 'a.txt', 'path "a.txt" is not absolute'],
    ['file', '/work/../etc', 'path "/work/../etc" has a ".." segment'],
    ['file', '/workshop/a', 'path "/workshop/a" is not inside the param\'s mount "/work"'],
    ['file', 7, 'path param "file" is given 7, which is not a string'],
    ['mode', { kind: 'list', items: [] }, 'param "mode" takes an enum, not a list'],
  ])('reports %s given %j', (name, value, message) => {
    const index = good.findIndex((a) => a.name === name);
    expect(found(withArg(name, value), 'placeholder-type')).toEqual([{ severity: 'error', pointer: `/main/body/0/args/${index}/value`, message, hints: [] }]);
  });

  it('accepts fitting literals and leaves variables to run time', () => {
    const ast = exec([...good.slice(0, 3), { name: 'file', value: { kind: 'ref', path: ['input', 'file'] } }]);
    expect([...found(exec(good), 'placeholder-type'), ...found(ast, 'placeholder-type'), ...found(ast, 'placeholder-unbound')]).toEqual([]);
  });
});
