// unknown-variable: every variable an expression reads, a `set` assigns, or a statement names
// as its target or lease must be in scope. A target may also be `parent` (in an agent program)
// or a declared agent.
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { CheckContext } from './context.js';
import { suggestionHints } from './unknown.js';
import type { VarUse } from './visits.js';

function message(use: VarUse): string {
  const name = use.name;
  switch (use.kind) {
    case 'ref':
    case 'set':
      return `variable "${name}" is not in scope`;
    case 'lease':
      return `lease variable "${name}" is not in scope`;
    case 'target':
      if (use.visit.proc.kind === 'main') {
        return name === 'parent' ? 'main has no parent: "parent" is for agent programs' : `"${name}" is not a variable in scope or a declared agent`;
      }
      return `"${name}" is not a variable in scope, "parent" or a declared agent`;
  }
}

/** Candidate names for a suggestion: the variables in scope, then (for targets) the agents. */
function candidates(use: VarUse, ctx: CheckContext): Map<string, { pointer?: string }> {
  const names = new Map<string, { pointer?: string }>();
  for (const v of use.visible ?? []) names.set(v.name, v);
  if (use.kind === 'target') {
    for (const [name, entry] of ctx.symbols.byKind.agents) if (!names.has(name)) names.set(name, entry);
    if (use.visit.proc.kind === 'agent' && !names.has('parent')) names.set('parent', {});
  }
  return names;
}

export function checkVariables(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const use of ctx.walk.uses) {
    if (use.resolution !== undefined) continue;
    const hints = use.name === 'parent' ? [] : suggestionHints(use.name, candidates(use, ctx));
    out.push(diagnostic('unknown-variable', { pointer: use.pointer, message: message(use), hints, params: { name: use.name } }));
  }
  return out;
}
