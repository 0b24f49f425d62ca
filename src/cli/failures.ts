// How aosc and aos end on an error, decided here and nowhere else: an AosError's code gives the
// exit status and its message the line printed; any other error is a bug in AOS, printed with its
// stack. docs/errors.md is the table of codes.
import { CommanderError } from 'commander';
import { AosError } from '../bytecode/errors.js';

/** The exit statuses of aosc and aos. aosc never refuses, and `aos run` never gets 4. */
export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3, refused: 4 } as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/**
 * The status of a whole code, else of its family (the code up to its first dot).
 * usage (2): how the command was called — a file, an option, a backend or signing setting, a script, a run
 * directory already taken, a build without its worker modules, a golden source's signals file.
 * problems (1): what the command was given or found is wrong — a damaged or locked run, one that
 * cannot be resumed or written, a divergence, bytecode that does not read, a failed backend call,
 * file, workspace or worker thread, a golden source that cannot be recorded. refused (4): a run
 * this build does not replay at all. internal (3): a bug in AOS — a broken invariant, a writer
 * called out of order.
 */
const STATUS = new Map<string, ExitStatus>([
  ['usage', EXIT.usage],
  ['backend-config', EXIT.usage],
  ['script', EXIT.usage],
  ['signing-key', EXIT.usage],
  ['run-dir.exists', EXIT.usage],
  ['run-dir', EXIT.problems],
  ['run-lock', EXIT.problems],
  ['resume', EXIT.problems],
  ['bytecode', EXIT.problems],
  ['dsl-print', EXIT.problems],
  ['backend', EXIT.problems],
  ['file', EXIT.problems],
  ['workspace', EXIT.problems],
  ['thread.missing', EXIT.usage],
  ['thread', EXIT.problems],
  ['golden.signals', EXIT.usage],
  ['golden', EXIT.problems],
  ['replay.diverged', EXIT.problems],
  ['replay', EXIT.refused],
  ['run-log', EXIT.internal],
  ['invariant', EXIT.internal],
  ['sim', EXIT.internal],
]);

/** The exit status of an error code; undefined when no entry covers it (the CLI then treats it as internal). */
export function statusOf(code: string): ExitStatus | undefined {
  const dot = code.indexOf('.');
  return STATUS.get(code) ?? (dot < 0 ? undefined : STATUS.get(code.slice(0, dot)));
}

export interface Failure {
  readonly status: ExitStatus;
  /** What goes to stderr: empty when commander has printed its own message. */
  readonly text: string;
}

/**
 * How `command` (`aosc`, `aos resume`, …) ends on `error`: `<command>: <message>` and the code's
 * status; a message of several lines (a script's problems) keeps them, indented under the first.
 */
export function failure(command: string, error: unknown): Failure {
  if (error instanceof CommanderError) return { status: error.exitCode === 0 ? EXIT.ok : EXIT.usage, text: '' };
  if (error instanceof AosError) {
    const status = statusOf(error.code);
    if (status !== undefined && status !== EXIT.internal) return { status, text: `${command}: ${error.message.replaceAll('\n', '\n  ')}\n` };
  }
  return { status: EXIT.internal, text: `${command}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` };
}

/** Prints how `command` ends on `error` to `err` and returns its exit status. */
export function endOnError(command: string, error: unknown, err: (text: string) => void): ExitStatus {
  const ended = failure(command, error);
  if (ended.text !== '') err(ended.text);
  return ended.status;
}
