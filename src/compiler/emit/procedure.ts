// One procedure under construction: its instructions with a source position each, its slots
// and lexical scopes. A branch resolves a variable of an enclosing procedure by capturing it
// into a slot of its own (by value, when the branch starts) and, when it assigns it with
// `set`, by listing a write-back.
import type { Instruction, Procedure, SourcePosition } from '../../bytecode/format.js';

type Kind = Procedure['kind'];

export class ProcedureBuilder {
  readonly code: Instruction[] = [];
  readonly lines: SourcePosition[] = [];
  private readonly slotNames: string[] = [];
  private readonly captures: [number, number][] = [];
  private readonly writes: [number, number][] = [];
  private readonly scopes: Map<string, number>[] = [new Map()];
  /** Enclosing procedure's slot → this procedure's slot. */
  private readonly captured = new Map<number, number>();
  private readonly written = new Set<number>();
  private hiddenSlots = 0;
  private branches = 0;
  private params: number | undefined;

  constructor(
    readonly name: string,
    readonly kind: Kind,
    private readonly outer?: ProcedureBuilder,
  ) {}

  /** Declares variables the kernel fills at start, in the first slots. */
  declareParams(names: readonly string[]): void {
    for (const n of names) this.declare(n);
    this.params = names.length;
  }

  /** Appends an instruction; returns its index. */
  emit(at: SourcePosition, ...instruction: Instruction): number {
    this.code.push(instruction);
    this.lines.push(at);
    return this.code.length - 1;
  }

  /** The index the next instruction will have. */
  get next(): number {
    return this.code.length;
  }

  /** Points the jump at `jump` to `target`. */
  patchJump(jump: number, target: number): void {
    (this.code[jump] as Instruction)[1] = target;
  }

  openScope(): void {
    this.scopes.push(new Map());
  }

  closeScope(): void {
    this.scopes.pop();
  }

  /** A new slot for a variable of the innermost scope. */
  declare(name: string): number {
    const slot = this.newSlot(name);
    (this.scopes[this.scopes.length - 1] as Map<string, number>).set(name, slot);
    return slot;
  }

  /** A new slot no source name refers to ('$' cannot start an identifier). */
  hidden(purpose: string): number {
    return this.newSlot(`$${purpose}${++this.hiddenSlots}`);
  }

  /** The slot of a variable in scope, capturing it from the enclosing procedure if need be. */
  lookup(name: string): number | undefined {
    return this.own(name) ?? this.capture(name, false);
  }

  /** As lookup, for a variable `set` assigns: an enclosing one is also written back. */
  lookupForWrite(name: string): number | undefined {
    return this.own(name) ?? this.capture(name, true);
  }

  nextBranchName(): string {
    return `${this.name}/branch${++this.branches}`;
  }

  build(): Procedure {
    const procedure: Procedure = {
      name: this.name,
      kind: this.kind,
      slots: this.slotNames.length,
      slotNames: this.slotNames,
      captures: this.captures,
      writes: this.writes,
      code: this.code,
    };
    return this.params === undefined ? procedure : withParams(procedure, this.params);
  }

  private newSlot(name: string): number {
    this.slotNames.push(name);
    return this.slotNames.length - 1;
  }

  private own(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const slot = (this.scopes[i] as Map<string, number>).get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  private capture(name: string, write: boolean): number | undefined {
    if (!this.outer) return undefined;
    const outerSlot = write ? this.outer.lookupForWrite(name) : this.outer.lookup(name);
    if (outerSlot === undefined) return undefined;
    let slot = this.captured.get(outerSlot);
    if (slot === undefined) {
      slot = this.newSlot(name);
      this.captured.set(outerSlot, slot);
      this.captures.push([outerSlot, slot]);
    }
    if (write && !this.written.has(outerSlot)) {
      this.written.add(outerSlot);
      this.writes.push([slot, outerSlot]);
    }
    return slot;
  }
}

/** Keeps the schema's key order: params sits between kind and slots. */
function withParams(procedure: Procedure, params: number): Procedure {
  const { name, kind, ...rest } = procedure;
  return { name, kind, params, ...rest };
}
