// The symbol index, built once per check run: every declaration by kind and name, with the
// pointer of its name token. The first declaration of a name wins; later ones are duplicates.
import type { Workflow } from '../../generated/workflow.js';
import { join } from '../pointer.js';

export type DeclKind = 'models' | 'tools' | 'artifacts' | 'agents' | 'tasks' | 'supervisors' | 'retries';

/** Declaration kinds in the order of the AST's arrays. */
export const DECL_KINDS: readonly DeclKind[] = ['models', 'tools', 'artifacts', 'agents', 'tasks', 'supervisors', 'retries'];

/** Singular nouns for messages. */
export const KIND_NOUN: Readonly<Record<DeclKind, string>> = {
  models: 'model',
  tools: 'tool',
  artifacts: 'artifact',
  agents: 'agent',
  tasks: 'task',
  supervisors: 'supervisor',
  retries: 'retry policy',
};

export interface DeclEntry {
  readonly name: string;
  readonly index: number;
  /** The pointer of the declaration's name, e.g. /agents/2/name. */
  readonly pointer: string;
}

export interface Duplicate {
  readonly kind: DeclKind;
  readonly entry: DeclEntry;
  readonly first: DeclEntry;
}

export interface SymbolIndex {
  readonly byKind: Readonly<Record<DeclKind, ReadonlyMap<string, DeclEntry>>>;
  /** Later declarations of an already declared name, in source order. */
  readonly duplicates: readonly Duplicate[];
}

function indexKind(ast: Workflow, kind: DeclKind, duplicates: Duplicate[]): Map<string, DeclEntry> {
  const entries = new Map<string, DeclEntry>();
  const decls: readonly { name: string }[] = ast[kind] ?? [];
  decls.forEach((decl, index) => {
    const entry: DeclEntry = { name: decl.name, index, pointer: join('', kind, index, 'name') };
    const first = entries.get(decl.name);
    if (first) duplicates.push({ kind, entry, first });
    else entries.set(decl.name, entry);
  });
  return entries;
}

export function buildSymbolIndex(ast: Workflow): SymbolIndex {
  const duplicates: Duplicate[] = [];
  const byKind = {} as Record<DeclKind, Map<string, DeclEntry>>;
  for (const kind of DECL_KINDS) byKind[kind] = indexKind(ast, kind, duplicates);
  return { byKind, duplicates };
}
