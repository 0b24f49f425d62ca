// A set of topic patterns: a pattern ending in '*' matches every topic with that prefix; any
// other pattern matches itself. Lookups try only the prefix lengths the set holds, never every pattern.

export class TopicSet {
  private readonly literals = new Set<string>();
  private readonly prefixes = new Set<string>();
  private readonly prefixLengths: number[] = [];

  constructor(patterns: Iterable<string>) {
    const lengths = new Set<number>();
    for (const p of patterns) {
      if (p.endsWith('*')) {
        this.prefixes.add(p.slice(0, -1));
        lengths.add(p.length - 1);
      } else {
        this.literals.add(p);
      }
    }
    this.prefixLengths = [...lengths].sort((a, b) => a - b);
  }

  /** Whether every topic that topic matches (itself, or its prefix family) is matched by the set. */
  covers(topic: string): boolean {
    const isPattern = topic.endsWith('*');
    const stem = isPattern ? topic.slice(0, -1) : topic;
    if (!isPattern && this.literals.has(topic)) return true;
    for (const n of this.prefixLengths) {
      if (n > stem.length) break;
      if (this.prefixes.has(stem.slice(0, n))) return true;
    }
    return false;
  }
}
