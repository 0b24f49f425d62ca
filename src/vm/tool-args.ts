// Turns a tool call's named arguments into an argv for the host, checking each against its
// typed placeholder: a path inside one of the caller's mounts (and inside the parameter's own
// mount when it names one), a listed enum value, a safe integer, or text not starting with `-`.
// Paths stay virtual (`{"path": …}`); the host maps them to real files and checks them again.
import type { ToolEntry } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { resolvePath, type Mount } from './vfs.js';

export type ArgvItem = string | { readonly path: string };

export type ToolCall =
  | { readonly ok: true; readonly argv: ArgvItem[]; readonly cwd: string | null }
  | { readonly ok: false; readonly problem: string };

function within(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(`${root}/`);
}

function argument(tool: ToolEntry, index: number, value: JsonValue | undefined, mounts: readonly Mount[]): ArgvItem | string[] {
  const param = tool.params[index];
  if (param === undefined) return [`tool ${tool.name}: argv refers to missing parameter ${index}`];
  const where = `tool ${tool.name}: parameter "${param.name}"`;
  if (value === undefined) return [`${where} has no value`];
  switch (param.type) {
    case 'path': {
      const resolved = resolvePath(mounts, value, 'read');
      if (!resolved.ok) return [`${where}: ${resolved.message}`];
      if (param.mount !== undefined && !within(resolved.path, param.mount)) return [`${where}: ${JSON.stringify(resolved.path)} is not inside ${JSON.stringify(param.mount)}`];
      return { path: resolved.path };
    }
    case 'enum':
      if (typeof value !== 'string' || !(param.values ?? []).includes(value)) return [`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(param.values ?? [])}`];
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return [`${where}: ${JSON.stringify(value)} is not a safe integer`];
      return String(value);
    case 'string':
      if (typeof value !== 'string' || value.startsWith('-')) return [`${where}: ${JSON.stringify(value)} must be text not starting with "-"`];
      return value;
  }
}

export function buildToolCall(tool: ToolEntry, args: { readonly [name: string]: JsonValue }, mounts: readonly Mount[]): ToolCall {
  for (const name of Object.keys(args)) {
    if (!tool.params.some((p) => p.name === name)) return { ok: false, problem: `tool ${tool.name} has no parameter "${name}"` };
  }
  const argv: ArgvItem[] = [];
  for (const entry of tool.argv) {
    if (typeof entry === 'string') {
      argv.push(entry);
      continue;
    }
    const index = entry.param ?? -1;
    const name = tool.params[index]?.name ?? '';
    const item = argument(tool, index, Object.prototype.hasOwnProperty.call(args, name) ? args[name] : undefined, mounts);
    if (Array.isArray(item)) return { ok: false, problem: item[0] as string };
    argv.push(item);
  }
  let cwd: string | null = null;
  if (tool.cwd !== undefined) {
    const resolved = resolvePath(mounts, tool.cwd, 'read');
    if (!resolved.ok) return { ok: false, problem: `tool ${tool.name}: cwd ${resolved.message}` };
    cwd = resolved.path;
  }
  return { ok: true, argv, cwd };
}
