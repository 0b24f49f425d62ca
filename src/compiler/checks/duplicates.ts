// duplicate-name: two declarations of one kind with one name, two `let`s of one name in one
// block, two params of one tool, two arguments of one name. The later one is reported, with a
// hint at the first.
import type { NamedArg } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic, type Hint } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { KIND_NOUN } from './symbols.js';
import { visitsOf } from './visits.js';

function duplicate(message: string, name: string, pointer: string, firstPointer: string | undefined): Diagnostic {
  const hint: Hint = { message: 'the first one is here' };
  if (firstPointer !== undefined) hint.pointer = firstPointer;
  return diagnostic('duplicate-name', { pointer, message, hints: [hint], params: { name } });
}

/** The index of the first item named like items[j], or -1: a scan for short lists, which is all most are. */
function firstNamed(items: readonly { name: string }[], j: number, seen: Map<string, number> | undefined): number {
  const name = (items[j] as { name: string }).name;
  if (seen) {
    const k = seen.get(name);
    if (k === undefined) seen.set(name, j);
    return k ?? -1;
  }
  for (let k = 0; k < j; k++) if ((items[k] as { name: string }).name === name) return k;
  return -1;
}

/** Reports every repeated name in a list of named items at `${at()}/${index}/name`; at is computed only to report. */
function repeatedNames(items: readonly { name: string }[] | undefined, at: () => string, message: (name: string) => string, out: Diagnostic[]): void {
  if (!items || items.length < 2) return;
  const seen = items.length > 16 ? new Map<string, number>() : undefined;
  for (let j = 0; j < items.length; j++) {
    const k = firstNamed(items, j, seen);
    const name = (items[j] as { name: string }).name;
    if (k >= 0) out.push(duplicate(message(name), name, join(at(), j, 'name'), join(at(), k, 'name')));
  }
}

function repeatedArgs(args: readonly NamedArg[] | undefined, at: () => string, out: Diagnostic[]): void {
  repeatedNames(args, at, (name) => `argument "${name}" is given twice`, out);
}

export function checkDuplicates(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { kind, entry, first } of ctx.symbols.duplicates) {
    out.push(duplicate(`${KIND_NOUN[kind]} "${entry.name}" is already declared`, entry.name, entry.pointer, first.pointer));
  }
  ctx.ast.tools?.forEach((tool, i) => {
    repeatedNames(tool.params, () => join('', 'tools', i, 'params'), (name) => `tool "${tool.name}" declares param "${name}" twice`, out);
  });
  ctx.ast.tasks?.forEach((task, i) => repeatedArgs(task.verify?.args, () => join('', 'tasks', i, 'verify', 'args'), out));
  for (const visit of visitsOf(ctx.walk, 'exec')) {
    if (visit.stmt.kind === 'exec') repeatedArgs(visit.stmt.args, () => `${visit.pointer}/args`, out);
  }
  for (const { decl, first } of ctx.walk.redeclarations) {
    out.push(duplicate(`variable "${decl.name}" is already declared in this block`, decl.name, decl.pointer as string, first.pointer));
  }
  return out;
}
