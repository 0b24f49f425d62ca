// Statements that push a result (spawn, call, ask, exec, recv, await, acquire, attach, read,
// verify): each lowers its operands, one syscall instruction, then binds or pops the result.
import { Op } from '../../bytecode/opcodes.js';
import { NONE, type LowerStatement } from './context.js';
import { bindResult, lowerOptional, lowerTarget } from './bind.js';
import { lowerExpr } from './expressions.js';

type ValueKind = 'spawn' | 'call' | 'ask' | 'exec' | 'recv' | 'await' | 'acquire' | 'attach' | 'read' | 'verify';

const spawn: LowerStatement<'spawn'> = (lw, s, at) => {
  const flag = lowerOptional(lw, s.input);
  lw.proc.emit(at, Op.SPAWN, lw.cx.names.of('agents', s.agent), lw.cx.names.of('tasks', s.task), flag);
};

const call: LowerStatement<'call'> = (lw, s, at) => {
  const flag = lowerOptional(lw, s.input);
  lw.proc.emit(at, Op.CALL, lw.cx.names.of('agents', s.agent), lw.cx.names.of('tasks', s.task), flag, s.timeout ?? NONE);
};

const ask: LowerStatement<'ask'> = (lw, s, at) => {
  const flag = lowerOptional(lw, s.input);
  lw.proc.emit(at, Op.ASK, lw.cx.pool.add(s.prompt), lw.cx.names.of('artifacts', s.returns), flag);
};

const exec: LowerStatement<'exec'> = (lw, s, at) => {
  const args = s.args ?? [];
  for (const a of args) lowerExpr(lw, a.value);
  lw.proc.emit(at, Op.EXEC, lw.cx.names.of('tools', s.tool), lw.cx.pool.add(args.map((a) => a.name)));
};

const recv: LowerStatement<'recv'> = (lw, s, at) => {
  if (s.from !== undefined) lowerTarget(lw, s.from, at);
  lw.proc.emit(at, Op.RECV, s.from === undefined ? 0 : 1, s.timeout ?? NONE);
};

const awaitProcess: LowerStatement<'await'> = (lw, s, at) => {
  lowerTarget(lw, s.target, at);
  lw.proc.emit(at, Op.AWAIT, s.timeout ?? NONE);
};

const acquire: LowerStatement<'acquire'> = (lw, s, at) => {
  lw.proc.emit(at, Op.ACQUIRE, lw.cx.pool.add(s.resource), s.ttl ?? NONE, s.timeout ?? NONE);
};

const attach: LowerStatement<'attach'> = (lw, s, at) => {
  lowerExpr(lw, s.value);
  lw.proc.emit(at, Op.ATTACH, lw.cx.names.of('artifacts', s.artifact));
};

const read: LowerStatement<'read'> = (lw, s, at) => {
  lw.proc.emit(at, Op.READ, lw.cx.pool.add(s.path));
};

const verify: LowerStatement<'verify'> = (lw, s, at) => {
  const flag = lowerOptional(lw, s.value);
  lw.proc.emit(at, Op.VERIFY, lw.cx.names.of('tasks', s.task), flag);
};

function bound<K extends ValueKind>(lower: LowerStatement<K>): LowerStatement<K> {
  return (lw, s, at) => {
    lower(lw, s, at);
    bindResult(lw, s, at);
  };
}

export const VALUE_STATEMENTS: { [K in ValueKind]: LowerStatement<K> } = {
  spawn: bound(spawn),
  call: bound(call),
  ask: bound(ask),
  exec: bound(exec),
  recv: bound(recv),
  await: bound(awaitProcess),
  acquire: bound(acquire),
  attach: bound(attach),
  read: bound(read),
  verify: bound(verify),
};
