// The DSL front end: text → tokens → pre-scan → CST → AST (the JSON form) with its source map.
// Syntax errors come back as diagnostics, several per file; nothing here throws on bad input.
import type { FrontEndResult } from '../front-end.js';
import { SourceMap } from '../source-map.js';
import { AstBuilder } from './builder.js';
import type { FileCstNode } from './cst.generated.js';
import { lex } from './lexer.js';
import { parseTokens } from './parser.js';
import { prescan } from './prescan.js';
import { lexingDiagnostics, parserDiagnostics } from './syntax-errors.js';
import { buildWorkflow } from './to-ast.js';

export function parseDsl(text: string, file: string): FrontEndResult {
  const map = new SourceMap(file, text);
  const { tokens, errors } = lex(text);
  const diagnostics = lexingDiagnostics(errors, map);
  const scan = prescan(tokens, map);
  diagnostics.push(...scan.diagnostics);
  if (scan.tooDeep) return { ast: undefined, map, diagnostics };
  const parsed = parseTokens(tokens);
  diagnostics.push(...parserDiagnostics(parsed.errors, map));
  const builder = new AstBuilder(map);
  const ast = buildWorkflow(builder, parsed.cst as FileCstNode);
  diagnostics.push(...builder.diagnostics);
  return { ast, map, diagnostics };
}
