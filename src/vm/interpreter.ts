// Runs one process for one scheduler step: plain instructions inline, syscalls through their
// handlers, until the process blocks, exits, or uses up its quantum of instructions.
import { assert, InvariantError } from '../bytecode/errors.js';
import type { Procedure } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { Op } from '../bytecode/opcodes.js';
import { jsonEqual, lessThan, truthy } from '../bytecode/values.js';
import type { KernelCore } from './core.js';
import { constantOperand, countOperand, slotOperand, stringOperand, stringsOperand, targetOperand } from './operands.js';
import { agentLoop, type Frame, type Process } from './process.js';
import { SYSCALLS, type Syscall } from './syscalls.js';
import { freeAgentStep } from './free-agent.js';

/** Told of each instruction a traced step is about to execute (Kernel.traceInstructions). */
export type InstructionTrace = (pid: string, procedure: number, pc: number) => void;

export function runProcess(k: KernelCore, p: Process, trace?: InstructionTrace): void {
  p.state = 'running';
  const frame = p.frame;
  if (frame === null) {
    freeAgentStep(k, p, agentLoop(p));
    return;
  }
  const stopped = trace === undefined ? execute(k, p, frame, k.options.quantum) : executeTraced(k, p, frame, trace);
  // The quantum is used up: the process goes to the back of the queue.
  if (!stopped) k.makeReady(p);
}

/**
 * The quantum one instruction at a time, each told to the trace first. The instructions and their
 * effects are those of one untraced run of the quantum; only the untraced loop is the hot path,
 * and it pays nothing for tracing.
 */
function executeTraced(k: KernelCore, p: Process, frame: Frame, trace: InstructionTrace): boolean {
  for (let budget = k.options.quantum; budget > 0; budget--) {
    trace(p.name, frame.procedure, frame.pc);
    if (execute(k, p, frame, 1)) return true;
  }
  return false;
}

/** Runs up to `count` instructions of the frame; true when a syscall stopped the process. */
function execute(k: KernelCore, p: Process, frame: Frame, count: number): boolean {
  const procedure = procedureOf(k, p, frame);
  const { code } = procedure;
  const { constants } = k;
  const { slots, stack } = frame;
  for (let budget = count; budget > 0; budget--) {
    const ins = code[frame.pc];
    if (ins === undefined) throw new InvariantError(`${p.name} ran past the end of ${procedure.name}`);
    frame.pc++;
    const op = ins[0];
    switch (op) {
      case Op.NOP:
        break;
      case Op.CONST:
        stack.push(constantOperand(constants, ins, 'CONST', 1));
        break;
      case Op.LOAD:
        stack.push(slots[slotOperand(ins, 'LOAD', 1)] as JsonValue);
        break;
      case Op.STORE:
        slots[slotOperand(ins, 'STORE', 1)] = pop(stack);
        break;
      case Op.POP:
        stack.pop();
        break;
      case Op.DUP:
        stack.push(stack[stack.length - 1] as JsonValue);
        break;
      case Op.FIELD:
        stack.push(field(pop(stack), stringOperand(constants, ins, 'FIELD', 1)));
        break;
      case Op.LIST: {
        const n = countOperand(ins, 'LIST', 1);
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case Op.OBJECT: {
        const keys = stringsOperand(constants, ins, 'OBJECT', 1);
        const values = stack.splice(stack.length - keys.length, keys.length);
        stack.push(Object.fromEntries(keys.map((key, i) => [key, values[i] as JsonValue])));
        break;
      }
      case Op.EQ:
      case Op.NE: {
        const right = pop(stack);
        const equal = jsonEqual(pop(stack), right);
        stack.push(op === Op.EQ ? equal : !equal);
        break;
      }
      case Op.LT:
      case Op.LE:
      case Op.GT:
      case Op.GE: {
        const right = pop(stack);
        const left = pop(stack);
        stack.push(ordered(op, left, right));
        break;
      }
      case Op.NOT:
        stack.push(!truthy(pop(stack)));
        break;
      case Op.TRUTHY:
        stack.push(truthy(pop(stack)));
        break;
      case Op.JUMP:
        frame.pc = targetOperand(ins, 'JUMP', 1);
        break;
      case Op.JUMP_IF_FALSE:
        if (!truthy(pop(stack))) frame.pc = targetOperand(ins, 'JUMP_IF_FALSE', 1);
        break;
      case Op.JUMP_IF_TRUE:
        if (truthy(pop(stack))) frame.pc = targetOperand(ins, 'JUMP_IF_TRUE', 1);
        break;
      case Op.INC: {
        const slot = slotOperand(ins, 'INC', 1);
        slots[slot] = ((slots[slot] as number) ?? 0) + 1;
        break;
      }
      default:
        if (syscallFor(op, procedure, frame.pc - 1)(k, p, ins) === 'stop') return true;
    }
  }
  return false;
}

// The invariants checked once per instruction (the fetch above, the underflow below) throw
// InvariantError themselves: inlined into this loop, a call of assert() slows an interpreter-bound
// run by some 7%. The checks that run once per step or per syscall are helpers of their own, so
// that runProcess makes no closure: a message closure there would move the loop's variables into
// a heap context.

function procedureOf(k: KernelCore, p: Process, frame: Frame): Procedure {
  const procedure = k.code.procedures[frame.procedure];
  assert(procedure !== undefined, () => `${p.name} has no procedure ${frame.procedure}`);
  return procedure;
}

function syscallFor(op: number, procedure: Procedure, pc: number): Syscall {
  const handler = SYSCALLS[op];
  assert(handler !== undefined, () => `unknown opcode ${op} in ${procedure.name} at ${pc}`);
  return handler;
}

function pop(stack: JsonValue[]): JsonValue {
  if (stack.length === 0) throw new InvariantError('operand stack underflow');
  return stack.pop() as JsonValue;
}

/** A field of an object, or null: only own properties, so `constructor` or `__proto__` read nothing. */
export function field(value: JsonValue, name: string): JsonValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return Object.prototype.hasOwnProperty.call(value, name) ? (value[name] as JsonValue) : null;
}

function ordered(op: number, left: JsonValue, right: JsonValue): boolean {
  switch (op) {
    case Op.LT:
      return lessThan(left, right);
    case Op.LE:
      return lessThan(left, right) || jsonEqual(left, right);
    case Op.GT:
      return lessThan(right, left);
    default:
      return lessThan(right, left) || jsonEqual(left, right);
  }
}
