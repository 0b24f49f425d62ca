// Typed readers of an instruction's operands, for the interpreter and the syscall handlers. A
// reader names the opcode it reads and the operand's position, and its type admits only a
// position to which the opcode table gives the shape it reads: a handler that reads a slot where
// the table says count, or reads the wrong position, does not compile. That check costs nothing at
// run time, where the interpreter spends its time; there a reader asserts only what the types
// cannot know, a constant's kind and a signal's name.
import { assert } from '../bytecode/errors.js';
import type { Instruction } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { SIGNAL_OPS, type OpcodeName, type OperandShape, type OperandShapes, type SignalOp } from '../bytecode/opcodes.js';

/** Operand positions in an instruction (position 0 is the opcode) and their index among the operands, up to the longest instruction's (CALL's four). */
interface OperandIndex {
  1: 0;
  2: 1;
  3: 2;
  4: 3;
}

type ShapeAt<Shapes extends readonly OperandShape[], I extends number> = I extends keyof Shapes ? Shapes[I] : 'none';

/** Each opcode's shape at a position; 'none' where it has no operand there. */
type ShapesAt<Op extends OpcodeName, I extends number> = Op extends OpcodeName ? ShapeAt<OperandShapes<Op>, I> : never;

/** The positions at which every opcode of `Op` has an operand of `Shape`. */
export type OperandAt<Op extends OpcodeName, Shape extends OperandShape> = {
  [At in keyof OperandIndex]: ShapesAt<Op, OperandIndex[At]> extends Shape ? At : never;
}[keyof OperandIndex];

/**
 * The operand at `at`. When the bytecode was read, check-procedure made sure every instruction has
 * exactly the operands its table entry lists, and a reader's type admits only such a position: so
 * this one load is all a read costs, and the interpreter's loop inlines it.
 */
function operand(ins: Instruction, at: number): number {
  return ins[at] as number;
}

/** The -1 that stands for "none" in the bytecode, as null. */
function orNull(value: number): number | null {
  return value < 0 ? null : value;
}

/** A local slot of the current procedure. */
export function slotOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'slot'>): number {
  return operand(ins, at);
}

/** An instruction index in the current procedure. */
export function targetOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'target'>): number {
  return operand(ins, at);
}

/** A small non-negative count. */
export function countOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'count'>): number {
  return operand(ins, at);
}

export function flagOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'flag'>): boolean {
  return operand(ins, at) === 1;
}

export function signalOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'signal'>): SignalOp {
  const signal = SIGNAL_OPS[operand(ins, at)];
  assert(signal !== undefined, () => `${op} names no signal ${ins[at]}`);
  return signal;
}

/** A duration in milliseconds, as written (SLEEP always has one). */
export function msOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'ms'>): number {
  return operand(ins, at);
}

/** A timeout or TTL in milliseconds; null where the program gave none. */
export function optionalMsOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'ms'>): number | null {
  return orNull(operand(ins, at));
}

/** An agent spec, as written (-1: none). */
export function agentOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'agent'>): number {
  return operand(ins, at);
}

/** A task, as written (-1: none). */
export function taskOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'task'>): number {
  return operand(ins, at);
}

/** A task; null where the instruction names none. */
export function optionalTaskOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'task'>): number | null {
  return orNull(operand(ins, at));
}

/** A tool, as written (-1: none). */
export function toolOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'tool'>): number {
  return operand(ins, at);
}

/** An artifact kind, as written (-1: none). */
export function artifactOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'artifact'>): number {
  return operand(ins, at);
}

/** An artifact kind; null where the instruction names none. */
export function optionalArtifactOperand<Op extends OpcodeName>(ins: Instruction, op: Op, at: OperandAt<Op, 'artifact'>): number | null {
  return orNull(operand(ins, at));
}

/** The constant an operand names, whatever its kind. */
export function constantOperand<Op extends OpcodeName>(constants: readonly JsonValue[], ins: Instruction, op: Op, at: OperandAt<Op, 'const'>): JsonValue {
  return constants[operand(ins, at)] as JsonValue;
}

/** A string constant (a field name, a prompt, a topic, a resource). */
export function stringOperand<Op extends OpcodeName>(constants: readonly JsonValue[], ins: Instruction, op: Op, at: OperandAt<Op, 'const'>): string {
  const value = constants[operand(ins, at)];
  assert(typeof value === 'string', () => `${op} operand ${at} names a constant that is not a string`);
  return value;
}

/** A constant list of strings (object keys, argument names). */
export function stringsOperand<Op extends OpcodeName>(constants: readonly JsonValue[], ins: Instruction, op: Op, at: OperandAt<Op, 'const'>): readonly string[] {
  return listOperand(constants, ins, op, at) as readonly string[];
}

/** A constant list of indexes (a parallel statement's branch procedures). */
export function indexesOperand<Op extends OpcodeName>(constants: readonly JsonValue[], ins: Instruction, op: Op, at: OperandAt<Op, 'const'>): readonly number[] {
  return listOperand(constants, ins, op, at) as readonly number[];
}

/** A constant list; check-procedure checked its items' kind when the bytecode was read. */
function listOperand(constants: readonly JsonValue[], ins: Instruction, op: OpcodeName, at: number): readonly JsonValue[] {
  const value = constants[operand(ins, at)];
  assert(Array.isArray(value), () => `${op} operand ${at} names a constant that is not a list`);
  return value;
}
