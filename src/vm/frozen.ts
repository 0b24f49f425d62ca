// Values the kernel shares between many records and events (a capability set, a budget limit) are
// deeply frozen: nothing can change one under the records holding it, and the event log keeps one
// canonical text per frozen value instead of writing it again on every line (src/log/event-json.ts).

/** Freezes a JSON value and everything it holds; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
