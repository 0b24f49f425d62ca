// ask-outside-agent: `ask` is a model call, and only agents have a model; main (and its
// parallel branches, which run as main's children) cannot ask.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { CheckContext } from './context.js';
import { visitsOf } from './visits.js';

export function checkAskOutsideAgent(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const visit of visitsOf(ctx.walk, 'ask')) {
    if (visit.proc.kind !== 'main') continue;
    const where = visit.branches.length > 0 ? 'a parallel branch of main' : 'main';
    out.push(
      diagnostic('ask-outside-agent', {
        pointer: visit.pointer,
        message: `\`ask\` in ${where}: only an agent's \`run\` program has a model to ask; call an agent instead`,
      }),
    );
  }
  return out;
}
