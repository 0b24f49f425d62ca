/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * The workflow's name.
 */
export type Name = string;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "name".
 */
export type Name1 = string;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "count".
 */
export type Count = number;
/**
 * Context window in tokens.
 */
export type Count1 = number;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "argvItem".
 */
export type ArgvItem =
  | string
  | {
      param: Name1;
    };
/**
 * For a path parameter: the mount the path must lie in.
 */
export type VirtualPath = string;
/**
 * Milliseconds.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "duration".
 */
export type Duration = number;
/**
 * Bytes of stdout/stderr kept.
 */
export type Count2 = number;
/**
 * A path inside the process's mounts.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "virtualPath".
 */
export type VirtualPath1 = string;
/**
 * Another agent spec this one derives from: same lineage, so it may not verify that spec's work.
 */
export type Name2 = string;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "names".
 */
export type Names = Name1[];
/**
 * A path inside the process's mounts.
 */
export type VirtualPath2 = string;
/**
 * A path inside the process's mounts.
 */
export type VirtualPath3 = string;
/**
 * Agent specs this process may spawn.
 */
export type Names1 = Name1[];
/**
 * Agent specs this process may send to (its parent and children always).
 */
export type Names2 = Name1[];
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "restartType".
 */
export type RestartType = "permanent" | "transient" | "temporary";
/**
 * The supervision policy for this agent's children.
 */
export type Name3 = string;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "statement".
 */
export type Statement =
  | LetStmt
  | SetStmt
  | SpawnStmt
  | CallStmt
  | AskStmt
  | ExecStmt
  | SendStmt
  | RecvStmt
  | PublishStmt
  | SubscribeStmt
  | AwaitStmt
  | SignalStmt
  | AcquireStmt
  | RenewStmt
  | ReleaseStmt
  | SleepStmt
  | CheckpointStmt
  | AttachStmt
  | ReadStmt
  | WriteStmt
  | VerifyStmt
  | IfStmt
  | ParallelStmt
  | LoopStmt
  | ExitStmt
  | FailStmt;
/**
 * A literal scalar, or an object with a kind.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "expr".
 */
export type Expr = string | number | boolean | null | ExprNode;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "exprNode".
 */
export type ExprNode = RefExpr | ListExpr | ObjectExpr | CmpExpr | LogicExpr | NotExpr;
/**
 * An artifact kind whose schema the reply must satisfy.
 */
export type Name4 = string;
/**
 * A variable holding a process, 'parent', or an agent spec name.
 */
export type Name5 = string;
/**
 * A variable holding a lease whose fencing token guards the write.
 */
export type Name6 = string;
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "block".
 */
export type Block1 = Statement[];
/**
 * A variable holding the iteration number, from 1.
 */
export type Name7 = string;
/**
 * A structured agent's program; an agent without one runs the free agent loop.
 */
export type Block = Statement[];
/**
 * Artifact kinds the task consumes.
 */
export type Names3 = Name1[];
/**
 * Artifact kinds the task must produce.
 */
export type Names4 = Name1[];
/**
 * Default restart type for children that declare none.
 */
export type RestartType1 = "permanent" | "transient" | "temporary";
/**
 * Restarts allowed within period before escalation.
 */
export type Count3 = number;

/**
 * An AOS workflow. The JSON form of a workflow is this document; the DSL parses to exactly the same document. Durations are integer milliseconds; sizes are integer bytes.
 */
