/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * The built-in tools every free agent is offered, besides the exec tools it holds: the arguments of each, as the model must send them. Each call is a syscall, checked against the agent's capabilities and mounts like any other.
 */
export interface AgentTools {
  finish?: FinishArgs;
  fail?: FailArgs;
  read_file?: ReadFileArgs;
  write_file?: WriteFileArgs;
  send_message?: SendMessageArgs;
  spawn_agent?: SpawnAgentArgs;
  await_agent?: AwaitAgentArgs;
  attach_artifact?: AttachArtifactArgs;
}
/**
 * Ends the task: the output is the agent's result, the handoff says what was done and what is left.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "finish".
 */
export interface FinishArgs {
  /**
   * The result the task asked for.
   */
  output: {
    [k: string]: unknown | undefined;
  };
  handoff: Handoff;
}
/**
 * What an agent leaves for whoever continues its work: a restarted incarnation of itself, the next round, or its coordinator.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "handoff".
 */
export interface Handoff {
  /**
   * What was tried, in order.
   */
  attempted: string[];
  /**
   * Files written or changed (virtual paths).
   */
  changed: string[];
  /**
   * Work the task still needs.
   */
  remains: string[];
  /**
   * What was tried and did not work, with the reason.
   */
  failed: string[];
  /**
   * The single most useful next step.
   */
  next: string;
}
/**
 * Gives the task up, saying why; the agent's supervisor and retry policy decide what happens next.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "fail".
 */
export interface FailArgs {
  reason: string;
}
/**
 * Reads a text file at a virtual path inside one of the agent's mounts.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "read_file".
 */
export interface ReadFileArgs {
  path: string;
}
/**
 * Writes a text file at a virtual path inside one of the agent's writable mounts, replacing it.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "write_file".
 */
export interface WriteFileArgs {
  path: string;
  content: string;
}
/**
 * Sends a message to a process: "parent", a child's handle from spawn_agent, or the name of a process the agent may message.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "send_message".
 */
export interface SendMessageArgs {
  to: string;
  message: unknown;
}
/**
 * Starts an agent the agent may spawn, optionally with a task and an input; returns its process name, for await_agent.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "spawn_agent".
 */
export interface SpawnAgentArgs {
  agent: string;
  task?: string;
  input?: unknown;
}
/**
 * Waits for a process the agent spawned to end for good and returns its exit: status and output.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "await_agent".
 */
export interface AwaitAgentArgs {
  process: string;
}
/**
 * Records a value as an artifact of a declared kind (checked against its schema); returns the artifact's record.
 *
 * This interface was referenced by `AgentTools`'s JSON-Schema
 * via the `definition` "attach_artifact".
 */
export interface AttachArtifactArgs {
  kind: string;
  value: unknown;
}
