// Value statements (spawn, call, ask, exec, recv, await, acquire, attach, read, verify): those
// whose result `let` or `set` may keep. Keys are built in schema property order.
import type {
  AcquireStmt, AskStmt, AttachStmt, AwaitStmt, CallStmt, ExecStmt, ReadStmt, RecvStmt, SpawnStmt, VerifyStmt,
} from '../../generated/workflow.js';
import { namedArgs } from './args.js';
import type { AstBuilder } from './builder.js';
import type {
  AcquireStmtCstNode, AskStmtCstNode, AttachStmtCstNode, AwaitStmtCstNode, CallStmtCstNode, ExecStmtCstNode,
  ReadStmtCstNode, RecvStmtCstNode, SpawnStmtCstNode, VerifyStmtCstNode,
} from './cst.generated.js';
import { expression } from './expressions.js';

export type ValueStmt = SpawnStmt | CallStmt | AskStmt | ExecStmt | RecvStmt | AwaitStmt | AcquireStmt | AttachStmt | ReadStmt | VerifyStmt;

function spawnStmt(b: AstBuilder, node: SpawnStmtCstNode, p: string): SpawnStmt {
  const c = node.children;
  const s: SpawnStmt = { kind: 'spawn', agent: b.name(c.agent?.[0], `${p}/agent`) };
  const task = c.task?.[0];
  if (task) s.task = b.name(task, b.keyAt(`${p}/task`, c.Task?.[0]));
  const input = c.input?.[0];
  if (input) s.input = expression(b, input, b.keyAt(`${p}/input`, c.With?.[0]));
  return s;
}

function callStmt(b: AstBuilder, node: CallStmtCstNode, p: string): CallStmt {
  const c = node.children;
  const s: CallStmt = { kind: 'call', agent: b.name(c.agent?.[0], `${p}/agent`) };
  const task = c.task?.[0];
  if (task) s.task = b.name(task, b.keyAt(`${p}/task`, c.Task?.[0]));
  const input = c.input?.[0];
  if (input) s.input = expression(b, input, b.keyAt(`${p}/input`, c.With?.[0]));
  const timeout = c.timeout?.[0];
  if (timeout) s.timeout = b.integer(timeout, b.keyAt(`${p}/timeout`, c.Timeout?.[0]));
  return s;
}

function askStmt(b: AstBuilder, node: AskStmtCstNode, p: string): AskStmt {
  const c = node.children;
  const s: AskStmt = { kind: 'ask', prompt: b.string(c.prompt?.[0], `${p}/prompt`) };
  const input = c.input?.[0];
  if (input) s.input = expression(b, input, b.keyAt(`${p}/input`, c.With?.[0]));
  const returns = c.returns?.[0];
  if (returns) s.returns = b.name(returns, b.keyAt(`${p}/returns`, c.Returns?.[0]));
  return s;
}

function execStmt(b: AstBuilder, node: ExecStmtCstNode, p: string): ExecStmt {
  const c = node.children;
  const s: ExecStmt = { kind: 'exec', tool: b.name(c.tool?.[0], `${p}/tool`) };
  const args = c.args?.[0];
  if (args) s.args = namedArgs(b, args, `${p}/args`);
  return s;
}

function recvStmt(b: AstBuilder, node: RecvStmtCstNode, p: string): RecvStmt {
  const c = node.children;
  const s: RecvStmt = { kind: 'recv' };
  const from = c.from?.[0];
  if (from) s.from = b.name(from, b.keyAt(`${p}/from`, c.From?.[0]));
  const timeout = c.timeout?.[0];
  if (timeout) s.timeout = b.integer(timeout, b.keyAt(`${p}/timeout`, c.Timeout?.[0]));
  return s;
}

function awaitStmt(b: AstBuilder, node: AwaitStmtCstNode, p: string): AwaitStmt {
  const c = node.children;
  const s: AwaitStmt = { kind: 'await', target: b.name(c.target?.[0], `${p}/target`) };
  const timeout = c.timeout?.[0];
  if (timeout) s.timeout = b.integer(timeout, b.keyAt(`${p}/timeout`, c.Timeout?.[0]));
  return s;
}

function acquireStmt(b: AstBuilder, node: AcquireStmtCstNode, p: string): AcquireStmt {
  const c = node.children;
  const s: AcquireStmt = { kind: 'acquire', resource: b.string(c.resource?.[0], `${p}/resource`) };
  const ttl = c.ttl?.[0];
  if (ttl) s.ttl = b.integer(ttl, b.keyAt(`${p}/ttl`, c.Ttl?.[0]));
  const timeout = c.timeout?.[0];
  if (timeout) s.timeout = b.integer(timeout, b.keyAt(`${p}/timeout`, c.Timeout?.[0]));
  return s;
}

function attachStmt(b: AstBuilder, node: AttachStmtCstNode, p: string): AttachStmt {
  const c = node.children;
  const s: AttachStmt = { kind: 'attach', artifact: b.name(c.artifact?.[0], `${p}/artifact`), value: null };
  s.value = expression(b, c.value?.[0], `${p}/value`);
  return s;
}

function readStmt(b: AstBuilder, node: ReadStmtCstNode, p: string): ReadStmt {
  return { kind: 'read', path: b.string(node.children.path?.[0], `${p}/path`) };
}

function verifyStmt(b: AstBuilder, node: VerifyStmtCstNode, p: string): VerifyStmt {
  const c = node.children;
  const s: VerifyStmt = { kind: 'verify', task: b.name(c.task?.[0], `${p}/task`) };
  const value = c.value?.[0];
  if (value) s.value = expression(b, value, b.keyAt(`${p}/value`, c.With?.[0]));
  return s;
}

export type ValueStmtCstNode =
  | SpawnStmtCstNode | CallStmtCstNode | AskStmtCstNode | ExecStmtCstNode | RecvStmtCstNode | AwaitStmtCstNode
  | AcquireStmtCstNode | AttachStmtCstNode | ReadStmtCstNode | VerifyStmtCstNode;

export function valueStatement(b: AstBuilder, node: ValueStmtCstNode, p: string): ValueStmt {
  switch (node.name) {
    case 'spawnStmt':
      return spawnStmt(b, node, p);
    case 'callStmt':
      return callStmt(b, node, p);
    case 'askStmt':
      return askStmt(b, node, p);
    case 'execStmt':
      return execStmt(b, node, p);
    case 'recvStmt':
      return recvStmt(b, node, p);
    case 'awaitStmt':
      return awaitStmt(b, node, p);
    case 'acquireStmt':
      return acquireStmt(b, node, p);
    case 'attachStmt':
      return attachStmt(b, node, p);
    case 'readStmt':
      return readStmt(b, node, p);
    case 'verifyStmt':
      return verifyStmt(b, node, p);
  }
}
