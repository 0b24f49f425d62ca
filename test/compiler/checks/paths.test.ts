import { describe, expect, it } from 'vitest';
import type { AgentDecl, Statement, ToolDecl } from '../../../src/generated/workflow.js';
import { agent, found, workflow } from './helpers.js';

const mounts: AgentDecl['mounts'] = [{ kind: 'shared', path: '/shared' }, { kind: 'scratch', path: '/tmp' }];
const programPaths = (program: Statement[]) => found(workflow({ agents: [agent('a', { mounts, program })] }), 'path-outside-mounts').map((d) => [d.pointer, d.message]);

describe('path-outside-mounts in programs', () => {
  it('reports a literal path outside every mount of a structured agent', () => {
    expect(found(workflow({ agents: [agent('a', { mounts, program: [{ kind: 'write', path: '/etc/passwd', value: 1 }] })] }), 'path-outside-mounts')).toEqual([
      { severity: 'error', pointer: '/agents/0/program/0/path', message: 'path "/etc/passwd" lies in none of agent "a"\'s mounts: its mounts are "/shared", "/tmp"', hints: [] },
    ]);
  });

  it('compares by whole segments and rejects ".."', () => {
    expect(programPaths([{ kind: 'read', path: '/shared-evil/x' }, { kind: 'read', path: '/shared/../etc' }, { kind: 'read', path: '/shared/a/b' }, { kind: 'read', path: '/tmp' }])).toEqual([
      ['/agents/0/program/0/path', 'path "/shared-evil/x" lies in none of agent "a"\'s mounts: its mounts are "/shared", "/tmp"'],
      ['/agents/0/program/1/path', 'path "/shared/../etc" has a ".." segment'],
    ]);
  });

  it('lets main use any absolute path, but not a relative one or ".."', () => {
    const ast = workflow({ main: [{ kind: 'write', path: '/anywhere/x', value: 1 }, { kind: 'read', path: 'rel/x' }, { kind: 'read', path: '/a/../b' }] });
    expect(found(ast, 'path-outside-mounts').map((d) => [d.pointer, d.message])).toEqual([
      ['/main/body/1/path', 'path "rel/x" is not absolute'],
      ['/main/body/2/path', 'path "/a/../b" has a ".." segment'],
    ]);
  });
});

describe('path-outside-mounts in tools', () => {
  const tool: ToolDecl = { name: 'build', argv: ['make', { param: 'dir' }], cwd: '/work', params: [{ name: 'dir', type: 'path', mount: '/out' }] };

  it('reports a cwd or param mount outside the mounts of an agent holding the tool, once', () => {
    const ast = workflow({ tools: [tool], agents: [agent('a', { tools: ['build'], mounts }), agent('b', { caps: { tools: ['build'] } })] });
    expect(found(ast, 'path-outside-mounts').map((d) => [d.pointer, d.message])).toEqual([
      ['/tools/0/cwd', '"/work" lies in none of the mounts of agent "a", which holds tool "build": its mounts are "/shared", "/tmp"'],
      ['/tools/0/params/0/mount', '"/out" lies in none of the mounts of agent "a", which holds tool "build": its mounts are "/shared", "/tmp"'],
    ]);
  });

  it('reports a relative cwd regardless of agents', () => {
    const ast = workflow({ tools: [{ ...tool, cwd: 'work', params: [] }] });
    expect(found(ast, 'path-outside-mounts').map((d) => [d.pointer, d.message])).toEqual([['/tools/0/cwd', 'path "work" is not absolute']]);
  });

  it('accepts tool directories inside every holder\'s mounts', () => {
    const ast = workflow({ tools: [tool], agents: [agent('a', { tools: ['build'], mounts: [{ kind: 'scratch', path: '/work' }, { kind: 'shared', path: '/out' }] })] });
    expect(found(ast, 'path-outside-mounts')).toEqual([]);
  });
});