export interface Workflow {
  workflow: Name;
  /**
   * The workflow's own version, free text (semver recommended).
   */
  version: string;
  models?: ModelDecl[];
  tools?: ToolDecl[];
  artifacts?: ArtifactDecl[];
  agents?: AgentDecl[];
  tasks?: TaskDecl[];
  supervisors?: SupervisorDecl[];
  retries?: RetryDecl[];
  main: MainDecl;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "model".
 */
export interface ModelDecl {
  name: Name1;
  /**
   * The backend's model identifier.
   */
  id: string;
  temperature?: number;
  maxTokens?: Count;
  context?: Count1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "tool".
 */
export interface ToolDecl {
  name: Name1;
  description?: string;
  /**
   * @minItems 1
   */
  argv: [ArgvItem, ...ArgvItem[]];
  params?: ToolParam[];
  timeout?: Duration;
  outputCap?: Count2;
  /**
   * Environment variables passed through (allow-list).
   */
  env?: string[];
  cwd?: VirtualPath1;
  /**
   * Whether running the tool twice for one call does no harm; default true. A resume asks before running a tool declared false again.
   */
  idempotent?: boolean;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "toolParam".
 */
export interface ToolParam {
  name: Name1;
  /**
   * path: inside a mount, resolved through the VFS; enum: one of values; int: a safe integer; string: text that may not start with '-'.
   */
  type: "path" | "enum" | "int" | "string";
  /**
   * The allowed values of an enum parameter.
   */
  values?: string[];
  mount?: VirtualPath;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "artifact".
 */
export interface ArtifactDecl {
  name: Name1;
  /**
   * An inline JSON Schema for the artifact's content.
   */
  schema?: {};
  /**
   * A JSON Schema file, relative to the workflow; inlined at compile time.
   */
  schemaFile?: string;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "agent".
 */
export interface AgentDecl {
  name: Name1;
  extends?: Name2;
  role?: "planner" | "worker" | "evaluator" | "reviewer" | "custom";
  model?: Name1;
  /**
   * The system prompt, inline.
   */
  prompt?: string;
  /**
   * The system prompt from a file relative to the workflow; inlined at compile time.
   */
  promptFile?: string;
  tools?: Names;
  mounts?: Mount[];
  caps?: Capabilities;
  budget?: Budget;
  restart?: RestartType;
  retry?: Name1;
  supervisor?: Name3;
  program?: Block;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "mount".
 */
export interface Mount {
  /**
   * scratch: private rw; shared: rw, visible to every process that mounts it; reference: read-only; overlay: copy-on-write over another mount, committed on task success.
   */
  kind: "scratch" | "shared" | "reference" | "overlay";
  path: VirtualPath2;
  /**
   * For reference and shared mounts: a folder relative to the workflow.
   */
  source?: string;
  over?: VirtualPath3;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "caps".
 */
export interface Capabilities {
  spawn?: Names1;
  send?: Names2;
  /**
   * Topics it may publish and subscribe to; a trailing '*' matches a prefix.
   */
  topics?: string[];
  tools?: Names;
  /**
   * Lease resources it may acquire.
   */
  leases?: string[];
  /**
   * Whom it may signal; descendants by default.
   */
  signal?: "descendants" | "any";
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "budget".
 */
export interface Budget {
  turns?: Count;
  tokens?: Count;
  time?: Duration;
}
/**
 * let NAME = EXPR: declares a variable in the current block.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "letStmt".
 */
export interface LetStmt {
  kind: "let";
  name: Name1;
  value: Expr;
}
/**
 * A variable, then field names: r.speedup is ["r", "speedup"].
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "refExpr".
 */
export interface RefExpr {
  kind: "ref";
  /**
   * @minItems 1
   */
  path: [Name1, ...Name1[]];
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "listExpr".
 */
export interface ListExpr {
  kind: "list";
  items: Expr[];
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "objectExpr".
 */
export interface ObjectExpr {
  kind: "object";
  fields: Field[];
}
export interface Field {
  key: string;
  value: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "cmpExpr".
 */
export interface CmpExpr {
  kind: "cmp";
  op: "==" | "!=" | "<" | "<=" | ">" | ">=";
  left: Expr;
  right: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "logicExpr".
 */
export interface LogicExpr {
  kind: "and" | "or";
  /**
   * @minItems 2
   */
  args: [Expr, Expr, ...Expr[]];
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "notExpr".
 */
export interface NotExpr {
  kind: "not";
  arg: Expr;
}
/**
 * set NAME = EXPR: assigns a variable declared in an enclosing block.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "setStmt".
 */
export interface SetStmt {
  kind: "set";
  name: Name1;
  value: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "spawnStmt".
 */
export interface SpawnStmt {
  kind: "spawn";
  agent: Name1;
  task?: Name1;
  input?: Expr;
  let?: Name1;
  set?: Name1;
}
/**
 * spawn + await: the result is the child's final exit.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "callStmt".
 */
export interface CallStmt {
  kind: "call";
  agent: Name1;
  task?: Name1;
  input?: Expr;
  timeout?: Duration;
  let?: Name1;
  set?: Name1;
}
/**
 * A model call from a structured agent's program.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "askStmt".
 */
export interface AskStmt {
  kind: "ask";
  prompt: string;
  input?: Expr;
  returns?: Name4;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "execStmt".
 */
export interface ExecStmt {
  kind: "exec";
  tool: Name1;
  args?: NamedArg[];
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "namedArg".
 */
export interface NamedArg {
  name: Name1;
  value: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "sendStmt".
 */
export interface SendStmt {
  kind: "send";
  to: Name5;
  value: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "recvStmt".
 */
export interface RecvStmt {
  kind: "recv";
  from?: Name1;
  timeout?: Duration;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "publishStmt".
 */
export interface PublishStmt {
  kind: "publish";
  topic: string;
  value: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "subscribeStmt".
 */
export interface SubscribeStmt {
  kind: "subscribe";
  topic: string;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "awaitStmt".
 */
export interface AwaitStmt {
  kind: "await";
  target: Name1;
  timeout?: Duration;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "signalStmt".
 */
export interface SignalStmt {
  kind: "signal";
  target: Name1;
  op: "kill" | "pause" | "resume" | "cancel";
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "acquireStmt".
 */
export interface AcquireStmt {
  kind: "acquire";
  resource: string;
  ttl?: Duration;
  timeout?: Duration;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "renewStmt".
 */
export interface RenewStmt {
  kind: "renew";
  lease: Name1;
  ttl?: Duration;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "releaseStmt".
 */
export interface ReleaseStmt {
  kind: "release";
  lease: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "sleepStmt".
 */
export interface SleepStmt {
  kind: "sleep";
  duration: Duration;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "checkpointStmt".
 */
export interface CheckpointStmt {
  kind: "checkpoint";
  value?: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "attachStmt".
 */
export interface AttachStmt {
  kind: "attach";
  artifact: Name1;
  value: Expr;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "readStmt".
 */
export interface ReadStmt {
  kind: "read";
  path: VirtualPath1;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "writeStmt".
 */
export interface WriteStmt {
  kind: "write";
  path: VirtualPath1;
  value: Expr;
  lease?: Name6;
}
/**
 * A verification gate: runs the task's declared verification on a produced value and binds the verdict.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "verifyStmt".
 */
export interface VerifyStmt {
  kind: "verify";
  task: Name1;
  value?: Expr;
  let?: Name1;
  set?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "ifStmt".
 */
export interface IfStmt {
  kind: "if";
  cond: Expr;
  then: Block1;
  else?: Block1;
}
/**
 * Each branch runs as a child process; the statement ends when every branch has.
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "parallelStmt".
 */
export interface ParallelStmt {
  kind: "parallel";
  branches: Branch[];
}
export interface Branch {
  body: Block1;
}
/**
 * Runs body at most max times, stopping early once until holds (checked after each iteration).
 *
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "loopStmt".
 */
export interface LoopStmt {
  kind: "loop";
  max?: Count;
  as?: Name7;
  until?: Expr;
  body: Block1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "exitStmt".
 */
export interface ExitStmt {
  kind: "exit";
  value?: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "failStmt".
 */
export interface FailStmt {
  kind: "fail";
  reason: Expr;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "task".
 */
export interface TaskDecl {
  name: Name1;
  owner: Name1;
  description?: string;
  inputs?: Names3;
  produces?: Names4;
  verify?: Verification;
  retry?: Name1;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "verification".
 */
export interface Verification {
  agent?: Name1;
  tool?: Name1;
  args?: NamedArg[];
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "supervisor".
 */
export interface SupervisorDecl {
  name: Name1;
  strategy: "one_for_one" | "one_for_all" | "rest_for_one";
  restart?: RestartType1;
  intensity?: Count3;
  period?: Duration;
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "retry".
 */
export interface RetryDecl {
  name: Name1;
  attempts: Count;
  backoff?: Duration;
  factor?: Count;
  maxBackoff?: Duration;
  on?: ("malformed_output" | "tool_failure" | "timeout" | "rejected" | "crash")[];
}
/**
 * This interface was referenced by `Workflow`'s JSON-Schema
 * via the `definition` "main".
 */
export interface MainDecl {
  supervisor?: Name1;
  body: Block1;
}
