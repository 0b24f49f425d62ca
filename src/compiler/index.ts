// The compiler's facade: source text in, diagnostics and bytecode out. Both front ends meet in
// one AST, which goes through one schema, one set of checks and one emitter (DESIGN.md section 1).
import type { Workflow } from '../generated/workflow.js';
import type { Bytecode } from '../bytecode/format.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { sourceKindOf, type FrontEndResult } from './front-end.js';
import { parseDsl } from './dsl/index.js';
import { parseJsonWorkflow } from './json/index.js';
import { validateSchema } from './schema.js';
import { runChecks } from './checks/index.js';
import { loadIncludes, type CompileHost, type Includes } from './includes.js';
import { emit } from './emit.js';
import { SourceMap } from './source-map.js';
import { decodeSource } from './decode.js';

export type { CompileHost } from './includes.js';
export type { Diagnostic } from './diagnostics.js';

export interface CheckResult {
  file: string;
  /** The decoded source text (BOM removed), for rendering diagnostics. */
  text: string;
  /** Present when the AST passed the schema. */
  ast?: Workflow;
  map: SourceMap;
  includes: Includes;
  diagnostics: Diagnostic[];
}

export interface CompileResult extends CheckResult {
  /** Present when there were no errors. */
  bytecode?: Bytecode;
}

/** Parses source text with the front end its file name selects. */
export function parseSource(text: string, file: string): FrontEndResult {
  return sourceKindOf(file) === 'json' ? parseJsonWorkflow(text, file) : parseDsl(text, file);
}

function locate(diagnostics: Diagnostic[], map: SourceMap): Diagnostic[] {
  for (const d of diagnostics) {
    d.file ??= map.file;
    d.span ??= map.locate(d.pointer, d.atKey);
    for (const h of d.hints) if (h.pointer !== undefined && !h.span) h.span = map.locate(h.pointer);
  }
  return sortDiagnostics(diagnostics);
}

/** Parses, validates and checks one workflow. Bytes are decoded as UTF-8; invalid bytes are a diagnostic. */
export function checkSource(source: string | Uint8Array, file: string, host: CompileHost): CheckResult {
  const decoded = decodeSource(source, file);
  if (decoded.diagnostics.length > 0) {
    const map = new SourceMap(file, decoded.text);
    return { file, text: decoded.text, map, includes: new Map(), diagnostics: locate(decoded.diagnostics, map) };
  }
  const front = parseSource(decoded.text, file);
  const diagnostics = [...front.diagnostics];
  let ast: Workflow | undefined;
  let includes: Includes = new Map();
  if (front.ast !== undefined && !hasErrors(front.diagnostics)) {
    const schemaDiagnostics = validateSchema(front.ast);
    diagnostics.push(...schemaDiagnostics);
    if (schemaDiagnostics.length === 0) {
      ast = front.ast as Workflow;
      const loaded = loadIncludes(ast, host);
      includes = loaded.includes;
      diagnostics.push(...loaded.diagnostics);
      diagnostics.push(...runChecks(ast, includes));
    }
  }
  const result: CheckResult = { file, text: decoded.text, map: front.map, includes, diagnostics: locate(diagnostics, front.map) };
  if (ast) result.ast = ast;
  return result;
}

/** checkSource, then emit bytecode when there are no errors. */
export function compileSource(source: string | Uint8Array, file: string, host: CompileHost): CompileResult {
  const checked: CompileResult = checkSource(source, file, host);
  if (checked.ast && !hasErrors(checked.diagnostics)) {
    checked.bytecode = emit(checked.ast, { includes: checked.includes, map: checked.map });
  }
  return checked;
}
