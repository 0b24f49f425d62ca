// Expressions to stack code. An expression that reads no variable is folded to one constant;
// `and`/`or` short-circuit (DUP, then JUMP_IF_FALSE/JUMP_IF_TRUE over the rest) and yield a
// boolean; a variable reference is LOAD then one FIELD per field name.
import type { CmpExpr, Expr, LogicExpr, RefExpr } from '../../generated/workflow.js';
import type { SourcePosition } from '../../bytecode/format.js';
import { Op } from '../../bytecode/opcodes.js';
import { NOT_CONSTANT } from './fold.js';
import type { Lowering } from './context.js';

const COMPARISONS: Record<CmpExpr['op'], number> = {
  '==': Op.EQ,
  '!=': Op.NE,
  '<': Op.LT,
  '<=': Op.LE,
  '>': Op.GT,
  '>=': Op.GE,
};

function lowerRef(lw: Lowering, ref: RefExpr, at: SourcePosition): void {
  const [head = '', ...fields] = ref.path;
  const slot = lw.proc.lookup(head);
  // A checked AST only refers to variables in scope; null keeps emit total on any other.
  if (slot === undefined) lw.proc.emit(at, Op.CONST, lw.cx.pool.add(null));
  else lw.proc.emit(at, Op.LOAD, slot);
  for (const field of fields) lw.proc.emit(at, Op.FIELD, lw.cx.pool.add(field));
}

function lowerLogic(lw: Lowering, logic: LogicExpr, at: SourcePosition): void {
  const exit = logic.kind === 'and' ? Op.JUMP_IF_FALSE : Op.JUMP_IF_TRUE;
  const jumps: number[] = [];
  logic.args.forEach((arg, i) => {
    lowerExpr(lw, arg);
    if (i === logic.args.length - 1) return;
    lw.proc.emit(at, Op.DUP);
    jumps.push(lw.proc.emit(at, exit, -1));
    lw.proc.emit(at, Op.POP);
  });
  const end = lw.proc.emit(at, Op.TRUTHY);
  for (const j of jumps) lw.proc.patchJump(j, end);
}

/** Emits code that pushes the value of expr, at the current statement's position. */
export function lowerExpr(lw: Lowering, expr: Expr): void {
  const at = lw.here;
  const folded = lw.cx.folder.fold(expr);
  if (folded !== NOT_CONSTANT) {
    lw.proc.emit(at, Op.CONST, lw.cx.pool.add(folded));
    return;
  }
  const node = expr as Exclude<Expr, string | number | boolean | null>;
  switch (node.kind) {
    case 'ref':
      return lowerRef(lw, node, at);
    case 'list':
      for (const item of node.items) lowerExpr(lw, item);
      lw.proc.emit(at, Op.LIST, node.items.length);
      return;
    case 'object':
      for (const f of node.fields) lowerExpr(lw, f.value);
      lw.proc.emit(at, Op.OBJECT, lw.cx.pool.add(node.fields.map((f) => f.key)));
      return;
    case 'cmp':
      lowerExpr(lw, node.left);
      lowerExpr(lw, node.right);
      lw.proc.emit(at, COMPARISONS[node.op]);
      return;
    case 'and':
    case 'or':
      return lowerLogic(lw, node, at);
    case 'not':
      lowerExpr(lw, node.arg);
      lw.proc.emit(at, Op.NOT);
      return;
  }
}
