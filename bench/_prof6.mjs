import { generateWorkload, WORKLOAD_SEED } from './workload.mjs';
const { lex } = await import('../dist/compiler/dsl/lexer.js');
const { parseTokens } = await import('../dist/compiler/dsl/parser.js');
const { AstBuilder } = await import('../dist/compiler/dsl/builder.js');
const { buildWorkflow } = await import('../dist/compiler/dsl/to-ast.js');
const { SourceMap } = await import('../dist/compiler/source-map.js');
const text = generateWorkload({ lines: 100000, seed: WORKLOAD_SEED });
const { tokens } = lex(text); const p = parseTokens(tokens);
for (let r = 0; r < 10; r++) { const t3 = performance.now(); const b = new AstBuilder(new SourceMap('b', text)); buildWorkflow(b, p.cst); console.log((performance.now()-t3).toFixed(0)); }
