// Shared by the emitter tests: hand-written ASTs (typed as Workflow, so they do not depend on
// either front end), a compile step that also runs the bytecode reader's checks, and a compact
// listing of one procedure's instructions.
import type { Expr, RefExpr, Statement, Workflow } from '../../src/generated/workflow.js';
import type { Bytecode } from '../../src/bytecode/format.js';
import { emit } from '../../src/compiler/emit.js';
import { SourceMap } from '../../src/compiler/source-map.js';
import { disassembleProcedure } from '../../src/bytecode/disasm.js';
import { checkBytecode } from '../../src/bytecode/reader.js';

export const ref = (head: string, ...fields: string[]): RefExpr => ({ kind: 'ref', path: [head, ...fields] });
export const cmp = (op: '==' | '!=' | '<' | '<=' | '>' | '>=', left: Expr, right: Expr): Expr => ({ kind: 'cmp', op, left, right });

/** One declaration of each kind the statements refer to. */
export const DECLS: Omit<Workflow, 'workflow' | 'version' | 'main'> = {
  models: [{ name: 'small', id: 'small-model' }],
  tools: [{ name: 'grep', argv: ['grep', '--', { param: 'pattern' }], params: [{ name: 'pattern', type: 'string' }] }],
  artifacts: [{ name: 'report' }],
  agents: [{ name: 'writer', role: 'worker', model: 'small' }],
  tasks: [{ name: 'draft', owner: 'writer', produces: ['report'] }],
};

export function workflow(body: Statement[], decls: Partial<Workflow> = DECLS): Workflow {
  return { workflow: 'test', version: '1', ...decls, main: { body } };
}

/** Emits and checks the result with the reader's checks (schema, hash, structure). */
export function compile(ast: Workflow, includes: ReadonlyMap<string, string> = new Map(), map = new SourceMap('test.aos', '')): Bytecode {
  return checkBytecode(JSON.parse(JSON.stringify(emit(ast, { includes, map }))));
}

/** The procedure's instructions as `OPCODE operands`, without offsets and source positions. */
export function ops(bytecode: Bytecode, procedure = 0): string[] {
  return disassembleProcedure(bytecode, procedure)
    .split('\n')
    .filter((line) => /^\d{4} /.test(line))
    .map((line) => line.slice(15).replace(/^(\S+)\s+/, '$1 ').trimEnd());
}

/**
 * A source map whose pointers sit at the given [line, col], over a blank text big enough for
 * them. With the AST, the objects those pointers name (statements, blocks) are recorded by
 * identity too, as the front ends do.
 */
export function sourceMapAt(file: string, spans: Record<string, [number, number]>, ast?: unknown): SourceMap {
  const width = 200;
  const lines = Math.max(1, ...Object.values(spans).map(([line]) => line));
  const map = new SourceMap(file, `${' '.repeat(width)}\n`.repeat(lines));
  for (const [pointer, [line, col]] of Object.entries(spans)) {
    const offset = (line - 1) * (width + 1) + (col - 1);
    map.setValue(pointer, offset, offset + 1);
    const node = ast === undefined ? undefined : nodeAt(ast, pointer);
    if (typeof node === 'object' && node !== null) map.setNode(node, offset, offset + 1);
  }
  return map;
}

function nodeAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointer.split('/').slice(1)) node = (node as Record<string, unknown> | undefined)?.[token];
  return node;
}
