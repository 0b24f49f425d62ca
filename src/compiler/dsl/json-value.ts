// Inline JSON (an artifact's schema) CST → plain JSON. Keys become own properties whatever they
// are (`__proto__` included), never prototype writes; a key given twice is a duplicate-key.
import type { IToken } from 'chevrotain';
import { escapeToken } from '../pointer.js';
import type { AstBuilder } from './builder.js';
import { stringValue } from './literals.js';
import type { JsonArrayCstNode, JsonObjectCstNode, JsonValueCstNode } from './cst.generated.js';

function jsonValue(b: AstBuilder, node: JsonValueCstNode | undefined, pointer: string): unknown {
  if (!node) return null;
  const c = node.children;
  const token = c.value?.[0];
  if (token) return b.literal(token, pointer);
  const object = c.object?.[0];
  if (object) return jsonObject(b, object, pointer);
  const array = c.array?.[0];
  if (array) return jsonArray(b, array, pointer);
  return null;
}

export function jsonObject(b: AstBuilder, node: JsonObjectCstNode, pointer: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  b.at(pointer, node);
  const keys = node.children.keys ?? [];
  const values = node.children.values ?? [];
  for (let i = 0; i < keys.length; i++) {
    const keyToken = keys[i] as IToken;
    const key = stringValue(keyToken);
    const at = `${pointer}/${escapeToken(key)}`;
    if (Object.hasOwn(out, key)) {
      b.report('duplicate-key', `key ${JSON.stringify(key)} is given twice in one object`, at, keyToken, {
        hints: [{ message: 'first given here', pointer: at }],
      });
      continue;
    }
    b.keyAt(at, keyToken);
    Object.defineProperty(out, key, { value: jsonValue(b, values[i], at), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function jsonArray(b: AstBuilder, node: JsonArrayCstNode, pointer: string): unknown[] {
  const out: unknown[] = [];
  b.at(pointer, node);
  const items = node.children.items ?? [];
  for (let i = 0; i < items.length; i++) out.push(jsonValue(b, items[i], `${pointer}/${i}`));
  return out;
}
