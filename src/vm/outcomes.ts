// How a syscall ends a process when the program asked for something it may not or cannot do:
// a denial is an event plus a failure of the process, never a crash of the kernel. Both events
// name the instruction at fault, so a log points back at the source line.
import { assert } from '../bytecode/errors.js';
import type { JsonValue } from '../bytecode/json.js';
import type { KernelCore } from './core.js';
import { exitProcess } from './lifecycle.js';
import type { Process } from './process.js';

export type SyscallOutcome = 'continue' | 'stop';

/**
 * The instruction a failure is charged to, as events record it (InstructionAt): the syscall the
 * process last ran, running or blocked in it (its pc has moved past it); null for a process that
 * runs no program (a free agent).
 */
export function failingInstruction(p: Process): JsonValue {
  const frame = p.frame;
  if (frame === null) return null;
  assert(frame.pc > 0, () => `${p.name} fails in an instruction before running one`);
  return { offset: frame.pc - 1, procedure: frame.procedure };
}

export function fail(k: KernelCore, p: Process, reason: JsonValue): SyscallOutcome {
  exitProcess(k, p, 'failed', null, reason, { at: failingInstruction(p) });
  return 'stop';
}

export function deny(k: KernelCore, p: Process, op: string, detail: JsonValue): SyscallOutcome {
  k.emit('cap.denied', p.name, { at: failingInstruction(p), detail, op });
  return fail(k, p, { detail, kind: 'denied', op });
}
