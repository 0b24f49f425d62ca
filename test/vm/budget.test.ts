// Budgets: carving a child's from the parent's remainder, charging model calls, reserving and
// refunding children's grants, the time deadline, and the JSON form.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvariantError } from '../../src/bytecode/errors.js';
import { BudgetAccount, budgetJson, UNLIMITED, type Budget } from '../../src/vm/budget.js';
import type { BudgetEntry } from '../../src/bytecode/format.js';

const budget = (turns: number, tokens: number, time: number): Budget => ({ turns, tokens, time });

/** A child's grant carved from an account whose remainder is `remaining` (time: the time left). */
const carved = (remaining: Budget, declared: BudgetEntry): Budget => new BudgetAccount(remaining).carveChild(declared, remaining.time);

describe('carveChild', () => {
  it('takes the declared limit when the remainder covers it', () => {
    expect(carved(budget(10, 1000, 60_000), { turns: 4, tokens: 400, time: 30_000 })).toEqual(budget(4, 400, 30_000));
  });

  it('caps each declared limit at the parent remainder', () => {
    expect(carved(budget(3, 100, 10_000), { turns: 4, tokens: 400, time: 30_000 })).toEqual(budget(3, 100, 10_000));
  });

  it('an undeclared field takes the whole remainder', () => {
    expect(carved(budget(3, 100, 10_000), { turns: 1 })).toEqual(budget(1, 100, 10_000));
    expect(carved(UNLIMITED, {})).toEqual(UNLIMITED);
  });

  it('from main a declared limit is taken as is', () => {
    expect(carved(UNLIMITED, { turns: 20, tokens: 50_000, time: 900_000 })).toEqual(budget(20, 50_000, 900_000));
  });

  it('is never negative', () => {
    expect(carved(budget(0, 0, 0), { turns: 5, tokens: 5, time: 5 })).toEqual(budget(0, 0, 0));
    expect(carved(budget(5, 5, 5), { turns: -1, tokens: -1, time: -1 })).toEqual(budget(0, 0, 0));
  });
});

describe('BudgetAccount', () => {
  it('charges turns and tokens and reports the remainder', () => {
    const account = new BudgetAccount(budget(3, 100, 60_000));
    expect(account.chargeTurn(40)).toBe('ok');
    expect(account.used).toEqual({ turns: 1, tokens: 40, time: 0 });
    expect(account.remaining).toEqual(budget(2, 60, 60_000));
    expect(account.limit).toEqual(budget(3, 100, 60_000));
  });

  it('spend that reaches a limit exactly is ok; going past it names the limit', () => {
    const account = new BudgetAccount(budget(2, 100, 60_000));
    expect(account.chargeTurn(50)).toBe('ok');
    expect(account.chargeTurn(50)).toBe('ok');
    expect(account.remaining).toEqual(budget(0, 0, 60_000));
    expect(account.chargeTurn(0)).toBe('turns');
  });

  it('a call that overshoots the tokens is recorded and reported', () => {
    const account = new BudgetAccount(budget(5, 100, 60_000));
    expect(account.chargeTurn(150)).toBe('tokens');
    expect(account.used.tokens).toBe(150);
    expect(account.remaining.tokens).toBe(0);
  });

  it('turns are reported before tokens when both are exceeded', () => {
    const account = new BudgetAccount(budget(0, 0, 60_000));
    expect(account.chargeTurn(10)).toBe('turns');
  });

  it('a child grant is taken from the remainder and its unused part comes back', () => {
    const parent = new BudgetAccount(budget(10, 1000, 60_000));
    const grant = parent.carveChild({ turns: 4, tokens: 600, time: 30_000 }, 60_000);
    expect(grant).toEqual(budget(4, 600, 30_000));
    expect(parent.remaining).toEqual(budget(6, 400, 60_000));
    expect(parent.delegated).toEqual({ turns: 4, tokens: 600 });
    const child = new BudgetAccount(grant);
    child.chargeTurn(100);
    parent.refundUnused(child);
    expect(parent.delegated).toEqual({ turns: 1, tokens: 100 });
    expect(parent.remaining).toEqual(budget(9, 900, 60_000));
  });

  it('time is a deadline children share and never reserve', () => {
    const parent = new BudgetAccount(budget(10, 1000, 60_000));
    parent.reserve(budget(1, 1, 60_000));
    expect(parent.remaining.time).toBe(60_000);
    expect(parent.chargeTime(59_999)).toBe('ok');
    expect(parent.remaining.time).toBe(1);
    expect(parent.chargeTime(60_000)).toBe('time');
    expect(parent.remaining.time).toBe(0);
    expect(carved(parent.remaining, { time: 30_000 }).time).toBe(0);
  });

  it('time is charged from the clock since the account opened, and its deadline is the opening plus the limit', () => {
    const account = new BudgetAccount(budget(1, 1, 2_000), 5_000);
    expect(account.deadline).toBe(7_000);
    expect(account.chargeTime(6_500)).toBe('ok');
    expect(account.used.time).toBe(1_500);
    expect(account.remaining.time).toBe(500);
    expect(account.chargeTime(7_000)).toBe('time');
    expect(account.used.time).toBe(2_000);
    expect(new BudgetAccount(UNLIMITED, 5_000).deadline).toBe(Infinity);
    expect(() => account.chargeTime(4_000)).toThrow(/non-negative/);
  });

  it('a grant larger than the remainder is a kernel bug', () => {
    const parent = new BudgetAccount(budget(2, 100, 1000));
    expect(() => parent.reserve(budget(3, 0, 0))).toThrow(InvariantError);
    expect(() => parent.reserve(budget(3, 0, 0))).toThrow(/fits in the remainder/);
    parent.reserve(budget(2, 50, 0));
    expect(() => parent.reserve(budget(1, 0, 0))).toThrow(/fits in the remainder/);
  });

  it('refunding more than was reserved, or letting time run backwards, is a kernel bug', () => {
    const parent = new BudgetAccount(budget(5, 100, 1000));
    parent.reserve(budget(1, 10, 0));
    expect(() => parent.refundUnused(new BudgetAccount(budget(2, 0, 0)))).toThrow(/no more than was reserved/);
    parent.chargeTime(10);
    expect(() => parent.chargeTime(9)).toThrow(/never decreases/);
    expect(() => parent.chargeTurn(-1)).toThrow(/non-negative/);
  });

  it('an unlimited budget stays unlimited through reserves and refunds', () => {
    const main = new BudgetAccount(UNLIMITED);
    main.reserve(UNLIMITED);
    main.reserve(budget(3, 30, 100));
    main.chargeTurn(1_000_000);
    main.refundUnused(new BudgetAccount(UNLIMITED));
    expect(main.remaining).toEqual(UNLIMITED);
    expect(main.chargeTime(1e12)).toBe('ok');
  });

  it('the limit is copied, so changing the object it came from changes nothing', () => {
    const limit = { turns: 2, tokens: 20, time: 200 };
    const account = new BudgetAccount(limit);
    limit.turns = 100;
    expect(account.limit.turns).toBe(2);
  });
});

