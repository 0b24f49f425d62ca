// How many operand-stack values an instruction pops and pushes. Most opcodes fix the number in
// the opcode table; for the rest ('count') it follows from an operand or a constant.
import type { Instruction, JsonValue } from './format.js';
import { opcodeInfo, type OpcodeName } from './opcodes.js';

type PopCount = (operands: readonly number[], constants: readonly JsonValue[]) => number;

function listLength(value: JsonValue | undefined): number {
  return Array.isArray(value) ? value.length : 0;
}

const operand = (i: number): PopCount => (operands) => operands[i] ?? 0;

/** Every opcode whose pops are 'count' in the table has an entry here (a test checks it). */
export const VARIABLE_POPS: Partial<Record<OpcodeName, PopCount>> = {
  LIST: operand(0),
  OBJECT: (operands, constants) => listLength(constants[operands[0] ?? -1]),
  SPAWN: operand(2),
  CALL: operand(2),
  ASK: operand(2),
  EXEC: (operands, constants) => listLength(constants[operands[1] ?? -1]),
  RECV: operand(0),
  CHECKPOINT: operand(0),
  WRITE: (operands) => 1 + (operands[1] ?? 0),
  VERIFY: operand(1),
  EXIT: operand(0),
};

export interface StackEffect {
  pops: number;
  pushes: number;
}

/** Undefined for an unknown opcode. */
export function stackEffect(instruction: Instruction, constants: readonly JsonValue[]): StackEffect | undefined {
  const info = opcodeInfo(instruction[0]);
  if (!info) return undefined;
  const operands = instruction.slice(1);
  if (info.pops !== 'count') return { pops: info.pops, pushes: info.pushes };
  const pops = VARIABLE_POPS[info.name as OpcodeName];
  return { pops: pops ? pops(operands, constants) : 0, pushes: info.pushes };
}
