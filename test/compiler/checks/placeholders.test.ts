import { describe, expect, it } from 'vitest';
import type { ToolDecl } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

const withTool = (tool: ToolDecl) => workflow({ tools: [tool] });

describe('placeholders in tool declarations', () => {
  it('reports an argv placeholder without a param, hinting at the param meant', () => {
    const ast = withTool({ name: 'cat', argv: ['cat', { param: 'fiel' }], params: [{ name: 'file', type: 'path' }] });
    expect(found(ast, 'placeholder-unbound')).toEqual([
      { severity: 'error', pointer: '/tools/0/argv/1/param', message: 'placeholder $fiel of tool "cat" has no param', hints: [{ message: 'did you mean "file"?', pointer: '/tools/0/params/0/name' }] },
    ]);
  });

  it('reports an enum param without values', () => {
    const ast = withTool({ name: 'fmt', argv: ['fmt', { param: 'style' }], params: [{ name: 'style', type: 'enum', values: [] }] });
    expect(found(ast, 'placeholder-type')).toEqual([{ severity: 'error', pointer: '/tools/0/params/0', message: 'enum param "style" lists no values', hints: [] }]);
  });

  it('reports a path param before the "--" separator', () => {
    const ast = withTool({ name: 'rm', argv: ['rm', { param: 'target' }, '--', { param: 'other' }], params: [{ name: 'target', type: 'path' }, { name: 'other', type: 'path' }] });
    expect(found(ast, 'placeholder-type').map((d) => [d.pointer, d.message.slice(0, 44)])).toEqual([['/tools/0/argv/1', 'path param "target" comes before "--" in arg']]);
  });

  it('accepts bound placeholders, paths after "--", and argv without a separator', () => {
    const ast = workflow({
      tools: [
        { name: 'rm', argv: ['rm', { param: 'n' }, '--', { param: 'target' }], params: [{ name: 'target', type: 'path' }, { name: 'n', type: 'int' }] },
        { name: 'cat', argv: ['cat', { param: 'file' }], params: [{ name: 'file', type: 'path' }] },
      ],
    });
    expect([...found(ast, 'placeholder-unbound'), ...found(ast, 'placeholder-type')]).toEqual([]);
  });
});
