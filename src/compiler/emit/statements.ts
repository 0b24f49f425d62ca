// Blocks and control flow to stack code: lexical block scopes, let/set, if/else, bounded
// loops, parallel branches (each its own procedure), exit and fail; every other statement is
// a syscall lowered by value-statements.ts or effect-statements.ts.
import type { Block, Statement } from '../../generated/workflow.js';
import { Op } from '../../bytecode/opcodes.js';
import type { LowerStatement, Lowering } from './context.js';
import { ProcedureBuilder } from './procedure.js';
import { assign, lowerOptional } from './bind.js';
import { lowerExpr } from './expressions.js';
import { VALUE_STATEMENTS } from './value-statements.js';
import { EFFECT_STATEMENTS } from './effect-statements.js';

/** False when every path through the block ends in exit or fail. */
export function fallsThrough(block: Block): boolean {
  const last = block[block.length - 1];
  if (!last) return true;
  if (last.kind === 'exit' || last.kind === 'fail') return false;
  if (last.kind === 'if' && last.else) return fallsThrough(last.then) || fallsThrough(last.else);
  return true;
}

export function lowerBlock(lw: Lowering, block: Block): void {
  lw.proc.openScope();
  for (const s of block) lowerStatement(lw, s);
  lw.proc.closeScope();
}

/** A procedure's whole body, with the implicit `EXIT 0` when it can run off its end. */
export function lowerBody(lw: Lowering, block: Block): void {
  lowerBlock(lw, block);
  if (fallsThrough(block)) lw.proc.emit(lw.cx.position(block), Op.EXIT, 0);
}

const lowerIf: LowerStatement<'if'> = (lw, s, at) => {
  lowerExpr(lw, s.cond);
  const toElse = lw.proc.emit(at, Op.JUMP_IF_FALSE, -1);
  lowerBlock(lw, s.then);
  if (!s.else) {
    lw.proc.patchJump(toElse, lw.proc.next);
    return;
  }
  // A then-block that always exits needs no jump over the else-block.
  const toEnd = fallsThrough(s.then) ? lw.proc.emit(at, Op.JUMP, -1) : undefined;
  lw.proc.patchJump(toElse, lw.proc.next);
  lowerBlock(lw, s.else);
  if (toEnd !== undefined) lw.proc.patchJump(toEnd, lw.proc.next);
};

/**
 * A hidden counter slot counts iterations: the bound is checked before each one, `as` gets the
 * counter (from 1) at its start, and `until` is checked at its end. `until` sees `as` and the
 * enclosing variables, not the body's own.
 */
const lowerLoop: LowerStatement<'loop'> = (lw, s, at) => {
  const { proc, cx } = lw;
  const counter = proc.hidden('loop');
  proc.emit(at, Op.CONST, cx.pool.add(0));
  proc.emit(at, Op.STORE, counter);
  const top = proc.next;
  const exits: number[] = [];
  if (s.max !== undefined) {
    proc.emit(at, Op.LOAD, counter);
    proc.emit(at, Op.CONST, cx.pool.add(s.max));
    proc.emit(at, Op.GE);
    exits.push(proc.emit(at, Op.JUMP_IF_TRUE, -1));
  }
  proc.emit(at, Op.INC, counter);
  proc.openScope();
  if (s.as !== undefined) {
    proc.emit(at, Op.LOAD, counter);
    proc.emit(at, Op.STORE, proc.declare(s.as));
  }
  lowerBlock(lw, s.body);
  if (s.until !== undefined) {
    lowerExpr(lw, s.until);
    exits.push(proc.emit(at, Op.JUMP_IF_TRUE, -1));
  }
  proc.closeScope();
  proc.emit(at, Op.JUMP, top);
  for (const e of exits) proc.patchJump(e, proc.next);
};

/** Each branch becomes a procedure of its own, lowered here so it sees the scopes in force. */
const lowerParallel: LowerStatement<'parallel'> = (lw, s, at) => {
  const indices = s.branches.map(() => lw.cx.procedures.reserve());
  const list = lw.cx.pool.add(indices);
  s.branches.forEach((branch, k) => {
    const proc = new ProcedureBuilder(lw.proc.nextBranchName(), 'branch', lw.proc);
    lowerBody({ cx: lw.cx, proc, here: lw.cx.position(branch.body) }, branch.body);
    lw.cx.procedures.fill(indices[k] as number, proc);
  });
  lw.proc.emit(at, Op.PARALLEL, list);
};

type ControlKind = 'let' | 'set' | 'if' | 'loop' | 'parallel' | 'exit' | 'fail';

const CONTROL_STATEMENTS: { [K in ControlKind]: LowerStatement<K> } = {
  let: (lw, s, at) => {
    lowerExpr(lw, s.value);
    lw.proc.emit(at, Op.STORE, lw.proc.declare(s.name));
  },
  set: (lw, s, at) => {
    lowerExpr(lw, s.value);
    assign(lw, s.name, at);
  },
  if: lowerIf,
  loop: lowerLoop,
  parallel: lowerParallel,
  exit: (lw, s, at) => {
    const flag = lowerOptional(lw, s.value);
    lw.proc.emit(at, Op.EXIT, flag);
  },
  fail: (lw, s, at) => {
    lowerExpr(lw, s.reason);
    lw.proc.emit(at, Op.FAIL);
  },
};

const STATEMENTS: { [K in Statement['kind']]: LowerStatement<K> } = {
  ...CONTROL_STATEMENTS,
  ...VALUE_STATEMENTS,
  ...EFFECT_STATEMENTS,
};

export function lowerStatement(lw: Lowering, stmt: Statement): void {
  const lower = STATEMENTS[stmt.kind] as LowerStatement<Statement['kind']>;
  const outer = lw.here;
  lw.here = lw.cx.position(stmt);
  lower(lw, stmt, lw.here);
  lw.here = outer;
}
