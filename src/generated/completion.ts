/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * Main's output, when it ended ok or unverified.
 */
export type JsonValue = string | number | boolean | null | unknown[] | {};
/**
 * Why main failed, when it did.
 */
export type JsonValue1 = string | number | boolean | null | unknown[] | {};
/**
 * The last verdict on it, when it was judged.
 */
export type JsonValue2 = string | number | boolean | null | unknown[] | {};
/**
 * The handoff's content: attempted, changed, remains, failed, next.
 */
export type JsonValue3 = string | number | boolean | null | unknown[] | {};
/**
 * Any JSON value.
 *
 * This interface was referenced by `CompletionReport`'s JSON-Schema
 * via the `definition` "jsonValue".
 */
export type JsonValue4 = string | number | boolean | null | unknown[] | {};

/**
 * completion.json of a run directory: how the run ended, what it produced, how each task was verified, what each agent handed off and what every process spent. Built from the kernel's state at the end of the run; it names nothing of the machine the run was made on.
 */
export interface CompletionReport {
  format: "aos-completion";
  version: 1;
  workflow: {
    name: string;
    version: string;
  };
  codeHash: string;
  seed: string;
  backend: {
    name: string;
    /**
     * True when no model produced the replies: the run is a scripted one.
     */
    scripted: boolean;
  };
  /**
   * Main's final exit status; unfinished when the run stopped before main ended.
   */
  status: "ok" | "failed" | "killed" | "cancelled" | "unverified" | "unfinished";
  output?: JsonValue;
  /**
   * sha256 of the output's canonical JSON.
   */
  outputHash?: string;
  reason?: JsonValue1;
  /**
   * Lines in events.jsonl.
   */
  events: number;
  /**
   * The hash of the last line.
   */
  head: string;
  tasks: TaskSummary[];
  artifacts: ArtifactSummary[];
  handoffs: HandoffSummary[];
  processes: ProcessSummary[];
}
export interface TaskSummary {
  id: number;
  task: string;
  owner: string;
  state: "open" | "produced" | "verified" | "rejected" | "failed";
  artifacts: number[];
  verdict?: JsonValue2;
}
export interface ArtifactSummary {
  id: number;
  kind: string;
  hash: string;
  size: number;
  producer: string;
  incarnation: number;
  inputs: number[];
  verdicts: {
    by: string;
    passed: boolean;
  }[];
}
export interface HandoffSummary {
  process: string;
  artifact: number;
  handoff: JsonValue3;
}
export interface ProcessSummary {
  name: string;
  kind: "main" | "agent" | "branch";
  incarnations: number;
  status: string;
  /**
   * Model calls it made itself.
   */
  turns: number;
  /**
   * Tokens its own model calls used, as the backend counted them (scripted counts for a scripted run).
   */
  tokens: number;
  /**
   * Virtual milliseconds its budget was charged: the kernel's clock from its spawn to its final exit (a branch shows the account of the process that started it, as for turns and tokens).
   */
  time: number;
  /**
   * Its limits (null: unlimited).
   */
  budget?: {
    turns?: number | null;
    tokens?: number | null;
    time?: number | null;
  } | null;
}
