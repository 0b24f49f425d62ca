// unbounded-loop: every loop needs a `max` of at least 1, so every program terminates.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { visitsOf } from './visits.js';

export function checkLoops(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const visit of visitsOf(ctx.walk, 'loop')) {
    const stmt = visit.stmt;
    if (stmt.kind !== 'loop') continue;
    if (stmt.max === undefined) {
      out.push(diagnostic('unbounded-loop', { pointer: visit.pointer, message: 'loop has no `max` bound; give it one so the program always ends' }));
    } else if (stmt.max < 1) {
      out.push(diagnostic('unbounded-loop', { pointer: join(visit.pointer, 'max'), message: `loop bound \`max ${stmt.max}\` is below 1`, params: { max: stmt.max } }));
    }
  }
  return out;
}
