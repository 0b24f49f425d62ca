// Statements run for their effect alone (send, publish, subscribe, signal, renew, release,
// sleep, checkpoint, write): operands, then one syscall instruction that pushes nothing.
import { Op, SIGNAL_OPS } from '../../bytecode/opcodes.js';
import { NONE, type LowerStatement } from './context.js';
import { loadVariable, lowerOptional, lowerTarget } from './bind.js';
import { lowerExpr } from './expressions.js';

type EffectKind = 'send' | 'publish' | 'subscribe' | 'signal' | 'renew' | 'release' | 'sleep' | 'checkpoint' | 'write';

export const EFFECT_STATEMENTS: { [K in EffectKind]: LowerStatement<K> } = {
  send: (lw, s, at) => {
    lowerTarget(lw, s.to, at);
    lowerExpr(lw, s.value);
    lw.proc.emit(at, Op.SEND);
  },
  publish: (lw, s, at) => {
    lowerExpr(lw, s.value);
    lw.proc.emit(at, Op.PUBLISH, lw.cx.pool.add(s.topic));
  },
  subscribe: (lw, s, at) => {
    lw.proc.emit(at, Op.SUBSCRIBE, lw.cx.pool.add(s.topic));
  },
  signal: (lw, s, at) => {
    lowerTarget(lw, s.target, at);
    lw.proc.emit(at, Op.SIGNAL, SIGNAL_OPS.indexOf(s.op));
  },
  renew: (lw, s, at) => {
    loadVariable(lw, s.lease, at);
    lw.proc.emit(at, Op.RENEW, s.ttl ?? NONE);
  },
  release: (lw, s, at) => {
    loadVariable(lw, s.lease, at);
    lw.proc.emit(at, Op.RELEASE);
  },
  sleep: (lw, s, at) => {
    lw.proc.emit(at, Op.SLEEP, s.duration);
  },
  checkpoint: (lw, s, at) => {
    const flag = lowerOptional(lw, s.value);
    lw.proc.emit(at, Op.CHECKPOINT, flag);
  },
  write: (lw, s, at) => {
    // WRITE pops the value first, so the lease (when given) goes under it.
    if (s.lease !== undefined) loadVariable(lw, s.lease, at);
    lowerExpr(lw, s.value);
    lw.proc.emit(at, Op.WRITE, lw.cx.pool.add(s.path), s.lease === undefined ? 0 : 1);
  },
};
