// The error classes every layer shares. An error a user sees is an AosError with a stable `code`
// (for the CLI's exit status and for tools; wording may change, codes do not). A broken invariant
// is a bug in AOS, never the user's input: `assert` throws InvariantError, and stays on in
// production paths.

/** An error a user sees: a stable code, and a message that names the problem and where it is. */
export class AosError extends Error {
  constructor(
    /** Stable and machine-readable, e.g. `run-dir.damaged`; the message may change, this does not. */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A broken invariant: a bug in AOS, not a problem with the input. */
export class InvariantError extends AosError {
  constructor(message: string) {
    super('invariant', `invariant broken: ${message}`);
  }
}

/**
 * Throws InvariantError(message) unless condition holds. Pass a function for a message that costs
 * something to build: it is called only when the assertion fails.
 */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof message === 'string' ? message : message());
}
