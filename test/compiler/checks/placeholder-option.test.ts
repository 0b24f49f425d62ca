import { describe, expect, it } from 'vitest';
import type { ToolDecl } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

const withTool = (tool: ToolDecl) => workflow({ tools: [tool] });
const pointers = (tool: ToolDecl) => found(withTool(tool), 'placeholder-option').map((d) => [d.severity, d.pointer]);

describe('placeholder-option', () => {
  it('warns of an int placeholder a negative value would make an option', () => {
    expect(pointers({ name: 'ls', argv: ['ls', { param: 'n' }], params: [{ name: 'n', type: 'int' }] })).toEqual([['warning', '/tools/0/argv/1']]);
    expect(pointers({ name: 'ls', argv: ['ls', { param: 'n' }, '--'], params: [{ name: 'n', type: 'int' }] })).toEqual([['warning', '/tools/0/argv/1']]);
  });

  it('takes an int after "--", or right after an option item, as safe', () => {
    expect(pointers({ name: 'ls', argv: ['ls', '--', { param: 'n' }], params: [{ name: 'n', type: 'int' }] })).toEqual([]);
    expect(pointers({ name: 'head', argv: ['head', '-n', { param: 'n' }], params: [{ name: 'n', type: 'int' }] })).toEqual([]);
  });

  it('leaves strings, paths and enums alone: none can start with "-" unless the author wrote it', () => {
    const tool: ToolDecl = {
      name: 'run',
      argv: ['run', { param: 's' }, { param: 'p' }, { param: 'e' }],
      params: [{ name: 's', type: 'string' }, { name: 'p', type: 'path' }, { name: 'e', type: 'enum', values: ['-v', '-q'] }],
    };
    expect(pointers(tool)).toEqual([]);
  });
});
