// Lexical scopes of variables as one scoped symbol table: for each name, the stack of its
// declarations in the blocks open now. Entering a block opens a frame; leaving it pops what the
// frame declared. Nothing is allocated for a block that declares nothing, and a lookup is one
// map access, however deep the nesting.
import { PROGRAM_PARAMS } from '../../bytecode/format.js';

export interface VarDecl {
  readonly name: string;
  /** The pointer of the declaring name (a let's name, a value statement's `let`, a loop's `as`); absent for implicit variables. */
  readonly pointer?: string;
  /** The declaring statement's walk sequence number; -1 for implicit variables. */
  readonly seq: number;
}

interface Declarations {
  readonly decls: VarDecl[];
  /** The frame each declaration was made in, parallel to decls. */
  readonly frames: number[];
}

export class ScopeStack {
  private readonly byName = new Map<string, Declarations>();
  /** The names each open frame declared; undefined while it has declared none. */
  private readonly declared: (string[] | undefined)[] = [];
  private depth = -1;

  enter(): void {
    this.depth++;
    this.declared[this.depth] = undefined;
  }

  exit(): void {
    for (const name of this.declared[this.depth] ?? []) {
      const entry = this.byName.get(name) as Declarations;
      entry.decls.pop();
      entry.frames.pop();
    }
    this.declared[this.depth] = undefined;
    this.depth--;
  }

  /** Opens the process frame, holding the variables the kernel fills at start (PROGRAM_PARAMS). */
  enterProcess(): void {
    this.enter();
    for (const name of PROGRAM_PARAMS) this.declare({ name, seq: -1 });
  }

  /** Declares a variable in the innermost frame; returns the earlier declaration of the name in that same frame, if any (which stays). */
  declare(decl: VarDecl): VarDecl | undefined {
    let entry = this.byName.get(decl.name);
    if (!entry) {
      entry = { decls: [], frames: [] };
      this.byName.set(decl.name, entry);
    }
    const top = entry.decls.length - 1;
    if (top >= 0 && entry.frames[top] === this.depth) return entry.decls[top];
    entry.decls.push(decl);
    entry.frames.push(this.depth);
    (this.declared[this.depth] ??= []).push(decl.name);
    return undefined;
  }

  lookup(name: string): VarDecl | undefined {
    const decls = this.byName.get(name)?.decls;
    return decls === undefined ? undefined : decls[decls.length - 1];
  }

  /** Every visible variable (the innermost declaration of each name). Only computed for error hints. */
  visible(): VarDecl[] {
    const out: VarDecl[] = [];
    for (const { decls } of this.byName.values()) {
      const top = decls[decls.length - 1];
      if (top) out.push(top);
    }
    return out;
  }
}
