// What each front end (DSL and JSON) returns: the AST as plain JSON (unvalidated: the schema
// pass comes next), the pointer → span map, and the diagnostics found while parsing.
import type { Diagnostic } from './diagnostics.js';
import type { SourceMap } from './source-map.js';

export interface FrontEndResult {
  /** Undefined when parsing produced nothing usable (for instance, nesting-too-deep). */
  ast: unknown;
  map: SourceMap;
  diagnostics: Diagnostic[];
}

export type SourceKind = 'dsl' | 'json';

export function sourceKindOf(file: string): SourceKind {
  return file.toLowerCase().endsWith('.json') ? 'json' : 'dsl';
}
