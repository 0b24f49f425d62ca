// Named arguments `{ name: expr, ... }` of `exec` and `verify by tool`.
import type { NamedArg } from '../../generated/workflow.js';
import type { AstBuilder } from './builder.js';
import type { ArgsCstNode } from './cst.generated.js';
import { expression } from './expressions.js';

export function namedArgs(b: AstBuilder, node: ArgsCstNode, pointer: string): NamedArg[] {
  const args: NamedArg[] = [];
  b.at(pointer, node);
  if (b.enter(node.children.LCurly?.[0])) {
    const names = node.children.name ?? [];
    const values = node.children.value ?? [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const value = values[i];
      const at = `${pointer}/${i}`;
      const arg: NamedArg = { name: b.name(name, `${at}/name`), value: null };
      arg.value = expression(b, value, `${at}/value`);
      b.at(at, name, value);
      args.push(arg);
    }
  }
  b.leave();
  return args;
}
