// Declaration names to table indices. The checker has already reported unknown and duplicate
// names; here a duplicate resolves to its first declaration and an unknown name to -1.
import type { Workflow } from '../../generated/workflow.js';

type Kind = 'models' | 'tools' | 'artifacts' | 'agents' | 'tasks' | 'supervisors' | 'retries';

function indexByName(decls: readonly { name: string }[] | undefined): Map<string, number> {
  const map = new Map<string, number>();
  decls?.forEach((d, i) => {
    if (!map.has(d.name)) map.set(d.name, i);
  });
  return map;
}

export class NameIndex {
  private readonly tables: Record<Kind, Map<string, number>>;

  constructor(ast: Workflow) {
    this.tables = {
      models: indexByName(ast.models),
      tools: indexByName(ast.tools),
      artifacts: indexByName(ast.artifacts),
      agents: indexByName(ast.agents),
      tasks: indexByName(ast.tasks),
      supervisors: indexByName(ast.supervisors),
      retries: indexByName(ast.retries),
    };
  }

  /** The index of a declaration, or -1 (also for an absent name). */
  of(kind: Kind, name: string | undefined): number {
    return name === undefined ? -1 : (this.tables[kind].get(name) ?? -1);
  }

  /** Indices of the names that resolve, in order. */
  all(kind: Kind, names: readonly string[]): number[] {
    const indices: number[] = [];
    for (const n of names) {
      const i = this.of(kind, n);
      if (i >= 0) indices.push(i);
    }
    return indices;
  }
}
