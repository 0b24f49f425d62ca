// Statement CST → AST: blocks, `let`/`set`, control flow and the effect statements that yield
// no value. Keys are built in schema property order.
import type {
  Block, CheckpointStmt, ExitStmt, FailStmt, IfStmt, LetStmt, LoopStmt, ParallelStmt, PublishStmt, ReleaseStmt,
  RenewStmt, SendStmt, SetStmt, SignalStmt, SleepStmt, Statement, SubscribeStmt, WriteStmt,
} from '../../generated/workflow.js';
import type { AstBuilder } from './builder.js';
import type {
  BindStmtCstNode, BlockCstNode, CheckpointStmtCstNode, ExitStmtCstNode, FailStmtCstNode, IfStmtCstNode,
  LoopStmtCstNode, ParallelStmtCstNode, PublishStmtCstNode, ReleaseStmtCstNode, RenewStmtCstNode, SendStmtCstNode,
  SignalStmtCstNode, SleepStmtCstNode, SubscribeStmtCstNode, WriteStmtCstNode,
} from './cst.generated.js';
import { expression } from './expressions.js';
import { valueStatement } from './value-statements.js';

type StatementCstNode = NonNullable<BlockCstNode['children']['statements']>[number];

export function block(b: AstBuilder, node: BlockCstNode | undefined, pointer: string): Block {
  const body: Statement[] = [];
  if (!node) return body;
  b.atNode(pointer, body, node);
  if (b.enter(node.children.LCurly?.[0])) {
    for (const child of node.children.statements ?? []) {
      const at = `${pointer}/${body.length}`;
      const stmt = statement(b, child, at);
      body.push(stmt);
      // After the parts, so the statement's own span (which may include `let x =`) wins.
      b.atNode(at, stmt, child);
    }
  }
  b.leave();
  return body;
}

function statement(b: AstBuilder, node: StatementCstNode, p: string): Statement {
  switch (node.name) {
    case 'bindStmt':
      return bindStmt(b, node, p);
    case 'sendStmt':
      return sendStmt(b, node, p);
    case 'publishStmt':
      return publishStmt(b, node, p);
    case 'subscribeStmt':
      return subscribeStmt(b, node, p);
    case 'signalStmt':
      return signalStmt(b, node, p);
    case 'renewStmt':
      return renewStmt(b, node, p);
    case 'releaseStmt':
      return releaseStmt(b, node, p);
    case 'sleepStmt':
      return sleepStmt(b, node, p);
    case 'checkpointStmt':
      return checkpointStmt(b, node, p);
    case 'writeStmt':
      return writeStmt(b, node, p);
    case 'ifStmt':
      return ifStmt(b, node, p);
    case 'parallelStmt':
      return parallelStmt(b, node, p);
    case 'loopStmt':
      return loopStmt(b, node, p);
    case 'exitStmt':
      return exitStmt(b, node, p);
    case 'failStmt':
      return failStmt(b, node, p);
    default:
      return valueStatement(b, node, p);
  }
}

/** `let x = e` / `set x = e`, or a value statement that keeps its result in x. */
function bindStmt(b: AstBuilder, node: BindStmtCstNode, p: string): Statement {
  const c = node.children;
  const keyword = c.key?.[0];
  const kind = keyword?.image === 'set' ? 'set' : 'let';
  const inner = c.valueStmt?.[0];
  if (inner) {
    const s = valueStatement(b, inner, p);
    s[kind] = b.name(c.name?.[0], b.keyAt(`${p}/${kind}`, keyword));
    return s;
  }
  const s: LetStmt | SetStmt = { kind, name: b.name(c.name?.[0], b.keyAt(`${p}/name`, keyword)), value: null };
  s.value = expression(b, c.value?.[0], `${p}/value`);
  return s;
}

function sendStmt(b: AstBuilder, node: SendStmtCstNode, p: string): SendStmt {
  const c = node.children;
  const s: SendStmt = { kind: 'send', to: b.name(c.to?.[0], `${p}/to`), value: null };
  s.value = expression(b, c.value?.[0], `${p}/value`);
  return s;
}

function publishStmt(b: AstBuilder, node: PublishStmtCstNode, p: string): PublishStmt {
  const c = node.children;
  const s: PublishStmt = { kind: 'publish', topic: b.string(c.topic?.[0], `${p}/topic`), value: null };
  s.value = expression(b, c.value?.[0], `${p}/value`);
  return s;
}

function subscribeStmt(b: AstBuilder, node: SubscribeStmtCstNode, p: string): SubscribeStmt {
  return { kind: 'subscribe', topic: b.string(node.children.topic?.[0], `${p}/topic`) };
}

function signalStmt(b: AstBuilder, node: SignalStmtCstNode, p: string): SignalStmt {
  const c = node.children;
  const target = b.name(c.target?.[0], `${p}/target`);
  return { kind: 'signal', target, op: b.name(c.op?.[0], `${p}/op`) as SignalStmt['op'] };
}

