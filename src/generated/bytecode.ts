/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * Any JSON value.
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "jsonValue".
 */
export type JsonValue = string | number | boolean | null | unknown[] | {};
/**
 * A literal argument, or the value of the tool parameter at this index.
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "argvEntry".
 */
export type ArgvEntry =
  | string
  | {
      param: OptionalIndex;
    };
/**
 * A position in a table of `code`, or -1 for none.
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "optionalIndex".
 */
export type OptionalIndex = number;
/**
 * Constant index of the JSON Schema of the tool's arguments, built from its params.
 */
export type Index = number;
/**
 * A position in a table of `code`, or -1 for none.
 */
export type OptionalIndex1 = number;
/**
 * A position in a table of `code`, or -1 for none.
 */
export type OptionalIndex2 = number;
/**
 * A position in a table of `code`.
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "index".
 */
export type Index1 = number;
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "indices".
 */
export type Indices = Index1[];
/**
 * Agent indices.
 */
export type Indices1 = Index1[];
/**
 * Agent indices.
 */
export type Indices2 = Index1[];
/**
 * Tool indices.
 */
export type Indices3 = Index1[];
/**
 * A position in a table of `code`, or -1 for none.
 */
export type OptionalIndex3 = number;
/**
 * A position in a table of `code`, or -1 for none.
 */
export type OptionalIndex4 = number;
/**
 * Artifact indices.
 */
export type Indices4 = Index1[];
/**
 * Artifact indices.
 */
export type Indices5 = Index1[];
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "verification".
 */
export type VerifyEntry =
  | {
      agent: Index1;
    }
  | {
      tool: Index1;
      args: Index2;
    };
/**
 * A position in a table of `code`.
 */
export type Index2 = number;
/**
 * @minItems 2
 * @maxItems 2
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "slotPair".
 */
export type SlotPair = [number, number];
/**
 * [opcode, ...operands], as src/bytecode/opcodes.ts defines them.
 *
 * @minItems 1
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "instruction".
 */
export type Instruction = [number, ...number[]];
/**
 * A position in a table of `code`.
 */
export type Index3 = number;
/**
 * A position in a table of `code`, or -1 for none.
 */
export type OptionalIndex5 = number;
/**
 * @minItems 2
 * @maxItems 2
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "sourcePosition".
 */
export type SourcePosition = [number, number];

/**
 * A compiled AOS workflow (.aosb.json). `code` is everything the kernel runs, with every name resolved to a table index and every included file inlined into the constant pool; `codeHash` is the sha256 of its RFC 8785 canonical JSON. `debug` maps instructions back to source and lies outside the hash, so the DSL and JSON forms of one workflow share one code hash. An index of -1 means none.
 */
