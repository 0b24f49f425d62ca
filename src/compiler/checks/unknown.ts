// Reports a reference to an undeclared model, tool, artifact, agent, task, supervisor or retry
// policy, with the closest declared name as a hint pointing at its declaration.
import { diagnostic, type Diagnostic, type Hint } from '../diagnostics.js';
import type { RuleId } from '../rules.js';
import { closest } from '../suggest.js';
import { KIND_NOUN, type DeclEntry, type DeclKind, type SymbolIndex } from './symbols.js';

const UNKNOWN_RULE: Readonly<Record<DeclKind, RuleId>> = {
  models: 'unknown-model',
  tools: 'unknown-tool',
  artifacts: 'unknown-artifact',
  agents: 'unknown-agent',
  tasks: 'unknown-task',
  supervisors: 'unknown-supervisor',
  retries: 'unknown-retry',
};

/** A did-you-mean hint for name among the given declarations, if one is close enough. */
export function suggestionHints(name: string, entries: ReadonlyMap<string, { readonly pointer?: string }>): Hint[] {
  const guess = closest(name, entries.keys());
  if (guess === undefined) return [];
  const hint: Hint = { message: `did you mean "${guess}"?` };
  const pointer = entries.get(guess)?.pointer;
  if (pointer !== undefined) hint.pointer = pointer;
  return [hint];
}

export class ReferenceChecker {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly symbols: SymbolIndex) {}

  /** Whether name is declared as kind; reports it at pointer when it is not (a function: computed only then). */
  check(kind: DeclKind, name: string | undefined, pointer: string | (() => string)): DeclEntry | undefined {
    if (name === undefined) return undefined;
    const entries = this.symbols.byKind[kind];
    const entry = entries.get(name);
    if (entry) return entry;
    this.diagnostics.push(
      diagnostic(UNKNOWN_RULE[kind], {
        pointer: typeof pointer === 'string' ? pointer : pointer(),
        message: `${KIND_NOUN[kind]} "${name}" is not declared`,
        hints: suggestionHints(name, entries),
        params: { name },
      }),
    );
    return undefined;
  }

  checkAll(kind: DeclKind, names: readonly string[] | undefined, pointer: string): void {
    names?.forEach((name, j) => this.check(kind, name, `${pointer}/${j}`));
  }
}
