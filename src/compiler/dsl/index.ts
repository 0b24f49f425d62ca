// The DSL front end: text → tokens → pre-scan → CST → AST (the JSON form) with its source map.
// Syntax errors come back as diagnostics, several per file; nothing here throws on bad input.
import type { FrontEndResult } from '../front-end.js';
import { SourceMap } from '../source-map.js';
import { AstBuilder } from './builder.js';
import type { DeclarationsCstNode, FileCstNode } from './cst.generated.js';
import { lex } from './lexer.js';
import { parseDeclarations, parseTokens } from './parser.js';
import { prescan } from './prescan.js';
import { lexingDiagnostics, parserDiagnostics } from './syntax-errors.js';
import { WorkflowAssembler } from './to-ast.js';

/** Tokens per part, at least: parts are whole declarations, so small files are parsed in one. */
const PART_TOKENS = 4096;

/** Where each part after the first begins: declaration starts, at least PART_TOKENS apart. */
function partStarts(declarations: readonly number[]): number[] {
  const starts: number[] = [];
  let last = 0;
  for (const d of declarations) {
    if (d - last >= PART_TOKENS) {
      starts.push(d);
      last = d;
    }
  }
  return starts;
}

export function parseDsl(text: string, file: string): FrontEndResult {
  const map = new SourceMap(file, text);
  const { tokens, errors } = lex(text);
  const diagnostics = lexingDiagnostics(errors, map);
  const scan = prescan(tokens, map);
  diagnostics.push(...scan.diagnostics);
  if (scan.tooDeep) return { ast: undefined, map, diagnostics };
  // A large file is parsed in parts of whole top-level declarations, each built into the AST
  // at once, so a part's parse tree dies young instead of living as long as the whole file's.
  const parts = partStarts(scan.declarations);
  const builder = new AstBuilder(map);
  const head = parseTokens(tokens.slice(0, parts[0] ?? tokens.length), tokens[parts[0] ?? tokens.length]);
  diagnostics.push(...parserDiagnostics(head.errors, map));
  const assembler = new WorkflowAssembler(builder, head.cst as FileCstNode);
  for (let k = 0; k < parts.length; k++) {
    const parsed = parseDeclarations(tokens, parts[k] as number, parts[k + 1] ?? tokens.length);
    diagnostics.push(...parserDiagnostics(parsed.errors, map));
    assembler.addAll((parsed.cst as DeclarationsCstNode).children);
  }
  diagnostics.push(...builder.diagnostics);
  return { ast: assembler.finish(), map, diagnostics };
}
