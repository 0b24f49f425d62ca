// What every check pass receives: the AST with the facts shared by all passes, each built once.
import type { Workflow } from '../../generated/workflow.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Includes } from '../includes.js';
import type { AgentGraph } from './agents.js';
import type { SymbolIndex } from './symbols.js';
import type { WalkResult } from './visits.js';

export interface CheckContext {
  readonly ast: Workflow;
  readonly includes: Includes;
  readonly symbols: SymbolIndex;
  readonly agents: AgentGraph;
  readonly walk: WalkResult;
}

/** A check pass: reads the context, returns its diagnostics in a deterministic order. */
export type CheckPass = (ctx: CheckContext) => Diagnostic[];
