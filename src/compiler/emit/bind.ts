// Where a statement's result goes, and how names in statements become stack values: a
// variable is loaded from its slot; a target (of send, await, signal, recv from) is a
// variable, `parent`, or an agent spec name.
import type { Expr } from '../../generated/workflow.js';
import type { SourcePosition } from '../../bytecode/format.js';
import { Op } from '../../bytecode/opcodes.js';
import type { Lowering } from './context.js';
import { lowerExpr } from './expressions.js';

/** The target name that means the current process's parent (unless a variable has that name). */
export const PARENT_TARGET = 'parent';

export interface ResultBinding {
  let?: string;
  set?: string;
}

/** Pops the top value into the variable `set` names (or discards it if none is in scope). */
export function assign(lw: Lowering, name: string, at: SourcePosition): void {
  const slot = lw.proc.lookupForWrite(name);
  if (slot === undefined) lw.proc.emit(at, Op.POP);
  else lw.proc.emit(at, Op.STORE, slot);
}

/** A value statement's result: declared by `let`, assigned by `set` (both, if both are given), otherwise discarded. */
export function bindResult(lw: Lowering, binding: ResultBinding, at: SourcePosition): void {
  if (binding.let === undefined && binding.set === undefined) {
    lw.proc.emit(at, Op.POP);
    return;
  }
  if (binding.let !== undefined) {
    if (binding.set !== undefined) lw.proc.emit(at, Op.DUP);
    lw.proc.emit(at, Op.STORE, lw.proc.declare(binding.let));
  }
  if (binding.set !== undefined) assign(lw, binding.set, at);
}

/** Pushes a variable's value (null if none is in scope). */
export function loadVariable(lw: Lowering, name: string, at: SourcePosition): void {
  const slot = lw.proc.lookup(name);
  if (slot === undefined) lw.proc.emit(at, Op.CONST, lw.cx.pool.add(null));
  else lw.proc.emit(at, Op.LOAD, slot);
}

/** Pushes a process handle: a variable, else `parent`, else the latest process of an agent spec. */
export function lowerTarget(lw: Lowering, name: string, at: SourcePosition): void {
  const slot = lw.proc.lookup(name);
  if (slot !== undefined) lw.proc.emit(at, Op.LOAD, slot);
  else if (name === PARENT_TARGET) lw.proc.emit(at, Op.PARENT);
  else lw.proc.emit(at, Op.AGENT_REF, lw.cx.names.of('agents', name));
}

/** Pushes expr when present; returns the flag operand saying whether it did. */
export function lowerOptional(lw: Lowering, expr: Expr | undefined): 0 | 1 {
  if (expr === undefined) return 0;
  lowerExpr(lw, expr);
  return 1;
}
