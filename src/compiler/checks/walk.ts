// The one tree walk every statement pass shares: each program (agent programs in declaration
// order, then main) is walked once, in source order, recording every statement with its block,
// process and enclosing parallel branches, and variable uses resolved against the scope in
// force at that point. Recursion stops at MAX_NESTING: deeper subtrees are recorded as too deep
// and hidden from every other pass.
import type { Expr, ExprNode, Statement, Workflow } from '../../generated/workflow.js';
import { MAX_NESTING } from '../limits.js';
import type { AgentGraph } from './agents.js';
import { ScopeStack, type VarDecl } from './scope.js';
import type { SymbolIndex } from './symbols.js';
import {
  BlockVisit,
  DeclaredVariable,
  StatementVisit,
  VarUse,
  type BranchFrame,
  type ProcessInfo,
  type StatementKind,
  type UseKind,
  type WalkResult,
} from './visits.js';

class Walker implements WalkResult {
  readonly statements: StatementVisit[] = [];
  readonly byKind = new Map<StatementKind, StatementVisit[]>();
  readonly uses: VarUse[] = [];
  readonly redeclarations: { decl: VarDecl; first: VarDecl }[] = [];
  readonly tooDeep: string[] = [];
  private proc!: ProcessInfo;
  private readonly scopes = new ScopeStack();
  /** The tokens from the current statement to the current expression node: the first pathLength of them. */
  private readonly exprPath: (string | number)[] = [];
  private pathLength = 0;

  constructor(private readonly symbols: SymbolIndex) {}

  program(body: readonly Statement[], pointer: string, proc: ProcessInfo): void {
    this.proc = proc;
    this.scopes.enterProcess();
    this.block(new BlockVisit(body, undefined, pointer), 1, []);
    this.scopes.exit();
  }

  private block(block: BlockVisit, depth: number, branches: readonly BranchFrame[]): void {
    this.scopes.enter();
    for (let i = 0; i < block.stmts.length; i++) this.statement(block, i, depth, branches);
    this.scopes.exit();
  }

  private statement(block: BlockVisit, index: number, depth: number, branches: readonly BranchFrame[]): void {
    if (depth > MAX_NESTING) {
      this.tooDeep.push(`${block.pointer}/${index}`);
      return;
    }
    const stmt = block.stmts[index] as Statement;
    const visit = new StatementVisit(stmt, block, index, this.statements.length, this.proc, branches);
    this.statements.push(visit);
    const sameKind = this.byKind.get(stmt.kind);
    if (sameKind) sameKind.push(visit);
    else this.byKind.set(stmt.kind, [visit]);
    const inner = depth + 1;
    switch (stmt.kind) {
      case 'let':
        this.child(stmt.value, inner, visit, 'value');
        this.declare(stmt.name, 'name', visit);
        return;
      case 'set':
        this.child(stmt.value, inner, visit, 'value');
        this.use(stmt.name, 'set', 'name', visit);
        return;
      case 'spawn':
      case 'call':
      case 'ask':
        this.child(stmt.input, inner, visit, 'input');
        break;
      case 'attach':
      case 'verify':
        this.child(stmt.value, inner, visit, 'value');
        break;
      case 'exec':
        this.args(stmt.args, inner, visit);
        break;
      case 'send':
        this.use(stmt.to, 'target', 'to', visit);
        this.child(stmt.value, inner, visit, 'value');
        return;
      case 'recv':
        if (stmt.from !== undefined) this.use(stmt.from, 'target', 'from', visit);
        break;
      case 'await':
        this.use(stmt.target, 'target', 'target', visit);
        break;
      case 'signal':
        this.use(stmt.target, 'target', 'target', visit);
        return;
      case 'renew':
      case 'release':
        this.use(stmt.lease, 'lease', 'lease', visit);
        return;
      case 'write':
        this.child(stmt.value, inner, visit, 'value');
        if (stmt.lease !== undefined) this.use(stmt.lease, 'lease', 'lease', visit);
        return;
      case 'publish':
      case 'checkpoint':
      case 'exit':
        this.child(stmt.value, inner, visit, 'value');
        return;
      case 'fail':
        this.child(stmt.reason, inner, visit, 'reason');
        return;
      case 'if':
        this.child(stmt.cond, inner, visit, 'cond');
        this.block(new BlockVisit(stmt.then, visit, 'then'), inner, branches);
        if (stmt.else) this.block(new BlockVisit(stmt.else, visit, 'else'), inner, branches);
        return;
      case 'parallel':
        stmt.branches.forEach((b, k) => {
          this.block(new BlockVisit(b.body, visit, `branches/${k}/body`), inner, [...branches, { parallel: visit, branch: k }]);
        });
        return;
      case 'loop':
        this.loop(stmt.as, stmt.until, stmt.body, inner, visit);
        return;
      case 'acquire':
      case 'read':
      case 'sleep':
      case 'subscribe':
        break;
    }
    this.bindResult(stmt, visit);
  }