export interface Bytecode {
  format: "aos-bytecode";
  /**
   * The format version; a reader refuses any other.
   */
  version: 1;
  workflow: WorkflowId;
  /**
   * sha256 (hex) of the canonical JSON of `code`.
   */
  codeHash: string;
  code: Code;
  debug: DebugInfo;
}
export interface WorkflowId {
  name: string;
  version: string;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "code".
 */
export interface Code {
  /**
   * The constant pool: each distinct value (by canonical JSON) once, in order of first use.
   */
  constants: JsonValue[];
  models: ModelEntry[];
  tools: ToolEntry[];
  artifacts: ArtifactEntry[];
  agents: AgentEntry[];
  tasks: TaskEntry[];
  supervisors: SupervisorEntry[];
  retries: RetryEntry[];
  procedures: Procedure[];
  entry: Index3;
  mainSupervisor: OptionalIndex5;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "model".
 */
export interface ModelEntry {
  name: string;
  id: string;
  temperature?: number;
  maxTokens?: number;
  context?: number;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "tool".
 */
export interface ToolEntry {
  name: string;
  description?: string;
  argv: ArgvEntry[];
  params: ToolParamEntry[];
  /**
   * Milliseconds; absent: the kernel's default.
   */
  timeout?: number;
  /**
   * Bytes; absent: the kernel's default.
   */
  outputCap?: number;
  env: string[];
  cwd?: string;
  /**
   * Present only when the tool was declared not idempotent: a resume does not run it again unasked.
   */
  idempotent?: false;
  argsSchema: Index;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "toolParam".
 */
export interface ToolParamEntry {
  name: string;
  type: "path" | "enum" | "int" | "string";
  values?: string[];
  mount?: string;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "artifact".
 */
export interface ArtifactEntry {
  name: string;
  schema: OptionalIndex1;
}
/**
 * An agent spec with `extends` applied: a property the spec leaves out comes from the spec it extends (prompt and prompt file count as one property; caps and budget merge field by field).
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "agent".
 */
export interface AgentEntry {
  name: string;
  /**
   * The root spec of the extends chain (the spec itself when it extends none).
   */
  lineage: string;
  role?: "planner" | "worker" | "evaluator" | "reviewer" | "custom";
  model: OptionalIndex;
  prompt: OptionalIndex2;
  tools: Indices;
  mounts: MountEntry[];
  caps: CapsEntry;
  budget: BudgetEntry;
  restart?: "permanent" | "transient" | "temporary";
  retry: OptionalIndex;
  supervisor: OptionalIndex3;
  procedure: OptionalIndex4;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "mount".
 */
export interface MountEntry {
  kind: "scratch" | "shared" | "reference" | "overlay";
  path: string;
  source?: string;
  over?: string;
}
/**
 * Capabilities as declared; absent fields were not declared.
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "caps".
 */
export interface CapsEntry {
  spawn?: Indices1;
  send?: Indices2;
  topics?: string[];
  tools?: Indices3;
  leases?: string[];
  signal?: "descendants" | "any";
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "budget".
 */
export interface BudgetEntry {
  turns?: number;
  tokens?: number;
  /**
   * Milliseconds.
   */
  time?: number;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "task".
 */
export interface TaskEntry {
  name: string;
  owner: OptionalIndex;
  description?: string;
  inputs: Indices4;
  produces: Indices5;
  verify?: VerifyEntry;
  retry: OptionalIndex;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "supervisor".
 */
export interface SupervisorEntry {
  name: string;
  strategy: "one_for_one" | "one_for_all" | "rest_for_one";
  restart?: "permanent" | "transient" | "temporary";
  intensity?: number;
  /**
   * Milliseconds.
   */
  period?: number;
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "retry".
 */
export interface RetryEntry {
  name: string;
  attempts: number;
  /**
   * Milliseconds.
   */
  backoff?: number;
  factor?: number;
  /**
   * Milliseconds.
   */
  maxBackoff?: number;
  on: ("malformed_output" | "tool_failure" | "timeout" | "rejected" | "crash")[];
}
/**
 * One body of code with its own numbered local slots: main, a structured agent's program, or a parallel branch (run as a child process).
 *
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "procedure".
 */
export interface Procedure {
  name: string;
  kind: "main" | "agent" | "branch";
  /**
   * For main and agent programs: how many leading slots the kernel fills when the process starts (PROGRAM_PARAMS in src/bytecode/format.ts).
   */
  params?: number;
  slots: number;
  /**
   * One per slot: the variable's name, or a name starting with '$' for a hidden slot.
   */
  slotNames: string[];
  /**
   * For a branch: [outerSlot, innerSlot] pairs, copied from the enclosing procedure when the branch starts.
   */
  captures: SlotPair[];
  /**
   * For a branch: [innerSlot, outerSlot] pairs for enclosing variables the branch assigns with `set`, copied back when every branch has ended, in branch order.
   */
  writes: SlotPair[];
  code: Instruction[];
}
/**
 * This interface was referenced by `Bytecode`'s JSON-Schema
 * via the `definition` "debug".
 */
export interface DebugInfo {
  file: string;
  procedures: ProcedureDebug[];
}
export interface ProcedureDebug {
  /**
   * One [line, col] per instruction (1-based; 0 when unknown).
   */
  lines: SourcePosition[];
}
