// nesting-too-deep: statements plus expressions nested past MAX_NESTING. The walk stops at the
// bound, so the subtree below each report is not checked further.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { MAX_NESTING } from '../limits.js';
import type { CheckContext } from './context.js';

export function checkNesting(ctx: CheckContext): Diagnostic[] {
  return ctx.walk.tooDeep.map((pointer) =>
    diagnostic('nesting-too-deep', {
      pointer,
      message: `statements and expressions nest deeper than ${MAX_NESTING} levels; nothing below this point is checked`,
      params: { limit: MAX_NESTING },
    }),
  );
}
