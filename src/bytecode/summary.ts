// A short overview of a compiled workflow: one line per procedure with its size and the
// syscalls it can make, for people scanning what a workflow does before reading the listing.
import type { Bytecode } from './format.js';
import { opcodeInfo } from './opcodes.js';

function procedureLine(name: string, code: readonly (readonly unknown[])[]): string {
  const syscalls = new Map<string, number>();
  for (const instruction of code) {
    const info = opcodeInfo(instruction[0] as number);
    if (info?.syscall) syscalls.set(info.name, (syscalls.get(info.name) ?? 0) + 1);
  }
  const names = [...syscalls.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, c]) => (c > 1 ? `${n}x${c}` : n));
  return `  ${name.padEnd(28)} ${String(code.length).padStart(5)} instr  ${names.join(' ') || '-'}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summarize(bytecode: Bytecode, label: string): string {
  const code = bytecode.code;
  const tables = [
    count(code.agents.length, 'agent', 'agents'),
    count(code.tasks.length, 'task', 'tasks'),
    count(code.tools.length, 'tool', 'tools'),
    count(code.artifacts.length, 'artifact kind', 'artifact kinds'),
    count(code.constants.length, 'constant', 'constants'),
  ];
  const lines = [`${label}: workflow ${bytecode.workflow.name} ${bytecode.workflow.version}, code ${bytecode.codeHash.slice(0, 16)}`, `  ${tables.join(', ')}`];
  for (const p of code.procedures) lines.push(procedureLine(p.name, p.code));
  return lines.join('\n');
}
