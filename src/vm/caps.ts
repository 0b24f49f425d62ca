// Capability sets and their order (DESIGN.md section 6): what a process may do, how a child's
// set is cut from its parent's so that it never exceeds it, and how a request is checked.
import type { AgentEntry } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';

/** A capability set; 'all' is the top of a field's order (what main holds). */
export interface Caps {
  /** Agent spec indices it may spawn or call. */
  readonly spawn: ReadonlySet<number> | 'all';
  /** Agent spec indices it may send to. Its parent and its own children are always allowed: that is the kernel's check. */
  readonly send: ReadonlySet<number> | 'all';
  /** Topic patterns: an exact topic, or a prefix ending in '*'. Kept sorted and deduplicated. */
  readonly topics: readonly string[] | 'all';
  /** Tool indices it may run. */
  readonly tools: ReadonlySet<number> | 'all';
  /** Lease resource names, matched exactly. Kept sorted and deduplicated. */
  readonly leases: readonly string[] | 'all';
  readonly signal: 'descendants' | 'any';
}

export type CapRequest =
  | { readonly kind: 'spawn'; readonly agent: number }
  | { readonly kind: 'send'; readonly agent: number }
  | { readonly kind: 'topic'; readonly topic: string }
  | { readonly kind: 'tool'; readonly tool: number }
  | { readonly kind: 'lease'; readonly resource: string }
  | { readonly kind: 'signal'; readonly descendant: boolean };

type IndexSet = ReadonlySet<number> | 'all';
type NameList = readonly string[] | 'all';

export const ALL_CAPS: Caps = Object.freeze({ spawn: 'all', send: 'all', topics: 'all', tools: 'all', leases: 'all', signal: 'any' });

/** Sorted by UTF-16 code units and deduplicated: the one form a name list is kept in. */
function sortedUnique(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

const isPrefixPattern = (pattern: string) => pattern.endsWith('*');

/** 'a.*' matches 'a.b' and 'a.b.c' (any topic starting with 'a.'); '*' matches every topic; any other pattern matches only itself. */
export function topicMatches(pattern: string, topic: string): boolean {
  return isPrefixPattern(pattern) ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}

/**
 * Whether every topic that pattern `narrow` matches is matched by `wide`. Prefix families either
 * nest or are disjoint, so one comparison of stems decides it.
 */
function patternWithin(narrow: string, wide: string): boolean {
  if (!isPrefixPattern(wide)) return narrow === wide;
  const narrowStem = isPrefixPattern(narrow) ? narrow.slice(0, -1) : narrow;
  return narrowStem.startsWith(wide.slice(0, -1));
}

/** Whether a topic list (or 'all') admits a topic or pattern; 'all' and a list holding '*' admit everything. */
function topicsAdmit(topics: NameList, topic: string): boolean {
  return topics === 'all' || topics.some((held) => patternWithin(topic, held));
}

function indexWithin(child: IndexSet, parent: IndexSet): boolean {
  if (parent === 'all') return true;
  if (child === 'all') return false;
  for (const i of child) if (!parent.has(i)) return false;
  return true;
}

function topicsWithin(child: NameList, parent: NameList): boolean {
  if (child === 'all') return topicsAdmit(parent, '*');
  return child.every((pattern) => topicsAdmit(parent, pattern));
}

function leasesWithin(child: NameList, parent: NameList): boolean {
  if (parent === 'all') return true;
  if (child === 'all') return false;
  const held = new Set(parent);
  return child.every((name) => held.has(name));
}

/** The order on capability sets: every field of child is within the same field of parent. */
export function capsWithin(child: Caps, parent: Caps): boolean {
  return (
    indexWithin(child.spawn, parent.spawn) &&
    indexWithin(child.send, parent.send) &&
    topicsWithin(child.topics, parent.topics) &&
    indexWithin(child.tools, parent.tools) &&
    leasesWithin(child.leases, parent.leases) &&
    (child.signal === 'descendants' || parent.signal === 'any')
  );
}

function indexMeet(a: IndexSet, b: IndexSet): IndexSet {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return new Set([...a].filter((i) => b.has(i)));
}

/**
 * For each pair where one pattern lies within the other, the narrower one. Two prefix families
 * nest or are disjoint, and an exact topic is in a family or not, so this is exactly the topics
 * both lists match.
 */
function topicsMeet(a: NameList, b: NameList): NameList {
  if (a === 'all') return b === 'all' ? 'all' : sortedUnique(b);
  if (b === 'all') return sortedUnique(a);
  const meet: string[] = [];
  for (const p of a) {
    for (const q of b) {
      if (patternWithin(p, q)) meet.push(p);
      else if (patternWithin(q, p)) meet.push(q);
    }
  }
  return sortedUnique(meet);
}

function leasesMeet(a: NameList, b: NameList): NameList {
  if (a === 'all') return b === 'all' ? 'all' : sortedUnique(b);
  if (b === 'all') return sortedUnique(a);
  const held = new Set(b);
  return sortedUnique(a.filter((name) => held.has(name)));
}

/** The child's effective set: the greatest set within both its parent's and what it requested. */
export function grantCaps(parent: Caps, requested: Caps): Caps {
  return {
    spawn: indexMeet(parent.spawn, requested.spawn),
    send: indexMeet(parent.send, requested.send),
    topics: topicsMeet(parent.topics, requested.topics),
    tools: indexMeet(parent.tools, requested.tools),
    leases: leasesMeet(parent.leases, requested.leases),
    signal: parent.signal === 'any' && requested.signal === 'any' ? 'any' : 'descendants',
  };
}

/**
 * The capabilities an agent spec declares. A tool in the spec's `tools` is held as well as those
 * in `caps.tools`; an agent in `caps.spawn` may also be sent to, as the checker's
 * capability-not-granted rule promises, so a program the checker accepts is not denied at run time.
 */
export function declaredCaps(agent: AgentEntry): Caps {
  const caps = agent.caps;
  return {
    spawn: new Set(caps.spawn ?? []),
    send: new Set([...(caps.send ?? []), ...(caps.spawn ?? [])]),
    topics: sortedUnique(caps.topics ?? []),
    tools: new Set([...agent.tools, ...(caps.tools ?? [])]),
    leases: sortedUnique(caps.leases ?? []),
    signal: caps.signal ?? 'descendants',
  };
}

const inSet = (set: IndexSet, index: number) => set === 'all' || set.has(index);

/** Whether caps allow one request. A topic request ending in '*' (a subscription pattern) must lie within a held pattern. */
export function allows(caps: Caps, request: CapRequest): boolean {
  switch (request.kind) {
    case 'spawn':
      return inSet(caps.spawn, request.agent);
    case 'send':
      return inSet(caps.send, request.agent);
    case 'topic':
      return topicsAdmit(caps.topics, request.topic);
    case 'tool':
      return inSet(caps.tools, request.tool);
    case 'lease':
      return caps.leases === 'all' || caps.leases.includes(request.resource);
    case 'signal':
      return request.descendant || caps.signal === 'any';
  }
}

const indexJson = (set: IndexSet): JsonValue => (set === 'all' ? 'all' : [...set].sort((a, b) => a - b));
const namesJson = (names: NameList): JsonValue => (names === 'all' ? 'all' : sortedUnique(names));

/** The canonical JSON form for events, keys in sorted order. */
export function capsJson(caps: Caps): JsonValue {
  return {
    leases: namesJson(caps.leases),
    send: indexJson(caps.send),
    signal: caps.signal,
    spawn: indexJson(caps.spawn),
    tools: indexJson(caps.tools),
    topics: namesJson(caps.topics),
  };
}
