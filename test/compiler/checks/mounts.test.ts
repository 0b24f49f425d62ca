import { describe, expect, it } from 'vitest';
import type { Mount } from '../../../src/generated/workflow.js';
import { agent, found, workflow } from './helpers.js';

const withMounts = (mounts: Mount[]) => workflow({ agents: [agent('a', { mounts })] });
const problems = (mounts: Mount[]) => found(withMounts(mounts), 'mount-path').map((d) => [d.pointer, d.message]);

describe('mount-path', () => {
  it.each([
    ['out', 'is not absolute'],
    ['/out/../etc', 'has a ".." segment'],
    ['/out/./x', 'has a "." segment'],
    ['/out//x', 'has an empty segment'],
    ['/out/', 'ends with "/"'],
  ])('reports the mount path %s, which %s', (path, why) => {
    expect(found(withMounts([{ kind: 'scratch', path }]), 'mount-path')).toEqual([
      { severity: 'error', pointer: '/agents/0/mounts/0/path', message: `mount path "${path}" ${why}`, hints: [] },
    ]);
  });

  it('reports two mounts at one path, at the second, with a hint at the first', () => {
    expect(found(withMounts([{ kind: 'scratch', path: '/out' }, { kind: 'shared', path: '/out' }]), 'mount-path')).toEqual([
      { severity: 'error', pointer: '/agents/0/mounts/1/path', message: 'mount "/out" overlaps mount "/out" of the same agent', hints: [{ message: 'the other mount is here', pointer: '/agents/0/mounts/0/path' }] },
    ]);
  });

  it('reports a mount inside another by whole segments, whichever comes first', () => {
    expect(problems([{ kind: 'scratch', path: '/out/x' }, { kind: 'shared', path: '/a' }, { kind: 'shared', path: '/out' }])).toEqual([
      ['/agents/0/mounts/2/path', 'mount "/out" overlaps mount "/out/x" of the same agent'],
    ]);
    expect(problems([{ kind: 'shared', path: '/' }, { kind: 'scratch', path: '/tmp' }])).toEqual([['/agents/0/mounts/1/path', 'mount "/tmp" overlaps mount "/" of the same agent']]);
  });

  it('does not confuse a sibling prefix with containment', () => {
    expect(problems([{ kind: 'shared', path: '/out' }, { kind: 'scratch', path: '/out-evil' }, { kind: 'scratch', path: '/out-evil/x/y' }, { kind: 'scratch', path: '/out/x' }])).toEqual([
      ['/agents/0/mounts/2/path', 'mount "/out-evil/x/y" overlaps mount "/out-evil" of the same agent'],
      ['/agents/0/mounts/3/path', 'mount "/out/x" overlaps mount "/out" of the same agent'],
    ]);
  });

  it('allows an overlay over the mount named in its over', () => {
    expect(problems([{ kind: 'shared', path: '/repo' }, { kind: 'overlay', path: '/repo', over: '/repo' }, { kind: 'overlay', path: '/work', over: '/repo' }])).toEqual([]);
  });

  it('checks over and source', () => {
    expect(
      problems([
        { kind: 'overlay', path: '/a' },
        { kind: 'overlay', path: '/b', over: '/nothing' },
        { kind: 'scratch', path: '/c', over: '/a' },
        { kind: 'reference', path: '/d', source: '/etc' },
        { kind: 'shared', path: '/e', source: 'inputs/../../secrets' },
        { kind: 'scratch', path: '/f', source: 'inputs' },
        { kind: 'overlay', path: '/g', over: '/g' },
      ]),
    ).toEqual([
      ['/agents/0/mounts/0', 'an overlay mount needs `over`: the mount point it copies on write'],
      ['/agents/0/mounts/1/over', 'overlay over "/nothing" names no other mount of this agent'],
      ['/agents/0/mounts/2/over', '`over` is only for overlay mounts, not scratch'],
      ['/agents/0/mounts/3/source', 'mount source "/etc" is absolute; sources are relative to the workflow'],
      ['/agents/0/mounts/4/source', 'mount source "inputs/../../secrets" has a ".." segment'],
      ['/agents/0/mounts/5/source', '`source` is only for reference and shared mounts, not scratch'],
      ['/agents/0/mounts/6/over', 'overlay over "/g" names no other mount of this agent'],
    ]);
  });

  it('reports nothing for disjoint, normalised mounts', () => {
    expect(problems([{ kind: 'scratch', path: '/tmp' }, { kind: 'reference', path: '/sources', source: 'inputs/sources' }, { kind: 'shared', path: '/shared' }])).toEqual([]);
  });
});