  /** A loop's `as` lives in a frame around the body; `until` sees it and the outer scopes, not the body's lets. */
  private loop(as: string | undefined, until: Expr | undefined, body: readonly Statement[], depth: number, visit: StatementVisit): void {
    this.scopes.enter();
    if (as !== undefined) this.declare(as, 'as', visit);
    this.block(new BlockVisit(body, visit, 'body'), depth, visit.branches);
    this.child(until, depth, visit, 'until');
    this.scopes.exit();
  }

  private bindResult(stmt: Statement, visit: StatementVisit): void {
    if (!('let' in stmt || 'set' in stmt)) return;
    if (stmt.let !== undefined) this.declare(stmt.let, 'let', visit);
    if (stmt.set !== undefined) this.use(stmt.set, 'set', 'set', visit);
  }

  private declare(name: string, field: string, visit: StatementVisit): void {
    const decl = new DeclaredVariable(name, visit, field);
    const first = this.scopes.declare(decl);
    if (first) this.redeclarations.push({ decl, first });
  }

  private use(name: string, kind: UseKind, field: string, visit: StatementVisit): void {
    const resolution = this.resolve(name, kind);
    this.uses.push(new VarUse(name, kind, visit, field, resolution, resolution === undefined ? this.scopes.visible() : undefined));
  }

  private resolve(name: string, kind: UseKind): VarUse['resolution'] {
    const decl = this.scopes.lookup(name);
    if (decl || kind !== 'target') return decl;
    if (name === 'parent' && this.proc.kind === 'agent') return 'parent';
    return this.symbols.byKind.agents.has(name) ? 'agent' : undefined;
  }

  private args(args: readonly { value: Expr }[] | undefined, depth: number, visit: StatementVisit): void {
    if (!args) return;
    for (let k = 0; k < args.length; k++) {
      const length = this.pathLength;
      this.exprPath[this.pathLength++] = 'args';
      this.exprPath[this.pathLength++] = k;
      this.child((args[k] as { value: Expr }).value, depth, visit, 'value');
      this.pathLength = length;
    }
  }

  /** Descends into a sub-expression one or two pointer tokens below the current one (literals need no visit). */
  private child(e: Expr | undefined, depth: number, visit: StatementVisit, key: string, index?: number): void {
    if (e === null || typeof e !== 'object') return;
    const length = this.pathLength;
    this.exprPath[this.pathLength++] = key;
    if (index !== undefined) this.exprPath[this.pathLength++] = index;
    this.expr(e, depth, visit);
    this.pathLength = length;
  }

  private exprPointerFromStatement(): string {
    return this.exprPath.slice(0, this.pathLength).join('/');
  }

  private expr(e: ExprNode, depth: number, visit: StatementVisit): void {
    if (depth > MAX_NESTING) {
      this.tooDeep.push(`${visit.pointer}/${this.exprPointerFromStatement()}`);
      return;
    }
    const inner = depth + 1;
    switch (e.kind) {
      case 'ref':
        this.read(e.path[0] as string, visit);
        return;
      case 'list':
        for (let k = 0; k < e.items.length; k++) this.child(e.items[k], inner, visit, 'items', k);
        return;
      case 'object':
        for (let k = 0; k < e.fields.length; k++) {
          const length = this.pathLength;
          this.exprPath[this.pathLength++] = 'fields';
          this.exprPath[this.pathLength++] = k;
          this.child((e.fields[k] as { value: Expr }).value, inner, visit, 'value');
          this.pathLength = length;
        }
        return;
      case 'cmp':
        this.child(e.left, inner, visit, 'left');
        this.child(e.right, inner, visit, 'right');
        return;
      case 'and':
      case 'or':
        for (let k = 0; k < e.args.length; k++) this.child(e.args[k], inner, visit, 'args', k);
        return;
      case 'not':
        this.child(e.arg, inner, visit, 'arg');
        return;
    }
  }

  /** An expression's read of a variable: recorded only when nothing in scope declares it. */
  private read(name: string, visit: StatementVisit): void {
    if (this.scopes.lookup(name)) return;
    this.uses.push(new VarUse(name, 'ref', visit, `${this.exprPointerFromStatement()}/path/0`, undefined, this.scopes.visible()));
  }
}

/** Groups agents by the declaration their effective program comes from. */
function programRunners(graph: AgentGraph): Map<string, number[]> {
  const runners = new Map<string, number[]>();
  for (const agent of graph.effective) {
    const from = agent.origin.get('program');
    if (from === undefined) continue;
    const list = runners.get(from);
    if (list) list.push(agent.index);
    else runners.set(from, [agent.index]);
  }
  return runners;
}

export function walkPrograms(ast: Workflow, symbols: SymbolIndex, graph: AgentGraph): WalkResult {
  const walker = new Walker(symbols);
  const runners = programRunners(graph);
  ast.agents?.forEach((agent, i) => {
    if (agent.program === undefined) return;
    const pointer = `/agents/${i}/program`;
    walker.program(agent.program, pointer, { kind: 'agent', name: agent.name, agentIndex: i, runners: runners.get(pointer) ?? [i] });
  });
  walker.program(ast.main.body, '/main/body', { kind: 'main', name: 'main', agentIndex: -1, runners: [] });
  return walker;
}
