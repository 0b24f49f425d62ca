// parallel-write-conflict: the branches of one parallel statement run as concurrent processes,
// so two of them must not `set` the same variable declared outside the statement, nor `write`
// the same literal path. Each later branch that repeats a write is reported once, with a hint
// at the first branch's.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { CheckContext } from './context.js';
import { visitsOf, type BranchFrame } from './visits.js';

interface FirstWrite {
  readonly branch: number;
  readonly pointer: () => string;
}

class ConflictFinder {
  readonly out: Diagnostic[] = [];
  private readonly first = new Map<string, FirstWrite>();
  private readonly reported = new Set<string>();

  /** Notes a write by frame's branch; pointer is computed only when it is reported. */
  record(frame: BranchFrame, what: string, pointer: () => string): void {
    const key = `${frame.parallel.seq}\0${what}`;
    const first = this.first.get(key);
    if (!first) {
      this.first.set(key, { branch: frame.branch, pointer });
      return;
    }
    const branchKey = `${key}\0${frame.branch}`;
    if (first.branch === frame.branch || this.reported.has(branchKey)) return;
    this.reported.add(branchKey);
    this.out.push(
      diagnostic('parallel-write-conflict', {
        pointer: pointer(),
        message: `branches ${first.branch + 1} and ${frame.branch + 1} of one parallel both ${what}; they run concurrently`,
        hints: [{ message: `branch ${first.branch + 1} does it here`, pointer: first.pointer() }],
      }),
    );
  }
}

export function checkParallelWrites(ctx: CheckContext): Diagnostic[] {
  const finder = new ConflictFinder();
  // Uses and statements are each in walk order, so "first" is the earliest in the source.
  for (const use of ctx.walk.uses) {
    const decl = use.resolution;
    if (use.kind !== 'set' || typeof decl !== 'object') continue;
    for (const frame of use.visit.branches) {
      if (decl.seq < frame.parallel.seq) finder.record(frame, `set "${use.name}"`, () => use.pointer);
    }
  }
  for (const visit of visitsOf(ctx.walk, 'write')) {
    const stmt = visit.stmt;
    if (stmt.kind !== 'write') continue;
    for (const frame of visit.branches) finder.record(frame, `write "${stmt.path}"`, () => `${visit.pointer}/path`);
  }
  return finder.out;
}
