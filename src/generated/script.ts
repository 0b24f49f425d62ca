/* Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit. */

/**
 * The reply text. A string is sent as it is; any other JSON value is sent as its JSON text, so a structured reply can be written as JSON rather than as an escaped string. Omitted: empty text.
 */
export type ReplyContent = string | number | boolean | null | unknown[] | {};
/**
 * The arguments: an object is sent as its JSON text; a string is sent verbatim, so a script can send malformed arguments on purpose.
 */
export type ToolCallArguments = {} | string;

/**
 * A script for the scripted model backend (docs/scripts.md): canned model replies, chosen by agent, process, turn and prompt, so a workflow runs offline and the same way every time. For each model call the backend takes the first entry, in file order, that is not used up and whose selectors all fit; an entry without `repeat` is used at most once.
 */
export interface Script {
  format: "aos-script";
  /**
   * The format version; a reader refuses any other.
   */
  version: 1;
  /**
   * What the script is for. Not used by the backend.
   */
  description?: string;
  /**
   * The entries, in the order they are tried.
   */
  responses: ScriptEntry[];
}
/**
 * One canned reply and the calls it answers. Exactly one of `reply` and `error`.
 *
 * This interface was referenced by `Script`'s JSON-Schema
 * via the `definition` "entry".
 */
export interface ScriptEntry {
  /**
   * The agent spec name the call must come from (`writer`, not `writer#2`), or `*` for any agent.
   */
  agent: string;
  /**
   * The exact process name the call must come from (`writer#2`), when two spawns of one agent need different replies.
   */
  process?: string;
  /**
   * The call's turn: 1 for the first model call of the process, 2 for the second, and so on. Counted per process name over the whole run: retries count, restarts do not reset it.
   */
  turn?: number;
  match?: ScriptMatch;
  reply?: ScriptReply;
  error?: ScriptedFailure;
  usage?: ScriptUsage;
  /**
   * true: the entry may answer any number of calls. Otherwise it answers one call and is then used up.
   */
  repeat?: boolean;
}
/**
 * Conditions on the prompt: the content of the last user message of the call. Every condition given must hold; an empty match holds for every prompt.
 *
 * This interface was referenced by `Script`'s JSON-Schema
 * via the `definition` "match".
 */
export interface ScriptMatch {
  /**
   * Text the prompt must contain (case-sensitive).
   */
  contains?: string;
  /**
   * A JavaScript regular expression the prompt must match somewhere (anchor it with ^ and $ to match the whole prompt).
   */
  regex?: string;
  /**
   * Flags for `regex`: i (ignore case), m (^ and $ match at line breaks), s (. matches line breaks), u (unicode). g and y are refused: they make matching depend on earlier matches.
   */
  flags?: string;
}
/**
 * What the model answers.
 *
 * This interface was referenced by `Script`'s JSON-Schema
 * via the `definition` "reply".
 */
export interface ScriptReply {
  content?: ReplyContent;
  /**
   * Tool calls the model makes, in order.
   */
  toolCalls?: ScriptToolCall[];
  /**
   * Why the model stopped. Omitted: `tool_calls` when the reply has tool calls, else `stop`. `length` imitates a reply cut off by the token limit.
   */
  finishReason?: "stop" | "tool_calls" | "length" | "error";
}
/**
 * This interface was referenced by `Script`'s JSON-Schema
 * via the `definition` "toolCall".
 */
export interface ScriptToolCall {
  /**
   * The call id the model gives. Omitted: `call_<turn>_<n>`, n counting the reply's calls from 1.
   */
  id?: string;
  /**
   * The tool's name.
   */
  name: string;
  arguments: ToolCallArguments;
}
/**
 * Instead of a reply, the call fails as a live backend can fail, so retry and failure paths can be tested offline.
 *
 * This interface was referenced by `Script`'s JSON-Schema
 * via the `definition` "failure".
 */
export interface ScriptedFailure {
  /**
   * The failure, as the backend error kind a live backend would raise.
   */
  kind: "unavailable" | "timeout" | "refused" | "bad-request" | "bad-response";
  /**
   * The failure's message. Omitted: a message naming the kind.
   */
  message?: string;
}
/**
 * The token counts to report for the call, labelled as scripted. Omitted: an estimate of one token per four characters, also labelled as scripted.
 *
 * This interface was referenced by `Script`'s JSON-Schema
 * via the `definition` "usage".
 */
export interface ScriptUsage {
  /**
   * Prompt tokens.
   */
  input: number;
  /**
   * Reply tokens.
   */
  output: number;
}
