// Values that name kernel objects inside a program: a process handle is `{"pid": NAME}`.
import type { JsonValue } from '../bytecode/json.js';

export function handle(name: string): JsonValue {
  return { pid: name };
}

/** The process a handle names; undefined when the value is not a handle. */
export function handleName(value: JsonValue): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const pid = value['pid'];
  return typeof pid === 'string' ? pid : undefined;
}
