// self-verification: a task's verifier is never its producer — not the owner itself, nor an
// agent of the owner's lineage (the root of its extends chain). missing-verification (a
// warning): a task that produces artifacts declares no verification.
import type { TaskDecl } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { EffectiveAgent } from './agents.js';
import type { CheckContext } from './context.js';

function selfVerification(ctx: CheckContext, task: TaskDecl, at: string): Diagnostic | undefined {
  const agents = ctx.symbols.byKind.agents;
  const owner = agents.get(task.owner);
  const verifier = task.verify?.agent === undefined ? undefined : agents.get(task.verify.agent);
  if (!owner || !verifier) return undefined;
  const pointer = join(at, 'verify', 'agent');
  if (owner.index === verifier.index) {
    return diagnostic('self-verification', { pointer, message: `task "${task.name}" is verified by its own owner "${owner.name}"` });
  }
  const lineage = (i: number) => (ctx.agents.effective[i] as EffectiveAgent).lineage;
  if (lineage(owner.index) !== lineage(verifier.index)) return undefined;
  const root = ctx.agents.effective[lineage(owner.index)] as EffectiveAgent;
  return diagnostic('self-verification', {
    pointer,
    message: `task "${task.name}" is verified by "${verifier.name}", of the same lineage as its owner "${owner.name}" (both derive from "${root.name}")`,
    hints: [{ message: 'the lineage starts here', pointer: join('', 'agents', root.index, 'name') }],
  });
}

function missingVerification(task: TaskDecl, at: string): Diagnostic | undefined {
  if ((task.produces ?? []).length === 0) return undefined;
  if (task.verify?.agent !== undefined || task.verify?.tool !== undefined) return undefined;
  return diagnostic('missing-verification', {
    pointer: join(at, 'name'),
    message: `task "${task.name}" produces artifacts but declares no verification; add \`verify by agent\` or \`verify by tool\``,
  });
}

export function checkVerification(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  ctx.ast.tasks?.forEach((task, i) => {
    const at = join('', 'tasks', i);
    const found = selfVerification(ctx, task, at) ?? missingVerification(task, at);
    if (found) out.push(found);
  });
  return out;
}
