// Values that name kernel objects inside a program: a process handle is `{"pid": NAME}`.
import type { JsonValue } from '../bytecode/json.js';
import { asPid, type Pid } from './ids.js';

export function handle(name: Pid): JsonValue {
  return { pid: name };
}

/** The process a handle names (which may not exist); undefined when the value is not a handle. */
export function handleName(value: JsonValue): Pid | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const pid = value['pid'];
  return typeof pid === 'string' ? asPid(pid) : undefined;
}
