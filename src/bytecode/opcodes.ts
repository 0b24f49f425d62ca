// The opcode table: the single definition shared by the compiler (producer), the kernel
// (consumer), the disassembler and the replayer, so no two of them can disagree.
//
// The machine is a stack machine with numbered local slots per procedure. An instruction is
// a JSON array `[opcode, ...operands]`. Operand shapes:
//   const   index into code.constants
//   slot    local slot of the current procedure
//   target  instruction index in the current procedure
//   agent / task / tool / artifact   index into the matching code table (-1: none)
//   ms      a duration in milliseconds (-1: none)
//   count   a small non-negative integer
//   flag    0 or 1
//   signal  index into SIGNAL_OPS
//   cmp     unused here: comparisons are separate opcodes

export type OperandShape =
  | 'const'
  | 'slot'
  | 'target'
  | 'agent'
  | 'task'
  | 'tool'
  | 'artifact'
  | 'ms'
  | 'count'
  | 'flag'
  | 'signal';

export interface OpcodeInfo {
  readonly code: number;
  readonly name: string;
  readonly operands: readonly OperandShape[];
  /** Values popped from the operand stack (for variable counts, the operand that gives it). */
  readonly pops: number | 'count';
  readonly pushes: number;
  /** True when executing it may produce an effect request or block the process. */
  readonly syscall: boolean;
  readonly doc: string;
}

const table = [
  ['NOP', [], 0, 0, false, 'Does nothing.'],
  ['CONST', ['const'], 0, 1, false, 'Pushes a constant.'],
  ['LOAD', ['slot'], 0, 1, false, 'Pushes a local.'],
  ['STORE', ['slot'], 1, 0, false, 'Pops into a local.'],
  ['POP', [], 1, 0, false, 'Discards the top value.'],
  ['DUP', [], 1, 2, false, 'Duplicates the top value.'],
  ['FIELD', ['const'], 1, 1, false, 'Pops a value, pushes its field named by a string constant (null when absent).'],
  ['LIST', ['count'], 'count', 1, false, 'Pops count values, pushes them as a list in push order.'],
  ['OBJECT', ['const'], 'count', 1, false, 'Pops one value per key of the constant key list, pushes an object.'],
  ['EQ', [], 2, 1, false, 'Deep equality of canonical JSON values.'],
  ['NE', [], 2, 1, false, 'Negated deep equality.'],
  ['LT', [], 2, 1, false, 'Numbers by value, strings by code units; otherwise false.'],
  ['LE', [], 2, 1, false, 'As LT, or equal.'],
  ['GT', [], 2, 1, false, 'As LT, reversed.'],
  ['GE', [], 2, 1, false, 'As GT, or equal.'],
  ['NOT', [], 1, 1, false, 'Logical negation of truthiness (false, null, 0, "" are false).'],
  ['TRUTHY', [], 1, 1, false, 'Converts the top value to a boolean.'],
  ['JUMP', ['target'], 0, 0, false, 'Jumps.'],
  ['JUMP_IF_FALSE', ['target'], 1, 0, false, 'Pops; jumps when falsy.'],
  ['JUMP_IF_TRUE', ['target'], 1, 0, false, 'Pops; jumps when truthy.'],
  ['INC', ['slot'], 0, 0, false, 'Adds one to an integer local (loop counters).'],
  ['PARENT', [], 0, 1, false, 'Pushes the handle of the current process\'s parent.'],
  ['AGENT_REF', ['agent'], 0, 1, false, 'Pushes a handle naming the latest live process of an agent spec.'],
  ['SPAWN', ['agent', 'task', 'flag'], 'count', 1, true, 'Spawns an agent (with its task, and an input popped when flag is 1); pushes its handle.'],
  ['CALL', ['agent', 'task', 'flag', 'ms'], 'count', 1, true, 'Spawns and awaits an agent; pushes its final exit.'],
  ['ASK', ['const', 'artifact', 'flag'], 'count', 1, true, 'Asks the model (prompt constant, reply schema, input when flag is 1); pushes the reply.'],
  ['EXEC', ['tool', 'const'], 'count', 1, true, 'Runs a tool; pops one value per argument name in the constant list; pushes the result.'],
  ['SEND', [], 2, 0, true, 'Pops a value, then a target handle; sends the value.'],
  ['RECV', ['flag', 'ms'], 'count', 1, true, 'Receives a message (from a target handle popped when flag is 1), with an optional timeout.'],
  ['PUBLISH', ['const'], 1, 0, true, 'Pops a value and publishes it on a topic.'],
  ['SUBSCRIBE', ['const'], 0, 0, true, 'Subscribes to a topic.'],
  ['AWAIT', ['ms'], 1, 1, true, 'Pops a handle; pushes the process\'s final exit.'],
  ['SIGNAL', ['signal'], 1, 0, true, 'Pops a handle and sends it a signal.'],
  ['ACQUIRE', ['const', 'ms', 'ms'], 0, 1, true, 'Acquires a lease on a resource (ttl, timeout); pushes the lease.'],
  ['RENEW', ['ms'], 1, 0, true, 'Pops a lease and renews it (ttl, -1: the original).'],
  ['RELEASE', [], 1, 0, true, 'Pops a lease and releases it.'],
  ['SLEEP', ['ms'], 0, 0, true, 'Sleeps (a timer).'],
  ['CHECKPOINT', ['flag'], 'count', 0, true, 'Checkpoints the process (with a value popped when flag is 1).'],
  ['ATTACH', ['artifact'], 1, 1, true, 'Pops a value, records it as an artifact, pushes the artifact record.'],
  ['READ', ['const'], 0, 1, true, 'Reads a file at a virtual path; pushes its content.'],
  ['WRITE', ['const', 'flag'], 'count', 0, true, 'Pops a value (and a lease when flag is 1), writes it to a virtual path.'],
  ['VERIFY', ['task', 'flag'], 'count', 1, true, 'Runs a task\'s verification (on a value popped when flag is 1); pushes the verdict.'],
  ['PARALLEL', ['const'], 0, 0, true, 'Runs each branch procedure of the constant index list as a child process and joins them.'],
  ['EXIT', ['flag'], 'count', 0, true, 'Exits ok (with a value popped when flag is 1).'],
  ['FAIL', [], 1, 0, true, 'Pops a reason and exits failed.'],
] as const satisfies readonly (readonly [string, readonly OperandShape[], number | 'count', number, boolean, string])[];

export type OpcodeName = (typeof table)[number][0];

/** The operand shapes of an opcode, in order, as the table gives them (a union of opcodes: each one's). */
export type OperandShapes<Name extends OpcodeName> = Extract<(typeof table)[number], readonly [Name, ...unknown[]]>[1];

export const OPCODES: readonly OpcodeInfo[] = table.map(([name, operands, pops, pushes, syscall, doc], code) => ({
  code,
  name,
  operands,
  pops,
  pushes,
  syscall,
  doc,
}));

/** Opcode numbers by name: `Op.CONST`. */
export const Op = Object.fromEntries(OPCODES.map((o) => [o.name, o.code])) as { readonly [K in OpcodeName]: number };

export function opcodeInfo(code: number): OpcodeInfo | undefined {
  return OPCODES[code];
}

export const SIGNAL_OPS = ['kill', 'pause', 'resume', 'cancel'] as const;
export type SignalOp = (typeof SIGNAL_OPS)[number];

/** The bytecode format version; a reader refuses any other. */
export const BYTECODE_FORMAT = 'aos-bytecode';
export const BYTECODE_VERSION = 1;
