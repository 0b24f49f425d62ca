// How a syscall ends a process when the program asked for something it may not or cannot do:
// a denial is an event plus a failure of the process, never a crash of the kernel.
import type { JsonValue } from '../bytecode/json.js';
import type { KernelCore } from './core.js';
import { exitProcess } from './lifecycle.js';
import type { Process } from './process.js';

export type SyscallOutcome = 'continue' | 'stop';

export function fail(k: KernelCore, p: Process, reason: JsonValue): SyscallOutcome {
  exitProcess(k, p, 'failed', null, reason);
  return 'stop';
}

export function deny(k: KernelCore, p: Process, op: string, detail: JsonValue): SyscallOutcome {
  k.emit('cap.denied', p.name, { detail, op });
  return fail(k, p, { detail, kind: 'denied', op });
}
