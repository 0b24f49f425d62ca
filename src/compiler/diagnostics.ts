// Diagnostics are data: a rule, a severity, a message, structured params and a JSON pointer
// into the AST. Turning a pointer into file:line:col is the front end's source map's job, and
// rendering (text or JSON) is a separate step (render.ts).
import { RULES, type RuleId, type Severity } from './rules.js';

export type { Severity } from './rules.js';

/** 1-based line and column (columns count UTF-16 code units), 0-based offset. */
export interface Position {
  line: number;
  col: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

export interface Hint {
  message: string;
  /** An optional pointer (or span, once located) the hint refers to, e.g. the declaration meant. */
  pointer?: string;
  span?: Span;
}

export interface Diagnostic {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** JSON pointer into the AST ('' is the root). Front-end errors that have no AST node use ''. */
  pointer: string;
  /** Whether the pointer names a property key rather than its value (unknown properties). */
  atKey?: boolean;
  /** Filled by locate(): the source span of the pointer. */
  span?: Span;
  file?: string;
  hints: Hint[];
  params?: Record<string, unknown>;
}

export interface DiagnosticInit {
  message: string;
  pointer: string;
  atKey?: boolean;
  span?: Span;
  hints?: Hint[];
  params?: Record<string, unknown>;
  severity?: Severity;
}

/** Builds a diagnostic with the rule's default severity. */
export function diagnostic(rule: RuleId, init: DiagnosticInit): Diagnostic {
  const d: Diagnostic = {
    rule,
    severity: init.severity ?? RULES[rule].severity,
    message: init.message,
    pointer: init.pointer,
    hints: init.hints ?? [],
  };
  if (init.atKey) d.atKey = true;
  if (init.span) d.span = init.span;
  if (init.params) d.params = init.params;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by position, then rule, then message: output is deterministic. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => {
    const ao = a.span?.start.offset ?? -1;
    const bo = b.span?.start.offset ?? -1;
    if (ao !== bo) return ao - bo;
    if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
    if (a.message !== b.message) return a.message < b.message ? -1 : 1;
    return 0;
  });
}
