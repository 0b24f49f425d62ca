// Compile-time values of expressions that read no variable: such an expression is emitted as
// one constant. Folding uses the opcodes' own value semantics (src/bytecode/values.ts), so a
// folded expression means exactly what its instructions would have computed.
import type { Expr, ExprNode } from '../../generated/workflow.js';
import type { JsonValue } from '../../bytecode/format.js';
import { compare, truthy } from '../../bytecode/values.js';

export const NOT_CONSTANT = Symbol('not constant');
export type Folded = JsonValue | typeof NOT_CONSTANT;

/** Memoised per emit, so folding a tree and then its subtrees stays linear. */
export class Folder {
  private readonly cache = new Map<ExprNode, Folded>();

  fold(expr: Expr): Folded {
    if (typeof expr !== 'object' || expr === null) return expr;
    if (expr.kind === 'ref') return NOT_CONSTANT;
    let folded = this.cache.get(expr);
    if (folded === undefined) {
      folded = this.foldNode(expr);
      this.cache.set(expr, folded);
    }
    return folded;
  }

  private foldAll(exprs: readonly Expr[]): JsonValue[] | undefined {
    const values: JsonValue[] = [];
    for (const e of exprs) {
      const v = this.fold(e);
      if (v === NOT_CONSTANT) return undefined;
      values.push(v);
    }
    return values;
  }

  private foldNode(node: ExprNode): Folded {
    switch (node.kind) {
      case 'ref':
        return NOT_CONSTANT;
      case 'list':
        return this.foldAll(node.items) ?? NOT_CONSTANT;
      case 'object': {
        const values = this.foldAll(node.fields.map((f) => f.value));
        // fromEntries defines own properties, so a key like "__proto__" stays a plain key.
        return values ? Object.fromEntries(node.fields.map((f, i) => [f.key, values[i]])) : NOT_CONSTANT;
      }
      case 'cmp': {
        const values = this.foldAll([node.left, node.right]);
        return values ? compare(node.op, values[0], values[1]) : NOT_CONSTANT;
      }
      case 'and':
      case 'or': {
        const values = this.foldAll(node.args);
        if (!values) return NOT_CONSTANT;
        return node.kind === 'and' ? values.every(truthy) : values.some(truthy);
      }
      case 'not': {
        const value = this.fold(node.arg);
        return value === NOT_CONSTANT ? NOT_CONSTANT : !truthy(value);
      }
    }
  }
}
