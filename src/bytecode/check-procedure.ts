// Structural checks of one procedure that JSON Schema cannot express: each instruction's
// operands fit their shapes and tables, constants have the kind the opcode reads, and the
// operand stack has one depth at every instruction, never underflows, and no path runs off
// the end of the code. The kernel relies on all of it.
import type { Code, Instruction, JsonValue, Procedure } from './format.js';
import { Op, opcodeInfo, SIGNAL_OPS, type OpcodeInfo, type OperandShape } from './opcodes.js';
import { stackEffect } from './stack-effect.js';

type ConstantKind = 'string' | 'strings' | 'branches';

/** What the constant operand of these opcodes must hold. */
const CONSTANT_KINDS: Partial<Record<number, ConstantKind>> = {
  [Op.FIELD]: 'string',
  [Op.OBJECT]: 'strings',
  [Op.ASK]: 'string',
  [Op.EXEC]: 'strings',
  [Op.PUBLISH]: 'string',
  [Op.SUBSCRIBE]: 'string',
  [Op.ACQUIRE]: 'string',
  [Op.READ]: 'string',
  [Op.WRITE]: 'string',
  [Op.PARALLEL]: 'branches',
};

function within(value: number, length: number, optional: boolean): boolean {
  return value < length && value >= (optional ? -1 : 0);
}

function operandFits(shape: OperandShape, value: number, code: Code, procedure: Procedure): boolean {
  switch (shape) {
    case 'const':
      return within(value, code.constants.length, false);
    case 'slot':
      return within(value, procedure.slots, false);
    case 'target':
      return within(value, procedure.code.length, false);
    case 'agent':
      return within(value, code.agents.length, true);
    case 'task':
      return within(value, code.tasks.length, true);
    case 'tool':
      return within(value, code.tools.length, true);
    case 'artifact':
      return within(value, code.artifacts.length, true);
    case 'ms':
      return value >= -1;
    case 'count':
      return value >= 0;
    case 'flag':
      return value === 0 || value === 1;
    case 'signal':
      return within(value, SIGNAL_OPS.length, false);
  }
}

function constantFits(kind: ConstantKind, value: JsonValue | undefined, code: Code): boolean {
  if (kind === 'string') return typeof value === 'string';
  if (!Array.isArray(value)) return false;
  if (kind === 'strings') return value.every((v) => typeof v === 'string');
  return value.every((v) => typeof v === 'number' && code.procedures[v]?.kind === 'branch');
}

function instructionProblem(instruction: Instruction, info: OpcodeInfo, code: Code, procedure: Procedure): string | undefined {
  const operands = instruction.slice(1);
  if (operands.length !== info.operands.length) return `${info.name} takes ${info.operands.length} operands, not ${operands.length}`;
  for (let i = 0; i < operands.length; i++) {
    const shape = info.operands[i] as OperandShape;
    if (!operandFits(shape, operands[i] as number, code, procedure)) return `${info.name} operand ${i + 1} (${shape}) is out of range: ${operands[i]}`;
    const kind = CONSTANT_KINDS[info.code];
    if (shape === 'const' && kind && !constantFits(kind, code.constants[operands[i] as number], code)) {
      return `${info.name} needs a constant holding ${kind === 'branches' ? 'a list of branch procedures' : kind === 'strings' ? 'a list of strings' : 'a string'}`;
    }
  }
  return undefined;
}

function successors(instruction: Instruction, pc: number): number[] {
  const [op, target] = instruction;
  if (op === Op.JUMP) return [target as number];
  if (op === Op.JUMP_IF_FALSE || op === Op.JUMP_IF_TRUE) return [pc + 1, target as number];
  if (op === Op.EXIT || op === Op.FAIL) return [];
  return [pc + 1];
}

/** Follows every path from the first instruction; assumes the instructions are well formed. */
function stackProblem(procedure: Procedure, constants: readonly JsonValue[]): string | undefined {
  const depth = new Array<number>(procedure.code.length).fill(-1);
  const pending: number[] = [];
  const reach = (pc: number, d: number): string | undefined => {
    if (pc >= procedure.code.length) return `instruction ${pc - 1} can run off the end of the code`;
    if (depth[pc] === -1) {
      depth[pc] = d;
      pending.push(pc);
    } else if (depth[pc] !== d) return `instruction ${pc} is reached with stack depths ${depth[pc]} and ${d}`;
    return undefined;
  };
  if (procedure.code.length === 0) return 'the code is empty';
  reach(0, 0);
  for (let pc = pending.pop(); pc !== undefined; pc = pending.pop()) {
    const instruction = procedure.code[pc] as Instruction;
    const effect = stackEffect(instruction, constants);
    const d = depth[pc] as number;
    if (!effect) return `instruction ${pc} has an unknown opcode`;
    if (effect.pops > d) return `instruction ${pc} pops ${effect.pops} values from a stack of ${d}`;
    for (const next of successors(instruction, pc)) {
      const problem = reach(next, d - effect.pops + effect.pushes);
      if (problem) return problem;
    }
  }
  return undefined;
}

function slotPairsProblem(procedure: Procedure): string | undefined {
  const inner = (slot: number): boolean => slot < procedure.slots;
  if (procedure.captures.some(([, i]) => !inner(i))) return 'a capture names a slot the procedure does not have';
  if (procedure.writes.some(([i]) => !inner(i))) return 'a write names a slot the procedure does not have';
  if ((procedure.captures.length > 0 || procedure.writes.length > 0) && procedure.kind !== 'branch') return 'only a branch captures or writes enclosing variables';
  return undefined;
}

/** Problems with procedure `index` of code, each prefixed with where it is. */
export function procedureProblems(code: Code, index: number): string[] {
  const procedure = code.procedures[index] as Procedure;
  const where = `procedure ${index} (${procedure.name})`;
  const problems: string[] = [];
  if (procedure.slotNames.length !== procedure.slots) problems.push(`${where}: has ${procedure.slots} slots but ${procedure.slotNames.length} slot names`);
  const pairs = slotPairsProblem(procedure);
  if (pairs) problems.push(`${where}: ${pairs}`);
  procedure.code.forEach((instruction, pc) => {
    const info = opcodeInfo(instruction[0]);
    const problem = info ? instructionProblem(instruction, info, code, procedure) : `unknown opcode ${instruction[0]}`;
    if (problem) problems.push(`${where}, instruction ${pc}: ${problem}`);
  });
  if (problems.length > 0) return problems;
  const stack = stackProblem(procedure, code.constants);
  return stack ? [`${where}: ${stack}`] : [];
}
