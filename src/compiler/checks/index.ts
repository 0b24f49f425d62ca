// The semantic checks: builds the shared facts once (symbol index, agents after extends, one
// walk of every program), then runs each pass in a fixed order. nesting-too-deep comes first;
// the walk has already hidden the too-deep subtrees from the passes after it.
import type { Workflow } from '../../generated/workflow.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Includes } from '../includes.js';
import { buildAgentGraph } from './agents.js';
import { checkArguments } from './arguments.js';
import { checkArtifactSchemas } from './artifact-schemas.js';
import { checkAskOutsideAgent } from './ask.js';
import { checkMayBlockForever } from './blocking.js';
import { checkBudgetValues } from './bounds.js';
import { checkBudgetsPresent } from './budgets.js';
import type { CheckContext, CheckPass } from './context.js';
import { checkDuplicates } from './duplicates.js';
import { checkEscalation } from './escalation.js';
import { checkExtendsCycles } from './extends-cycle.js';
import { checkGranted } from './granted.js';
import { checkLoops } from './loops.js';
import { checkMounts } from './mounts.js';
import { checkNesting } from './nesting.js';
import { checkParallelWrites } from './parallel-writes.js';
import { checkPaths } from './paths.js';
import { checkPlaceholderOptions } from './placeholder-option.js';
import { checkToolPlaceholders } from './placeholders.js';
import { checkReferences } from './references.js';
import { buildSymbolIndex } from './symbols.js';
import { checkTopics } from './topics.js';
import { checkUnreachable } from './unreachable.js';
import { checkUnused } from './unused.js';
import { checkVariables } from './variables.js';
import { checkVerification } from './verification.js';
import { walkPrograms } from './walk.js';

export const PASSES: readonly CheckPass[] = [
  checkNesting,
  checkDuplicates,
  checkReferences,
  checkVariables,
  checkExtendsCycles,
  checkUnreachable,
  checkLoops,
  checkAskOutsideAgent,
  checkEscalation,
  checkGranted,
  checkVerification,
  checkMounts,
  checkPaths,
  checkToolPlaceholders,
  checkPlaceholderOptions,
  checkArguments,
  checkBudgetsPresent,
  checkBudgetValues,
  checkParallelWrites,
  checkMayBlockForever,
  checkTopics,
  checkUnused,
  checkArtifactSchemas,
];

export function buildContext(ast: Workflow, includes: Includes): CheckContext {
  const symbols = buildSymbolIndex(ast);
  const agents = buildAgentGraph(ast, symbols);
  return { ast, includes, symbols, agents, walk: walkPrograms(ast, symbols, agents) };
}

/** Runs every check on a schema-valid AST. The order of the result is deterministic. */
export function runChecks(ast: Workflow, includes: Includes): Diagnostic[] {
  const ctx = buildContext(ast, includes);
  return PASSES.flatMap((pass) => pass(ctx));
}
