// extends-cycle: agents that extend each other in a ring. Each cycle is reported once, at the
// `extends` of its member declared first.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';

export function checkExtendsCycles(ctx: CheckContext): Diagnostic[] {
  const agents = ctx.ast.agents ?? [];
  return ctx.agents.cycles.map((cycle) => {
    const names = [...cycle, cycle[0] as number].map((i) => `"${agents[i]?.name}"`);
    return diagnostic('extends-cycle', {
      pointer: join('', 'agents', cycle[0] as number, 'extends'),
      message: cycle.length === 1 ? `agent ${names[0]} extends itself` : `agents extend each other in a cycle: ${names.join(' → ')}`,
      params: { cycle: cycle.map((i) => agents[i]?.name) },
    });
  });
}
