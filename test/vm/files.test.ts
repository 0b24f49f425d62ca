import { describe, expect, it } from 'vitest';
import { compileDsl, run, type ParsedEvent } from './helpers.js';

/** The overlay commits a run requested. */
const commits = (log: readonly ParsedEvent[]) => log.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'commit');

describe('files through the kernel', () => {
  it('reads and writes through effects, with content in a blob and only virtual paths in events', () => {
    const r = run(
      compileDsl(`workflow f version "1"
model m { id "m" }
agent copier {
  model m
  mount reference "/in" from "inputs/docs-merge"
  mount shared "/out"
  budget { turns 1 tokens 1 time 1h }
  run {
    let text = read "/in/a.md"
    write "/out/b.md" text
    write "/out/c.json" { text: text }
  }
}
main { let r = call copier timeout 1m exit r }`),
      { fakes: { files: new Map([['/in/a.md', '# A']]) } },
    );
    expect(r.kernel.result?.status).toBe('ok');
    expect(r.files.get('/out/b.md')).toBe('# A');
    expect(r.files.get('/out/c.json')).toBe('{"text":"# A"}');
    const writes = r.log.filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'write').map((e) => e.data?.['request'] as Record<string, unknown>);
    expect(writes.map((w) => w['path'])).toEqual(['/out/b.md', '/out/c.json']);
    expect(r.blobs.get(writes[0]?.['blob'] as string)).toBe('# A');
  });

  it('fails a process whose read fails, naming the path', () => {
    const r = run(compileDsl(`workflow f version "1"\nmain { let t = read "/missing.txt" exit t }`));
    expect(r.kernel.result).toMatchObject({ status: 'failed', reason: { kind: 'read-failed', path: '/missing.txt' } });
  });

  it('refuses a write carrying a lease that expired and was granted to another', () => {
    const r = run(
      compileDsl(`workflow fence version "1"
model m { id "m" }
agent slow {
  model m
  mount shared "/shared"
  caps { leases ["disk"] }
  budget { turns 1 tokens 1 time 1h }
  run {
    let l = acquire "disk" ttl 1s timeout 1m
    sleep 5s
    write "/shared/x" "stale" lease l
  }
}
agent fast {
  model m
  mount shared "/shared"
  caps { leases ["disk"] }
  budget { turns 1 tokens 1 time 1h }
  run {
    sleep 2s
    let l = acquire "disk" ttl 1m timeout 1m
    write "/shared/x" "fresh" lease l
    sleep 10s
    release l
  }
}
main {
  let a = spawn slow
  let b = spawn fast
  let ra = await a timeout 1m
  let rb = await b timeout 1m
  exit [ra.status, rb.status]
}`),
    );
    expect(r.kernel.result?.output).toEqual(['failed', 'ok']);
    const lease = r.log.filter((e) => e.kind.startsWith('lease.')).map((e) => [e.kind, e.pid, e.data?.['token']]);
    expect(lease).toEqual([
      ['lease.granted', 'slow#1', 1],
      ['lease.expired', 'slow#1', 1],
      ['lease.granted', 'fast#1', 2],
      ['lease.refused', 'slow#1', 1],
      ['lease.released', 'fast#1', 2],
    ]);
    expect(r.files.get('/shared/x')).toBe('fresh');
  });

  it('commits an overlay when its agent ends well and discards it when it fails', () => {
    const source = (ending: string) => `workflow o version "1"
model m { id "m" }
agent editor {
  model m
  mount shared "/shared"
  mount overlay "/work" over "/shared"
  budget { turns 1 tokens 1 time 1h }
  run { write "/work/draft.txt" "draft" ${ending} }
}
main { let r = call editor timeout 1m exit r.status }`;
    const good = run(compileDsl(source('exit "done"')));
    expect(commits(good.log)[0]?.data?.['request']).toEqual({ base: 0, over: '/shared', overlay: '/work' });
    expect(good.log.some((e) => e.kind === 'overlay.committed')).toBe(true);
    expect(good.kernel.result?.output).toBe('ok');

    const bad = run(compileDsl(source('fail "no"')));
    expect(commits(bad.log)).toEqual([]);
    expect(bad.log.find((e) => e.kind === 'overlay.discarded')?.data).toEqual({ over: '/shared', overlay: '/work' });
  });

  it('never commits an overlay over a reference mount: it is a private copy, discarded at the end', () => {
    const r = run(
      compileDsl(`workflow ro version "1"
model m { id "m" }
agent editor {
  model m
  mount reference "/src" from "inputs/docs-merge"
  mount overlay "/work" over "/src"
  budget { turns 1 tokens 1 time 1h }
  run { write "/work/draft.txt" "draft" exit "done" }
}
main { let r = call editor timeout 1m exit r.status }`),
    );
    expect(r.kernel.result?.output).toBe('ok');
    expect(commits(r.log)).toEqual([]);
    expect(r.log.find((e) => e.kind === 'overlay.discarded')?.data).toEqual({ over: '/src', overlay: '/work' });
  });

  it('fails an overlay commit whose base changed since the overlay began (compare-and-swap)', () => {
    const r = run(
      compileDsl(`workflow cas version "1"
model m { id "m" }
agent editor {
  model m
  mount shared "/shared"
  mount overlay "/work" over "/shared"
  budget { turns 1 tokens 1 time 1h }
  run { write "/work/draft.txt" "draft" sleep 5s exit "done" }
}
agent other {
  model m
  mount shared "/shared"
  budget { turns 1 tokens 1 time 1h }
  run { write "/shared/draft.txt" "someone else" }
}
main {
  let e = spawn editor
  let o = call other timeout 1m
  let r = await e timeout 1m
  exit r
}`),
    );
    expect(r.kernel.result?.output).toMatchObject({ status: 'failed', reason: { kind: 'overlay-conflict', base: 0, current: 1 } });
  });
});
