import { generateWorkload, WORKLOAD_SEED } from './workload.mjs';
const { lex } = await import('../dist/compiler/dsl/lexer.js');
const { parseTokens } = await import('../dist/compiler/dsl/parser.js');
const { prescan } = await import('../dist/compiler/dsl/prescan.js');
const { AstBuilder } = await import('../dist/compiler/dsl/builder.js');
const { buildWorkflow } = await import('../dist/compiler/dsl/to-ast.js');
const { SourceMap } = await import('../dist/compiler/source-map.js');
const text = generateWorkload({ lines: 100000, seed: WORKLOAD_SEED });
for (let r = 0; r < 6; r++) {
  const t0 = performance.now(); const { tokens } = lex(text);
  const t1 = performance.now(); const map = new SourceMap('b', text); prescan(tokens, map);
  const t2 = performance.now(); const p = parseTokens(tokens);
  const t3 = performance.now(); const b = new AstBuilder(map); buildWorkflow(b, p.cst);
  const t4 = performance.now();
  console.log(`lex ${(t1-t0).toFixed(0)} (${tokens.length} tokens) prescan ${(t2-t1).toFixed(0)} parse ${(t3-t2).toFixed(0)} build ${(t4-t3).toFixed(0)} map ${map.size}`);
}
