// Budgets (turns, tokens, time): a child's is carved out of its parent's remainder and held in
// reserve while the child lives, so spawning never multiplies spend (DESIGN.md section 6).
import type { BudgetEntry } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';

/** Limits or amounts; Infinity is unlimited (main). time is in milliseconds of virtual time. */
export interface Budget {
  readonly turns: number;
  readonly tokens: number;
  readonly time: number;
}

export const UNLIMITED: Budget = Object.freeze({ turns: Infinity, tokens: Infinity, time: Infinity });

const FIELDS = ['turns', 'tokens', 'time'] as const;

/** Per field, the declared limit capped by the parent's remainder (the whole remainder when undeclared); never negative. */
export function carveBudget(parentRemaining: Budget, declared: BudgetEntry): Budget {
  const carve = (field: (typeof FIELDS)[number]) => Math.max(0, Math.min(declared[field] ?? parentRemaining[field], parentRemaining[field]));
  return { turns: carve('turns'), tokens: carve('tokens'), time: carve('time') };
}

function assertAmount(value: number, what: string): void {
  if (!(value >= 0)) throw new Error(`budget invariant: ${what} is a non-negative number, got ${value}`);
}

/**
 * One process's budget. Turns and tokens are spent by its own model calls and by its children:
 * a child's grant is reserved when it is spawned and what it did not use is refunded when it
 * ends for good. Time is a deadline shared by the subtree, so children never reserve it.
 *
 * A turn or token limit is exhausted when a charge takes spend past it; spend that reaches a
 * limit exactly is still within it, and `remaining` shows 0, so the kernel starts a model call
 * only while remaining turns and tokens are positive. The time limit is exhausted once the
 * elapsed time reaches it.
 */
export class BudgetAccount {
  private readonly grant: Budget;
  private ownTurns = 0;
  private ownTokens = 0;
  private elapsed = 0;
  /** Turns and tokens granted to children and not refunded: what their subtrees hold or spent. */
  private delegatedTurns = 0;
  private delegatedTokens = 0;

  constructor(limit: Budget) {
    for (const field of FIELDS) assertAmount(limit[field], `limit.${field}`);
    this.grant = { turns: limit.turns, tokens: limit.tokens, time: limit.time };
  }

  get limit(): Budget {
    return this.grant;
  }

  /** This process's own spend: its model calls and the virtual time since it started. */
  get used(): { turns: number; tokens: number; time: number } {
    return { turns: this.ownTurns, tokens: this.ownTokens, time: this.elapsed };
  }

  /** What children hold or spent from this budget (turns and tokens; time is never delegated). */
  get delegated(): { turns: number; tokens: number } {
    return { turns: this.delegatedTurns, tokens: this.delegatedTokens };
  }

  /** What is left for own calls and new children; never negative. An unlimited field stays Infinity. */
  get remaining(): Budget {
    const left = (limit: number, spent: number) => (limit === Infinity ? Infinity : Math.max(0, limit - spent));
    return {
      turns: left(this.grant.turns, this.ownTurns + this.delegatedTurns),
      tokens: left(this.grant.tokens, this.ownTokens + this.delegatedTokens),
      time: left(this.grant.time, this.elapsed),
    };
  }

  /** Records one model call and its token usage; says which limit, if any, the spend has now gone past. */
  chargeTurn(tokens: number): 'ok' | 'turns' | 'tokens' {
    assertAmount(tokens, 'a model call\'s token usage');
    this.ownTurns += 1;
    this.ownTokens += tokens;
    if (this.ownTurns + this.delegatedTurns > this.grant.turns) return 'turns';
    if (this.ownTokens + this.delegatedTokens > this.grant.tokens) return 'tokens';
    return 'ok';
  }

  /** Takes a child's grant from the remainder. The grant comes from carveBudget, so it always fits. */
  reserve(child: Budget): void {
    const remaining = this.remaining;
    for (const field of ['turns', 'tokens'] as const) {
      assertAmount(child[field], `a child's ${field} grant`);
      if (child[field] > remaining[field]) {
        throw new Error(`budget invariant: a child's grant fits in the remainder, but ${field} ${child[field]} > ${remaining[field]}`);
      }
    }
    // An unlimited field has nothing to keep apart, and Infinity - Infinity would poison the sums.
    if (this.grant.turns !== Infinity) this.delegatedTurns += child.turns;
    if (this.grant.tokens !== Infinity) this.delegatedTokens += child.tokens;
  }

  /** Returns what a child that ended for good did not use; its time is ignored. */
  refund(unusedOfChild: Budget): void {
    for (const field of ['turns', 'tokens'] as const) assertAmount(unusedOfChild[field], `a child's unused ${field}`);
    if (this.grant.turns !== Infinity) this.delegatedTurns = this.refunded(this.delegatedTurns, unusedOfChild.turns, 'turns');
    if (this.grant.tokens !== Infinity) this.delegatedTokens = this.refunded(this.delegatedTokens, unusedOfChild.tokens, 'tokens');
  }

  private refunded(delegated: number, unused: number, field: string): number {
    if (unused > delegated) throw new Error(`budget invariant: a refund returns no more than was reserved, but ${field} ${unused} > ${delegated}`);
    return delegated - unused;
  }

  /** Sets the virtual time elapsed since the process started; it never goes back. */
  setElapsed(ms: number): 'ok' | 'time' {
    assertAmount(ms, 'elapsed time');
    if (ms < this.elapsed) throw new Error(`budget invariant: elapsed time never decreases, but ${ms} < ${this.elapsed}`);
    this.elapsed = ms;
    return ms >= this.grant.time ? 'time' : 'ok';
  }
}

const amountJson = (value: number): JsonValue => (value === Infinity ? null : value);

/** The JSON form for events, keys in sorted order; unlimited is null. */
export function budgetJson(b: Budget): JsonValue {
  return { time: amountJson(b.time), tokens: amountJson(b.tokens), turns: amountJson(b.turns) };
}
