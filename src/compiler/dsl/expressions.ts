// Expression CST → AST. An expression node holds its operands (primaries) and, between them by
// offset, its `not`s, comparison operators and `and`/`or`s. From those: comparisons, `not` chains
// (built by a loop), then `a or b and c` → {"kind":"or","args":[a,{"kind":"and",...}]}, flattened,
// with `and` binding tighter.
import { tokenMatcher, type IToken } from 'chevrotain';
import type { CmpExpr, Expr, Field, LogicExpr, NotExpr, RefExpr } from '../../generated/workflow.js';
import type { AstBuilder } from './builder.js';
import type { ExpressionCstNode, PrimaryCstNode } from './cst.generated.js';
import { K, StringLiteral } from './tokens.js';

/** One operand of `and`/`or`: leading `not`s, a primary, and an optional comparison with a second. */
interface Comparison {
  notFrom: number;
  notTo: number;
  left: PrimaryCstNode | undefined;
  op: IToken | undefined;
  right: PrimaryCstNode | undefined;
}

function offsetOf(node: PrimaryCstNode | undefined): number {
  return node?.location?.startOffset ?? Number.NaN;
}

export function expression(b: AstBuilder, node: ExpressionCstNode | undefined, pointer: string): Expr {
  if (!node) return null;
  const c = node.children;
  const operands = c.operands ?? [];
  if (!c.nots && !c.cmpOps && !c.logicOps) return primary(b, operands[0], pointer);
  const items = comparisons(operands, c.nots ?? [], c.cmpOps ?? []);
  const ops = c.logicOps ?? [];
  let ors = 0;
  for (const op of ops) if (op.tokenType === K.or) ors++;
  if (ors === 0) return conjunction(b, items, c.nots ?? [], 0, items.length, pointer);
  const args: Expr[] = [];
  let start = 0;
  for (let i = 0; i <= ops.length; i++) {
    if (i < ops.length && ops[i]?.tokenType !== K.or) continue;
    args.push(conjunction(b, items, c.nots ?? [], start, i + 1, `${pointer}/args/${args.length}`));
    start = i + 1;
  }
  b.at(pointer, node);
  return { kind: 'or', args: args as LogicExpr['args'] };
}

/** Groups the operands into comparisons: an operator between two operands joins them. */
function comparisons(operands: PrimaryCstNode[], nots: IToken[], ops: IToken[]): Comparison[] {
  const out: Comparison[] = [];
  let n = 0;
  let o = 0;
  for (let i = 0; i < operands.length; i++) {
    const left = operands[i];
    const notFrom = n;
    while (n < nots.length && (nots[n] as IToken).startOffset < offsetOf(left)) n++;
    const op = ops[o];
    const right = operands[i + 1];
    if (op && op.startOffset > offsetOf(left) && op.startOffset < offsetOf(right)) {
      out.push({ notFrom, notTo: n, left, op, right });
      o++;
      i++;
    } else {
      out.push({ notFrom, notTo: n, left, op: undefined, right: undefined });
    }
  }
  return out;
}

/** items[from, to) joined by `and`; a single item stands alone. */
function conjunction(b: AstBuilder, items: Comparison[], nots: IToken[], from: number, to: number, pointer: string): Expr {
  if (to - from <= 1) return negated(b, items[from], nots, pointer);
  const args: Expr[] = [];
  for (let i = from; i < to; i++) args.push(negated(b, items[i], nots, `${pointer}/args/${i - from}`));
  const first = items[from];
  const last = items[to - 1];
  if (first && last) b.at(pointer, firstOf(first, nots), last.right ?? last.left);
  return { kind: 'and', args: args as LogicExpr['args'] };
}

/** An item's first token or node: its first `not`, else its left operand. */
function firstOf(item: Comparison, nots: IToken[]): IToken | PrimaryCstNode | undefined {
  return item.notTo > item.notFrom ? nots[item.notFrom] : item.left;
}

/** A comparison under its `not`s, each of which is one nesting level. */
function negated(b: AstBuilder, item: Comparison | undefined, nots: IToken[], pointer: string): Expr {
  if (!item) return null;
  if (item.notTo === item.notFrom) return compared(b, item, pointer);
  const last = item.right ?? item.left;
  let top: Expr = null;
  let parent: NotExpr | undefined;
  let at = pointer;
  let levels = 0;
  for (let i = item.notFrom; i < item.notTo; i++) {
    const not = nots[i] as IToken;
    levels++;
    if (!b.enter(not)) {
      b.leave(levels);
      return top;
    }
    const next: NotExpr = { kind: 'not', arg: null };
    if (parent) parent.arg = next;
    else top = next;
    parent = next;
    b.at(at, not, last);
    at += '/arg';
  }
  (parent as NotExpr).arg = compared(b, item, at);
  b.leave(levels);
  return top;
}

function compared(b: AstBuilder, item: Comparison, pointer: string): Expr {
  if (!item.op) return primary(b, item.left, pointer);
  const cmp: CmpExpr = { kind: 'cmp', op: item.op.image as CmpExpr['op'], left: null, right: null };
  cmp.left = primary(b, item.left, `${pointer}/left`);
  cmp.right = primary(b, item.right, `${pointer}/right`);
  b.at(pointer, item.left, item.right);
  return cmp;
}

function primary(b: AstBuilder, node: PrimaryCstNode | undefined, pointer: string): Expr {
  if (!node) return null;
  const c = node.children;
  const value = c.value?.[0];
  if (value) return b.literal(value, pointer);
  if (c.path) return reference(b, c.path, pointer);
  const inner = c.inner?.[0];
  if (inner) {
    const expr = b.enter(c.LParen?.[0]) ? expression(b, inner, pointer) : null;
    b.leave();
    return expr;
  }
  if (c.LSquare) return listExpr(b, node, pointer);
  if (c.LCurly) return objectExpr(b, node, pointer);
  return null;
}

function reference(b: AstBuilder, tokens: IToken[], pointer: string): Expr {
  const path: string[] = [];
  for (const token of tokens) path.push(token.image);
  b.at(pointer, tokens[0], tokens[tokens.length - 1]);
  return { kind: 'ref', path: path as RefExpr['path'] };
}

/** `[...]`, from the primary node it is part of. */
function listExpr(b: AstBuilder, node: PrimaryCstNode, pointer: string): Expr {
  const items: Expr[] = [];
  b.at(pointer, node);
  if (b.enter(node.children.LSquare?.[0])) {
    const nodes = node.children.items ?? [];
    for (let i = 0; i < nodes.length; i++) items.push(expression(b, nodes[i], `${pointer}/items/${i}`));
  }
  b.leave();
  return { kind: 'list', items };
}

/** `{...}`, from the primary node it is part of. */
function objectExpr(b: AstBuilder, node: PrimaryCstNode, pointer: string): Expr {
  const fields: Field[] = [];
  b.at(pointer, node);
  if (b.enter(node.children.LCurly?.[0])) {
    const keys = node.children.keys ?? [];
    const values = node.children.values ?? [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as IToken;
      const at = `${pointer}/fields/${i}`;
      const field: Field = { key: tokenMatcher(key, StringLiteral) ? b.string(key, `${at}/key`) : b.name(key, `${at}/key`), value: null };
      const value = values[i];
      field.value = expression(b, value, `${at}/value`);
      b.at(at, key, value ?? key);
      fields.push(field);
    }
  }
  b.leave();
  return { kind: 'object', fields };
}
