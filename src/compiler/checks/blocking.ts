// may-block-forever: a recv, await or call without a timeout waits for ever if the other side
// never answers.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { CheckContext } from './context.js';
import { visitsOf } from './visits.js';

export function checkMayBlockForever(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const visit of visitsOf(ctx.walk, 'recv', 'await', 'call')) {
    const stmt = visit.stmt;
    if ((stmt.kind === 'recv' || stmt.kind === 'await' || stmt.kind === 'call') && stmt.timeout === undefined) {
      out.push(diagnostic('may-block-forever', { pointer: visit.pointer, message: `\`${stmt.kind}\` without a timeout can block forever; add \`timeout\`` }));
    }
  }
  return out;
}