function renewStmt(b: AstBuilder, node: RenewStmtCstNode, p: string): RenewStmt {
  const c = node.children;
  const s: RenewStmt = { kind: 'renew', lease: b.name(c.lease?.[0], `${p}/lease`) };
  const ttl = c.ttl?.[0];
  if (ttl) s.ttl = b.integer(ttl, b.keyAt(`${p}/ttl`, c.Ttl?.[0]));
  return s;
}

function releaseStmt(b: AstBuilder, node: ReleaseStmtCstNode, p: string): ReleaseStmt {
  return { kind: 'release', lease: b.name(node.children.lease?.[0], `${p}/lease`) };
}

function sleepStmt(b: AstBuilder, node: SleepStmtCstNode, p: string): SleepStmt {
  return { kind: 'sleep', duration: b.integer(node.children.duration?.[0], `${p}/duration`) };
}

function checkpointStmt(b: AstBuilder, node: CheckpointStmtCstNode, p: string): CheckpointStmt {
  const s: CheckpointStmt = { kind: 'checkpoint' };
  const value = node.children.value?.[0];
  if (value) s.value = expression(b, value, `${p}/value`);
  return s;
}

function writeStmt(b: AstBuilder, node: WriteStmtCstNode, p: string): WriteStmt {
  const c = node.children;
  const s: WriteStmt = { kind: 'write', path: b.string(c.path?.[0], `${p}/path`), value: null };
  s.value = expression(b, c.value?.[0], `${p}/value`);
  const lease = c.lease?.[0];
  if (lease) s.lease = b.name(lease, b.keyAt(`${p}/lease`, c.Lease?.[0]));
  return s;
}

/**
 * `if c1 {..} else if c2 {..} else {..}`: each `else if` nests an if in the previous one's
 * "else", built by a loop. Each counts as a nesting level.
 */
function ifStmt(b: AstBuilder, node: IfStmtCstNode, p: string): IfStmt {
  const c = node.children;
  const conds = c.cond ?? [];
  const elseIfs = c.elseIf ?? [];
  const top: IfStmt = { kind: 'if', cond: null, then: [] };
  let current = top;
  let at = p;
  let levels = 0;
  for (let i = 0; i < conds.length; i++) {
    if (i > 0) {
      const elseToken = elseIfs[2 * i - 2];
      levels++;
      if (!b.enter(elseIfs[2 * i - 1])) {
        b.leave(levels);
        return top;
      }
      const next: IfStmt = { kind: 'if', cond: null, then: [] };
      current.else = [next];
      b.keyAt(`${at}/else`, elseToken);
      at = `${at}/else/0`;
      b.at(at, elseToken, c.then?.[i]);
      current = next;
    }
    current.cond = expression(b, conds[i], `${at}/cond`);
    current.then = block(b, c.then?.[i], `${at}/then`);
  }
  const otherwise = c.otherwise?.[0];
  if (otherwise) current.else = block(b, otherwise, b.keyAt(`${at}/else`, c.Else?.[0]));
  b.leave(levels);
  return top;
}

function parallelStmt(b: AstBuilder, node: ParallelStmtCstNode, p: string): ParallelStmt {
  const c = node.children;
  const branches: ParallelStmt['branches'] = [];
  if (b.enter(c.LCurly?.[0])) {
    const blocks = c.branches ?? [];
    for (let i = 0; i < blocks.length; i++) {
      const at = `${p}/branches/${i}`;
      b.at(at, blocks[i]);
      branches.push({ body: block(b, blocks[i], `${at}/body`) });
    }
  }
  b.leave();
  return { kind: 'parallel', branches };
}

function loopStmt(b: AstBuilder, node: LoopStmtCstNode, p: string): LoopStmt {
  const c = node.children;
  // Filled in schema key order (kind, max, as, until, body), so body comes last.
  const s = { kind: 'loop' } as LoopStmt;
  const max = c.max?.[0];
  if (max) s.max = b.integer(max, b.keyAt(`${p}/max`, c.Max?.[0]));
  const as = c.as?.[0];
  if (as) s.as = b.name(as, `${p}/as`);
  const until = c.until?.[0];
  if (until) s.until = expression(b, until, b.keyAt(`${p}/until`, c.Until?.[0]));
  s.body = block(b, c.body?.[0], `${p}/body`);
  return s;
}

function exitStmt(b: AstBuilder, node: ExitStmtCstNode, p: string): ExitStmt {
  const s: ExitStmt = { kind: 'exit' };
  const value = node.children.value?.[0];
  if (value) s.value = expression(b, value, `${p}/value`);
  return s;
}

function failStmt(b: AstBuilder, node: FailStmtCstNode, p: string): FailStmt {
  return { kind: 'fail', reason: expression(b, node.children.value?.[0], `${p}/reason`) };
}
