// mount-path: each mount point is absolute and normalised; no two mounts of one agent overlap
// (the same path, or one inside the other by whole segments), except an overlay with the mount
// named in its `over`; an overlay's `over` names another mount of the agent; a `source` is a
// relative folder without "..". Overlaps are found on the sorted mount points with a stack of
// enclosing ones, never by comparing every pair.
import type { Mount } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { isInside, pathProblem, sourceProblem } from './vpath.js';

interface Placed {
  readonly mount: Mount;
  readonly index: number;
}

const problem = (pointer: string, message: string) => diagnostic('mount-path', { pointer, message });

function mountProblems(mount: Mount, at: string, pathCounts: ReadonlyMap<string, number>, out: Diagnostic[]): void {
  const pathIssue = pathProblem(mount.path);
  if (pathIssue) out.push(problem(join(at, 'path'), `mount path "${mount.path}" ${pathIssue}`));
  if (mount.kind === 'overlay' && mount.over === undefined) {
    out.push(problem(at, 'an overlay mount needs `over`: the mount point it copies on write'));
  }
  if (mount.over !== undefined) {
    if (mount.kind !== 'overlay') out.push(problem(join(at, 'over'), `\`over\` is only for overlay mounts, not ${mount.kind}`));
    else if ((pathCounts.get(mount.over) ?? 0) < (mount.over === mount.path ? 2 : 1)) {
      out.push(problem(join(at, 'over'), `overlay over "${mount.over}" names no other mount of this agent`));
    }
  }
  if (mount.source !== undefined) {
    const sourceIssue = sourceProblem(mount.source);
    if (mount.kind === 'scratch' || mount.kind === 'overlay') out.push(problem(join(at, 'source'), `\`source\` is only for reference and shared mounts, not ${mount.kind}`));
    else if (sourceIssue) out.push(problem(join(at, 'source'), `mount source "${mount.source}" ${sourceIssue}`));
  }
}

const exempt = (a: Mount, b: Mount) => (a.kind === 'overlay' && a.over === b.path) || (b.kind === 'overlay' && b.over === a.path);

function innermostConflict(enclosing: readonly Placed[], mount: Mount): Placed | undefined {
  for (let k = enclosing.length - 1; k >= 0; k--) {
    const e = enclosing[k] as Placed;
    if (!exempt(e.mount, mount)) return e;
  }
  return undefined;
}

function overlaps(mounts: readonly Mount[], at: string, out: Diagnostic[]): void {
  const placed: Placed[] = [];
  mounts.forEach((mount, index) => {
    if (pathProblem(mount.path) === undefined) placed.push({ mount, index });
  });
  // Sorting on path + '/' puts each mount right after the mounts that contain it ("/out/" < "/out/x/").
  const key = (p: Placed) => (p.mount.path === '/' ? '/' : `${p.mount.path}/`);
  placed.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.index - b.index));
  const enclosing: Placed[] = [];
  for (const current of placed) {
    while (enclosing.length > 0 && !isInside(current.mount.path, (enclosing[enclosing.length - 1] as Placed).mount.path)) enclosing.pop();
    const other = innermostConflict(enclosing, current.mount);
    if (other) {
      const [first, second] = other.index < current.index ? [other, current] : [current, other];
      out.push(
        diagnostic('mount-path', {
          pointer: join(at, second.index, 'path'),
          message: `mount "${second.mount.path}" overlaps mount "${first.mount.path}" of the same agent`,
          hints: [{ message: 'the other mount is here', pointer: join(at, first.index, 'path') }],
        }),
      );
    }
    enclosing.push(current);
  }
}

export function checkMounts(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  ctx.ast.agents?.forEach((agent, i) => {
    const mounts = agent.mounts ?? [];
    const at = join('', 'agents', i, 'mounts');
    // An overlay over its own mount point needs a second mount at that path.
    const pathCounts = new Map<string, number>();
    for (const m of mounts) pathCounts.set(m.path, (pathCounts.get(m.path) ?? 0) + 1);
    mounts.forEach((mount, j) => mountProblems(mount, join(at, j), pathCounts, out));
    overlaps(mounts, at, out);
  });
  return out;
}
