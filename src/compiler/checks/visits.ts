// What the shared walk records: statements with their block, process and parallel branches,
// and variable uses. Pointers are computed on demand, from the parent: a pass asks for one only
// when it reports, and keeping a string per node alive would make the walk several times slower.
import type { Statement } from '../../generated/workflow.js';
import type { VarDecl } from './scope.js';

export interface ProcessInfo {
  readonly kind: 'main' | 'agent';
  /** 'main', or the name of the agent declaring the program. */
  readonly name: string;
  /** The declaring agent's index; -1 for main. */
  readonly agentIndex: number;
  /** Indices of the agents that run this program: its declarer and those inheriting it. */
  readonly runners: readonly number[];
}

export interface BranchFrame {
  readonly parallel: StatementVisit;
  readonly branch: number;
}

export class BlockVisit {
  private cached: string | undefined;

  constructor(
    readonly stmts: readonly Statement[],
    /** The statement owning the block, or undefined for a program's body. */
    private readonly owner: StatementVisit | undefined,
    /** The path from the owner ('then', 'branches/2/body'), or the program body's pointer. */
    private readonly key: string,
  ) {}

  get pointer(): string {
    return (this.cached ??= this.owner ? `${this.owner.pointer}/${this.key}` : this.key);
  }
}

export class StatementVisit {
  private cached: string | undefined;

  constructor(
    readonly stmt: Statement,
    readonly block: BlockVisit,
    readonly index: number,
    /** Position in the walk (pre-order): a declaration is outer to a statement when its seq is smaller. */
    readonly seq: number,
    readonly proc: ProcessInfo,
    /** The parallel branches enclosing the statement within its process, outermost first. */
    readonly branches: readonly BranchFrame[],
  ) {}

  get pointer(): string {
    return (this.cached ??= `${this.block.pointer}/${this.index}`);
  }
}

/** ref: a variable an expression reads; set: an assignment; target: a process to talk to; lease: a lease variable. */
export type UseKind = 'ref' | 'set' | 'target' | 'lease';

export class VarUse {
  constructor(
    readonly name: string,
    readonly kind: UseKind,
    readonly visit: StatementVisit,
    /** The path from the statement to the name: 'to', 'set', 'value/left/path/0'. */
    readonly field: string,
    /** A variable, `parent`, a declared agent (targets only), or undefined when nothing matches. */
    readonly resolution: VarDecl | 'parent' | 'agent' | undefined,
    /** The variables in scope, recorded only for unresolved uses (for suggestions). */
    readonly visible: readonly VarDecl[] | undefined,
  ) {}

  get pointer(): string {
    return `${this.visit.pointer}/${this.field}`;
  }
}

/** A variable declared by a statement; its pointer is computed on demand. */
export class DeclaredVariable implements VarDecl {
  constructor(
    readonly name: string,
    private readonly visit: StatementVisit,
    private readonly field: string,
  ) {}

  get seq(): number {
    return this.visit.seq;
  }

  get pointer(): string {
    return `${this.visit.pointer}/${this.field}`;
  }
}

export type StatementKind = Statement['kind'];

export interface WalkResult {
  readonly statements: readonly StatementVisit[];
  /** The statements of each kind, in walk order: most passes look at a few kinds only. */
  readonly byKind: ReadonlyMap<StatementKind, readonly StatementVisit[]>;
  /** Every set, target and lease use; expression reads only when they resolve to nothing. */
  readonly uses: readonly VarUse[];
  readonly redeclarations: readonly { readonly decl: VarDecl; readonly first: VarDecl }[];
  /** Pointers of the outermost nodes past MAX_NESTING. */
  readonly tooDeep: readonly string[];
}

/** The statements of the given kinds, in walk order. */
export function visitsOf(walk: WalkResult, ...kinds: StatementKind[]): readonly StatementVisit[] {
  if (kinds.length === 1) return walk.byKind.get(kinds[0] as StatementKind) ?? [];
  // walk.statements is already in walk order: one pass over it beats sorting the merged lists.
  const wanted = new Set(kinds);
  return walk.statements.filter((v) => wanted.has(v.stmt.kind));
}
