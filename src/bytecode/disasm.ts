// A clox-style listing of bytecode: per procedure a header, then one line per instruction,
// `offset  line:col  OPCODE  operands`, with `|` where the source line repeats. Each operand
// is rendered by one helper per operand shape.
import type { Bytecode, Procedure, SourcePosition } from './format.js';
import { opcodeInfo, SIGNAL_OPS, type OperandShape } from './opcodes.js';

/** Longest rendering of a constant before it is cut short. */
const CONSTANT_WIDTH = 40;

interface Listing {
  readonly bytecode: Bytecode;
  readonly procedure: Procedure;
}

type OperandRenderer = (value: number, listing: Listing) => string;

function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}

function constantOperand(value: number, { bytecode }: Listing): string {
  const constant = bytecode.code.constants[value];
  return `#${value} ${constant === undefined ? '?' : truncate(JSON.stringify(constant), CONSTANT_WIDTH)}`;
}

function slotOperand(value: number, { procedure }: Listing): string {
  return `${value} (${procedure.slotNames[value] ?? '?'})`;
}

function targetOperand(value: number): string {
  return `-> ${offset(value)}`;
}

function namedOperand(table: 'agents' | 'tasks' | 'tools' | 'artifacts'): OperandRenderer {
  return (value, { bytecode }) => (value === -1 ? '-' : (bytecode.code[table][value]?.name ?? `?${value}`));
}

function msOperand(value: number): string {
  return value === -1 ? '-' : `${value}ms`;
}

function numberOperand(value: number): string {
  return String(value);
}

function signalOperand(value: number): string {
  return SIGNAL_OPS[value] ?? `?${value}`;
}

const RENDERERS: Record<OperandShape, OperandRenderer> = {
  const: constantOperand,
  slot: slotOperand,
  target: targetOperand,
  agent: namedOperand('agents'),
  task: namedOperand('tasks'),
  tool: namedOperand('tools'),
  artifact: namedOperand('artifacts'),
  ms: msOperand,
  count: numberOperand,
  flag: numberOperand,
  signal: signalOperand,
};

function offset(pc: number): string {
  return String(pc).padStart(4, '0');
}

function lineColumn(position: SourcePosition | undefined, previous: SourcePosition | undefined): string {
  if (!position) return '?';
  if (previous && previous[0] === position[0]) return '|';
  return `${position[0]}:${position[1]}`;
}

function instructionLine(instruction: readonly number[], pc: number, line: string, listing: Listing): string {
  const [code = -1, ...operands] = instruction;
  const info = opcodeInfo(code);
  if (!info) return `${offset(pc)} ${line.padStart(8)}  ?${code} ${operands.join(' ')}`;
  const rendered = operands.map((v, i) => {
    const shape = info.operands[i];
    return shape ? RENDERERS[shape](v, listing) : `?${v}`;
  });
  return `${offset(pc)} ${line.padStart(8)}  ${info.name.padEnd(14)} ${rendered.join(' ')}`.trimEnd();
}

function pairs(list: readonly (readonly number[])[]): string {
  return list.map(([from, to]) => `${from}->${to}`).join(', ');
}

function procedureHeader(procedure: Procedure, index: number): string[] {
  const lines = [`== ${index} ${procedure.name} (${procedure.kind}) ==`];
  if (procedure.params !== undefined) lines.push(`; params ${procedure.params}`);
  if (procedure.slots > 0) lines.push(`; slots ${procedure.slotNames.map((n, i) => `${i}:${n}`).join(' ')}`);
  if (procedure.captures.length > 0) lines.push(`; captures ${pairs(procedure.captures)}`);
  if (procedure.writes.length > 0) lines.push(`; writes ${pairs(procedure.writes)}`);
  return lines;
}

/** The listing of one procedure: its header, then one line per instruction. */
export function disassembleProcedure(bytecode: Bytecode, index: number): string {
  const procedure = bytecode.code.procedures[index];
  if (!procedure) return `== ${index} (no such procedure) ==`;
  const positions = bytecode.debug.procedures[index]?.lines ?? [];
  const listing: Listing = { bytecode, procedure };
  const lines = procedureHeader(procedure, index);
  procedure.code.forEach((instruction, pc) => {
    lines.push(instructionLine(instruction, pc, lineColumn(positions[pc], positions[pc - 1]), listing));
  });
  return lines.join('\n');
}

/** The whole listing: a line naming the workflow, then every procedure. */
export function disassemble(bytecode: Bytecode): string {
  const head = `; ${bytecode.workflow.name} ${bytecode.workflow.version} (${bytecode.debug.file}) code ${bytecode.codeHash}`;
  const procedures = bytecode.code.procedures.map((_, i) => disassembleProcedure(bytecode, i));
  return [head, ...procedures].join('\n\n');
}