describe('budget property', () => {
  type Step = { kind: 'spawn'; turns: number; tokens: number } | { kind: 'end'; which: number; usedTurns: number; usedTokens: number } | { kind: 'charge'; tokens: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('spawn' as const), turns: fc.nat(12), tokens: fc.nat(1200) }),
    fc.record({ kind: fc.constant('end' as const), which: fc.nat(20), usedTurns: fc.nat(12), usedTokens: fc.nat(1200) }),
    fc.record({ kind: fc.constant('charge' as const), tokens: fc.nat(200) }),
  );

  it('the live children grants plus own spend never exceed the parent limit, whatever the order of spawns, ends and calls', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.nat(3000), fc.array(step, { maxLength: 60 }), (turns, tokens, steps) => {
        const parent = new BudgetAccount(budget(turns, tokens, 60_000));
        const live: BudgetAccount[] = [];
        let spentByEnded = { turns: 0, tokens: 0 };
        for (const s of steps) {
          if (s.kind === 'spawn') {
            const grant = parent.carveChild({ turns: s.turns, tokens: s.tokens }, 60_000);
            live.push(new BudgetAccount(grant));
          } else if (s.kind === 'end' && live.length > 0) {
            const [child] = live.splice(s.which % live.length, 1) as [BudgetAccount];
            for (let i = 0; i < Math.min(s.usedTurns, child.limit.turns); i++) child.chargeTurn(i === 0 ? Math.min(s.usedTokens, child.limit.tokens) : 0);
            spentByEnded = { turns: spentByEnded.turns + child.used.turns, tokens: spentByEnded.tokens + child.used.tokens };
            parent.refundUnused(child);
          } else if (s.kind === 'charge' && parent.remaining.turns > 0 && parent.remaining.tokens >= s.tokens) {
            expect(parent.chargeTurn(s.tokens)).toBe('ok');
          }
          const granted = live.reduce((sum, c) => ({ turns: sum.turns + c.limit.turns, tokens: sum.tokens + c.limit.tokens }), { turns: 0, tokens: 0 });
          expect(granted.turns + spentByEnded.turns + parent.used.turns).toBeLessThanOrEqual(turns);
          expect(granted.tokens + spentByEnded.tokens + parent.used.tokens).toBeLessThanOrEqual(tokens);
          expect(parent.delegated).toEqual({ turns: granted.turns + spentByEnded.turns, tokens: granted.tokens + spentByEnded.tokens });
          expect(parent.remaining.turns).toBe(turns - parent.used.turns - parent.delegated.turns);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('budgetJson', () => {
  it('writes keys in sorted order and unlimited as null', () => {
    expect(JSON.stringify(budgetJson(budget(3, 40, 5000)))).toBe('{"time":5000,"tokens":40,"turns":3}');
    expect(JSON.stringify(budgetJson(UNLIMITED))).toBe('{"time":null,"tokens":null,"turns":null}');
  });
});
