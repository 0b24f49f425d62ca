// The bytecode document's types (generated from schemas/bytecode.schema.json) and the few
// constants the compiler and the kernel must agree on beyond the opcode table.
export type {
  Bytecode,
  Code,
  Procedure,
  Instruction,
  JsonValue,
  ModelEntry,
  ToolEntry,
  ToolParamEntry,
  ArgvEntry,
  ArtifactEntry,
  AgentEntry,
  MountEntry,
  CapsEntry,
  BudgetEntry,
  TaskEntry,
  VerifyEntry,
  SupervisorEntry,
  RetryEntry,
  DebugInfo,
  ProcedureDebug,
  SourcePosition,
} from '../generated/bytecode.js';
export { BYTECODE_FORMAT, BYTECODE_VERSION } from './opcodes.js';

/**
 * The variables main and every agent program start with, in their first slots, filled by the
 * kernel when the process starts: `input` is the run's input for main, and for an agent the
 * value given with `spawn … with` / `call … with` (null without one). A branch has none: it
 * starts with its captures.
 */
export const PROGRAM_PARAMS = ['input'] as const;

/** The name of the procedure `main` compiles to. */
export const MAIN_PROCEDURE = 'main';
