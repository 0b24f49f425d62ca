// unreachable-code: a statement after one that always ends the process — `exit`, `fail`, an
// if/else whose branches all do, or a loop (which runs at least once) whose body does. One
// report per block, at the first statement that can never run.
import type { Statement } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { CheckContext } from './context.js';
import { visitsOf, type BlockVisit } from './visits.js';

function blockEnds(block: readonly Statement[], ending: ReadonlySet<Statement>): boolean {
  return block.some((s) => ending.has(s));
}

function endsProcess(stmt: Statement, ending: ReadonlySet<Statement>): boolean {
  switch (stmt.kind) {
    case 'exit':
    case 'fail':
      return true;
    case 'if':
      return stmt.else !== undefined && blockEnds(stmt.then, ending) && blockEnds(stmt.else, ending);
    case 'loop':
      return (stmt.max ?? 0) >= 1 && blockEnds(stmt.body, ending);
    default:
      return false;
  }
}

function describe(stmt: Statement): string {
  if (stmt.kind === 'if') return 'the if/else before it ends the process on every path';
  if (stmt.kind === 'loop') return 'the loop before it ends the process in its first iteration';
  return `the "${stmt.kind}" before it always ends the process`;
}

export function checkUnreachable(ctx: CheckContext): Diagnostic[] {
  // Only these kinds can end a process; in reverse walk order, nested ones come before their container.
  const candidates = visitsOf(ctx.walk, 'exit', 'fail', 'if', 'loop');
  const ending = new Set<Statement>();
  for (let k = candidates.length - 1; k >= 0; k--) {
    const stmt = (candidates[k] as (typeof candidates)[number]).stmt;
    if (endsProcess(stmt, ending)) ending.add(stmt);
  }
  const reported = new Set<BlockVisit>();
  const out: Diagnostic[] = [];
  for (const visit of candidates) {
    const { block, index } = visit;
    if (!ending.has(visit.stmt) || index + 1 >= block.stmts.length || reported.has(block)) continue;
    reported.add(block);
    out.push(
      diagnostic('unreachable-code', {
        pointer: `${block.pointer}/${index + 1}`,
        message: `this statement can never run: ${describe(visit.stmt)}`,
        hints: [{ message: 'the process ends here', pointer: visit.pointer }],
      }),
    );
  }
  return out;
}
