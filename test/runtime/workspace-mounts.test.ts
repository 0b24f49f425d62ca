// The live host's mount bookkeeping: mounting a spawned agent's overlay copies nothing up from its
// base, so a change made to the base after the spawn (by a tool, which moves no version) survives
// the overlay's commit; and each mount's real root is kept with its virtual path for redaction.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/drivers/files.js';
import { WorkspaceMounts } from '../../src/runtime/workspace-mounts.js';
import { compileDsl } from '../vm/helpers.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const bytecode = compileDsl(`workflow mounts version "1"
model m { id "m" }
agent writer {
  model m
  mount shared "/shared"
  mount overlay "/work" over "/shared"
  budget { turns 1 tokens 10 time 1m }
  run { exit "done" }
}
main { let w = call writer exit w }`);

describe('WorkspaceMounts', () => {
  it('mounts an overlay without copying its base, so a later change to the base survives the commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-mounts-'));
    made.push(dir);
    const workspace = await Workspace.create(join(dir, 'workspace'));
    const mounts = new WorkspaceMounts(bytecode, workspace, dir);
    await workspace.mount('main', { kind: 'shared', path: '/' });
    await workspace.write('main', '/shared/best.json', 'v1');
    const spawned = { seq: 2, kind: 'proc.spawned' as const, pid: 'writer#1', data: { kind: 'agent', parent: 'main', spec: 'writer' } };
    expect(mounts.note(spawned)).toBe(true);
    await mounts.observe(spawned);

    // A tool rewrites the base behind the kernel's back (no version moves), then the writer works in its overlay.
    const shared = mounts.hostPaths.find((p) => p.standIn === '/shared')?.host as string;
    writeFileSync(join(shared, 'best.json'), 'v2');
    expect((await workspace.write('writer#1', '/work/cand.cpp', 'int main(){}')).ok).toBe(true);
    const committed = await workspace.commitOverlay('writer#1', '/work', 0);
    expect(committed).toMatchObject({ ok: true, files: ['/shared/cand.cpp'] });
    expect(readFileSync(join(shared, 'best.json'), 'utf8')).toBe('v2');
    expect(mounts.hostPaths.map((p) => p.standIn).sort()).toEqual(['/shared', '/work']);
  });
});
