// Budgets (turns, tokens, time): a child's is carved out of its parent's remainder and held in
// reserve while the child lives, so spawning never multiplies spend (DESIGN.md section 6).
import { assert } from '../bytecode/errors.js';
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

/** The declared limit capped by the remainder (the whole remainder when undeclared); never negative. */
function carve(declared: number | undefined, remaining: number): number {
  return Math.max(0, Math.min(declared ?? remaining, remaining));
}

/** What is left of a limit after some spend; an unlimited field stays Infinity. */
function left(limit: number, spent: number): number {
  return limit === Infinity ? Infinity : Math.max(0, limit - spent);
}

function assertAmount(value: number, what: string): void {
  assert(value >= 0, () => `${what} is a non-negative number, got ${value}`);
}

/**
 * One process's budget. Turns and tokens are spent by its own model calls and by its children:
 * a child's grant is reserved when it is spawned and what it did not use is refunded when it
 * ends for good. Time is a deadline shared by the subtree, so children never reserve it.
 *
 * A turn or token limit is exhausted when a charge takes spend past it; spend that reaches a
 * limit exactly is still within it, and `remaining` shows 0, so the kernel starts a model call
 * only while remaining turns and tokens are positive. Time is charged from the virtual clock:
 * the time limit is exhausted once the time since the account opened reaches it.
 */
export class BudgetAccount {
  private readonly grant: Budget;
  private ownTurns = 0;
  private ownTokens = 0;
  private elapsed = 0;
  /** Turns and tokens granted to children and not refunded: what their subtrees hold or spent. */
  private delegatedTurns = 0;
  private delegatedTokens = 0;

  /** `opened` is the virtual time the account's process was spawned at. */
  constructor(
    limit: Budget,
    readonly opened = 0,
  ) {
    for (const field of FIELDS) assertAmount(limit[field], `limit.${field}`);
    assertAmount(opened, 'the opening time');
    this.grant = { turns: limit.turns, tokens: limit.tokens, time: limit.time };
  }

  get limit(): Budget {
    return this.grant;
  }

  /** The virtual time the time limit runs out at (Infinity: never). */
  get deadline(): number {
    return this.opened + this.grant.time;
  }

  /** This process's own spend: its model calls, and the virtual time from its spawn to the clock's last charge. */
  get used(): { turns: number; tokens: number; time: number } {
    return { turns: this.ownTurns, tokens: this.ownTokens, time: this.elapsed };
  }

  /** What children hold or spent from this budget (turns and tokens; time is never delegated). */
  get delegated(): { turns: number; tokens: number } {
    return { turns: this.delegatedTurns, tokens: this.delegatedTokens };
  }

  /** What is left for own calls and new children; never negative. An unlimited field stays Infinity. */
  get remaining(): Budget {
    return { turns: this.turnsLeft, tokens: this.tokensLeft, time: left(this.grant.time, this.elapsed) };
  }

  private get turnsLeft(): number {
    return left(this.grant.turns, this.ownTurns + this.delegatedTurns);
  }

  private get tokensLeft(): number {
    return left(this.grant.tokens, this.ownTokens + this.delegatedTokens);
  }

  /**
   * A child's grant, carved from what is left and reserved: per field, the declared limit capped
   * by the remainder (the whole remainder when undeclared), never negative. Time is a deadline the
   * subtree shares, so its remainder is `timeLeft`, the time until the parent's deadline.
   */
  carveChild(declared: BudgetEntry, timeLeft: number): Budget {
    const grant = { turns: carve(declared.turns, this.turnsLeft), tokens: carve(declared.tokens, this.tokensLeft), time: carve(declared.time, timeLeft) };
    this.reserve(grant);
    return grant;
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

  /** Takes a child's grant from the remainder. A grant from carveChild always fits. */
  reserve(child: Budget): void {
    this.fits(child.turns, this.turnsLeft, 'turns');
    this.fits(child.tokens, this.tokensLeft, 'tokens');
    // An unlimited field has nothing to keep apart, and Infinity - Infinity would poison the sums.
    if (this.grant.turns !== Infinity) this.delegatedTurns += child.turns;
    if (this.grant.tokens !== Infinity) this.delegatedTokens += child.tokens;
  }

  private fits(grant: number, remaining: number, field: string): void {
    assert(grant >= 0 && grant <= remaining, () => `a child's grant fits in the remainder, but ${field} ${grant} is not within 0..${remaining}`);
  }

  /** Returns what a child that ended for good did not use of its turns and tokens; its time is ignored. */
  refundUnused(child: BudgetAccount): void {
    const turns = child.turnsLeft;
    const tokens = child.tokensLeft;
    assertAmount(turns, "a child's unused turns");
    assertAmount(tokens, "a child's unused tokens");
    if (this.grant.turns !== Infinity) this.delegatedTurns = this.refunded(this.delegatedTurns, turns, 'turns');
    if (this.grant.tokens !== Infinity) this.delegatedTokens = this.refunded(this.delegatedTokens, tokens, 'tokens');
  }

  private refunded(delegated: number, unused: number, field: string): number {
    assert(unused <= delegated, () => `a refund returns no more than was reserved, but ${field} ${unused} > ${delegated}`);
    return delegated - unused;
  }

  /** Charges the virtual time from the opening to `now`, which never goes back; says whether the time limit is reached. */
  chargeTime(now: number): 'ok' | 'time' {
    const elapsed = now - this.opened;
    assertAmount(elapsed, 'elapsed time');
    assert(elapsed >= this.elapsed, () => `elapsed time never decreases, but ${elapsed} < ${this.elapsed}`);
    this.elapsed = elapsed;
    return elapsed >= this.grant.time ? 'time' : 'ok';
  }
}

const amountJson = (value: number): JsonValue => (value === Infinity ? null : value);

/** The JSON form for events, keys in sorted order; unlimited is null. */
export function budgetJson(b: Budget): JsonValue {
  return { time: amountJson(b.time), tokens: amountJson(b.tokens), turns: amountJson(b.turns) };
}
