// Runs one process for one scheduler step: plain instructions inline, syscalls through their
// handlers, until the process blocks, exits, or uses up its quantum of instructions.
import type { JsonValue } from '../bytecode/json.js';
import { Op } from '../bytecode/opcodes.js';
import { jsonEqual, lessThan, truthy } from '../bytecode/values.js';
import type { KernelCore } from './core.js';
import type { Frame, Process } from './process.js';
import { SYSCALLS } from './syscalls.js';
import { freeAgentStep } from './free-agent.js';

/** Told of each instruction a traced step is about to execute (Kernel.traceInstructions). */
export type InstructionTrace = (pid: string, procedure: number, pc: number) => void;

export function runProcess(k: KernelCore, p: Process, trace?: InstructionTrace): void {
  p.state = 'running';
  const frame = p.frame;
  if (frame === null) {
    freeAgentStep(k, p);
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
  const procedure = k.code.procedures[frame.procedure];
  if (procedure === undefined) throw new Error(`kernel invariant: ${p.name} has no procedure ${frame.procedure}`);
  const code = procedure.code;
  const { slots, stack } = frame;
  for (let budget = count; budget > 0; budget--) {
    const ins = code[frame.pc];
    if (ins === undefined) throw new Error(`kernel invariant: ${p.name} ran past the end of ${procedure.name}`);
    frame.pc++;
    const op = ins[0] as number;
    switch (op) {
      case Op.NOP:
        break;
      case Op.CONST:
        stack.push(k.constant(ins[1] as number));
        break;
      case Op.LOAD:
        stack.push(slots[ins[1] as number] as JsonValue);
        break;
      case Op.STORE:
        slots[ins[1] as number] = pop(stack);
        break;
      case Op.POP:
        stack.pop();
        break;
      case Op.DUP:
        stack.push(stack[stack.length - 1] as JsonValue);
        break;
      case Op.FIELD:
        stack.push(field(pop(stack), k.constant(ins[1] as number) as string));
        break;
      case Op.LIST: {
        const n = ins[1] as number;
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case Op.OBJECT: {
        const keys = k.constant(ins[1] as number) as string[];
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
        frame.pc = ins[1] as number;
        break;
      case Op.JUMP_IF_FALSE:
        if (!truthy(pop(stack))) frame.pc = ins[1] as number;
        break;
      case Op.JUMP_IF_TRUE:
        if (truthy(pop(stack))) frame.pc = ins[1] as number;
        break;
      case Op.INC: {
        const slot = ins[1] as number;
        slots[slot] = ((slots[slot] as number) ?? 0) + 1;
        break;
      }
      default: {
        const handler = SYSCALLS[op];
        if (handler === undefined) throw new Error(`kernel invariant: unknown opcode ${op} in ${procedure.name} at ${frame.pc - 1}`);
        if (handler(k, p, ins) === 'stop') return true;
      }
    }
  }
  return false;
}

function pop(stack: JsonValue[]): JsonValue {
  if (stack.length === 0) throw new Error('kernel invariant: operand stack underflow');
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
