// The DSL front end: text → tokens → pre-scan → CST → AST (the JSON form) with its source map.
// Syntax errors come back as diagnostics, several per file; nothing here throws on bad input.
import type { FrontEndResult } from '../front-end.js';
import { SourceMap } from '../source-map.js';
import { AstBuilder } from './builder.js';
import type { FileCstNode } from './cst.generated.js';
import { lex } from './lexer.js';
import { parseDeclaration, parseTokens } from './parser.js';
import { prescan } from './prescan.js';
import { lexingDiagnostics, parserDiagnostics } from './syntax-errors.js';
import { WorkflowAssembler, type DeclarationNode } from './to-ast.js';

export function parseDsl(text: string, file: string): FrontEndResult {
  const map = new SourceMap(file, text);
  const { tokens, errors } = lex(text);
  const diagnostics = lexingDiagnostics(errors, map);
  const scan = prescan(tokens, map);
  diagnostics.push(...scan.diagnostics);
  if (scan.tooDeep) return { ast: undefined, map, diagnostics };
  // The header is parsed with the first declaration, then each further top-level declaration on
  // its own and built at once: its parse tree dies young instead of living for the whole file.
  const starts = scan.declarations;
  const headEnd = starts[1] ?? tokens.length;
  const builder = new AstBuilder(map);
  const head = parseTokens(tokens.slice(0, headEnd), tokens[headEnd]);
  diagnostics.push(...parserDiagnostics(head.errors, map));
  const assembler = new WorkflowAssembler(builder, head.cst as FileCstNode);
  for (let k = 1; k < starts.length; k++) {
    const end = starts[k + 1] ?? tokens.length;
    const parsed = parseDeclaration(tokens, starts[k] as number, end);
    diagnostics.push(...parserDiagnostics(parsed.errors, map));
    assembler.add(parsed.cst as DeclarationNode);
  }
  diagnostics.push(...builder.diagnostics);
  return { ast: assembler.finish(), map, diagnostics };
}
