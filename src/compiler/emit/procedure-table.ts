// The procedure table under construction. An index is reserved before its body is lowered, so
// code can refer to a procedure (PARALLEL, an agent's program) before it exists.
import type { Procedure, SourcePosition } from '../../bytecode/format.js';
import type { ProcedureBuilder } from './procedure.js';
import { assert } from '../../bytecode/errors.js';

export class ProcedureTable {
  private readonly built: (Procedure | undefined)[] = [];
  private readonly positions: (SourcePosition[] | undefined)[] = [];

  reserve(): number {
    this.built.push(undefined);
    this.positions.push(undefined);
    return this.built.length - 1;
  }

  fill(index: number, builder: ProcedureBuilder): void {
    this.built[index] = builder.build();
    this.positions[index] = builder.lines;
  }

  /** Every procedure, once all reserved ones are filled. */
  procedures(): Procedure[] {
    return this.built.map((p, i) => {
      assert(p, () => `emit: procedure ${i} was reserved but never lowered`);
      return p;
    });
  }

  /** One source position per instruction, per procedure. */
  lines(): SourcePosition[][] {
    return this.positions.map((p) => p ?? []);
  }
}
