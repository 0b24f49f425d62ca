// Lists a kernel record owns that stay empty for most records (a process's children, awaiters and
// subscriptions; a transition's requests and cancels): every empty one is the same frozen NONE, and
// a list is made on its first item. A fan-out of thousands of processes then allocates, and the
// garbage collector copies, none of them.

export const NONE: readonly never[] = Object.freeze([]);

/** The list with the item added at the end: a new list for the first item, else the same one, pushed onto. */
export function appended<T>(list: readonly T[], item: T): readonly T[] {
  if (list === NONE) return [item];
  (list as T[]).push(item);
  return list;
}

/** The list without the first occurrence of item (in place; NONE once empty). */
export function removed<T>(list: readonly T[], item: T): readonly T[] {
  const at = list.indexOf(item);
  if (at < 0) return list;
  if (list.length === 1) return NONE;
  (list as T[]).splice(at, 1);
  return list;
}
