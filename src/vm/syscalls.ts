// The syscall table: the handler of every opcode that is not plain computation.
import type { Instruction } from '../bytecode/format.js';
import { Op } from '../bytecode/opcodes.js';
import type { KernelCore } from './core.js';
import { ask, exec, read, sleep, write } from './effect-calls.js';
import { publish, recv, send, subscribe } from './ipc-calls.js';
import { acquire, release, renew } from './lease-calls.js';
import { deny, fail, type SyscallOutcome } from './outcomes.js';
import { allows } from './caps.js';
import { optionalMsOperand, stringOperand } from './operands.js';
import type { Process } from './process.js';
import { agentRef, awaitProcess, callAgent, exit, failCall, parallel, parent, signal, spawnCall } from './process-calls.js';
import { attach, checkpoint, verify } from './record-calls.js';

export type Syscall = (k: KernelCore, p: Process, ins: Instruction) => SyscallOutcome;

function acquireCall(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const resource = stringOperand(k.constants, ins, 'ACQUIRE', 1);
  if (!allows(p.caps, { kind: 'lease', resource })) return deny(k, p, 'acquire', { resource });
  return acquire(k, p, resource, optionalMsOperand(ins, 'ACQUIRE', 2), optionalMsOperand(ins, 'ACQUIRE', 3)) ? 'stop' : 'continue';
}

function renewCall(k: KernelCore, p: Process, ins: Instruction): SyscallOutcome {
  const problem = renew(k, p, p.frame?.stack.pop() ?? null, optionalMsOperand(ins, 'RENEW', 1));
  return problem === undefined ? 'continue' : fail(k, p, problem);
}

function releaseCall(k: KernelCore, p: Process): SyscallOutcome {
  const problem = release(k, p, p.frame?.stack.pop() ?? null);
  return problem === undefined ? (p.state === 'running' ? 'continue' : 'stop') : fail(k, p, problem);
}

export const SYSCALLS: { readonly [op: number]: Syscall } = {
  [Op.PARENT]: parent,
  [Op.AGENT_REF]: agentRef,
  [Op.SPAWN]: spawnCall,
  [Op.CALL]: callAgent,
  [Op.ASK]: ask,
  [Op.EXEC]: exec,
  [Op.SEND]: send,
  [Op.RECV]: recv,
  [Op.PUBLISH]: publish,
  [Op.SUBSCRIBE]: subscribe,
  [Op.AWAIT]: awaitProcess,
  [Op.SIGNAL]: signal,
  [Op.ACQUIRE]: acquireCall,
  [Op.RENEW]: renewCall,
  [Op.RELEASE]: releaseCall,
  [Op.SLEEP]: sleep,
  [Op.CHECKPOINT]: checkpoint,
  [Op.ATTACH]: attach,
  [Op.READ]: read,
  [Op.WRITE]: write,
  [Op.VERIFY]: verify,
  [Op.PARALLEL]: parallel,
  [Op.EXIT]: exit,
  [Op.FAIL]: failCall,
};
