// What every part of the emitter shares while lowering one workflow (the constant pool, the
// name tables, the procedure table, constant folding and source positions), and the shape of
// a statement's lowering.
import type { SourcePosition } from '../../bytecode/format.js';
import type { Statement } from '../../generated/workflow.js';
import type { SourceMap } from '../source-map.js';
import type { ConstantPool } from './constants.js';
import type { Folder } from './fold.js';
import type { NameIndex } from './names.js';
import type { ProcedureBuilder } from './procedure.js';
import type { ProcedureTable } from './procedure-table.js';

/** The operand for an absent index or duration. */
export const NONE = -1;

export interface EmitContext {
  readonly pool: ConstantPool;
  readonly names: NameIndex;
  readonly folder: Folder;
  readonly procedures: ProcedureTable;
  /** The [line, col] where a statement or block starts; [0, 0] when the front end recorded none. */
  position(node: object): SourcePosition;
}

/** The state of lowering one procedure. */
export interface Lowering {
  readonly cx: EmitContext;
  readonly proc: ProcedureBuilder;
  /**
   * The position of the statement being lowered: its expressions' instructions take it too, so
   * the line table is per statement (as clox's is per line), identical for both front ends.
   */
  here: SourcePosition;
}

export function createPositions(map: SourceMap): (node: object) => SourcePosition {
  return (node) => {
    const start = map.nodeStart(node);
    return start ? [start.line, start.col] : [0, 0];
  };
}

export type StatementOf<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

/** Lowers one statement of kind K, whose own instructions sit at `at`. */
export type LowerStatement<K extends Statement['kind']> = (lw: Lowering, stmt: StatementOf<K>, at: SourcePosition) => void;
