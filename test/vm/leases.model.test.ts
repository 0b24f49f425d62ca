// The lease table against a plain model (a map of grants and arrays of waiters) over random
// command sequences on 3 resources and 4 processes, with its invariants checked after every command.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LeaseTable, type LeaseError, type LeaseGrant } from '../../src/vm/leases.js';

const RESOURCES = ['r0', 'r1', 'r2'] as const;
const HOLDERS = ['p0', 'p1', 'p2', 'p3'] as const;

interface Waiter { holder: string; ttl: number }

class LeaseModel {
  readonly grants = new Map<string, LeaseGrant>();
  readonly waiters = new Map<string, Waiter[]>(RESOURCES.map((resource) => [resource, []]));
  /** Every token ever issued, in issue order. */
  readonly issued: number[] = [];
  private nextToken = 1;

  queue(resource: string): Waiter[] {
    return this.waiters.get(resource)!;
  }

  grant(resource: string, holder: string, ttl: number): LeaseGrant {
    const grant = { resource, holder, token: this.nextToken++, ttl };
    this.grants.set(resource, grant);
    this.issued.push(grant.token);
    return grant;
  }

  acquire(resource: string, holder: string, ttl: number): { granted: LeaseGrant } | { queued: number } {
    const current = this.grants.get(resource);
    if (current === undefined || current.holder === holder) return { granted: this.grant(resource, holder, ttl) };
    const queue = this.queue(resource);
    const position = queue.findIndex((waiter) => waiter.holder === holder);
    if (position >= 0) {
      queue[position]!.ttl = ttl;
      return { queued: position };
    }
    queue.push({ holder, ttl });
    return { queued: queue.length - 1 };
  }

  check(resource: string, holder: string, token: number): LeaseError | undefined {
    const current = this.grants.get(resource);
    if (current?.holder !== holder) return 'not-held';
    return current.token === token ? undefined : 'stale-token';
  }

  end(resource: string): { released: LeaseGrant; next?: LeaseGrant } {
    const released = this.grants.get(resource)!;
    this.grants.delete(resource);
    const waiter = this.queue(resource).shift();
    return waiter === undefined ? { released } : { released, next: this.grant(resource, waiter.holder, waiter.ttl) };
  }
}

interface Real {
  table: LeaseTable;
  /** The greatest token any result has handed out so far. */
  highestToken: number;
}

function assertFresh(real: Real, grant: LeaseGrant | undefined): void {
  if (grant === undefined) return;
  expect(grant.token).toBeGreaterThan(real.highestToken);
  real.highestToken = grant.token;
}

function assertInvariants(model: LeaseModel, { table }: Real): void {
  const grants = table.grants();
  expect(new Set(grants.map((grant) => grant.resource)).size).toBe(grants.length);
  expect(grants).toEqual([...model.grants.values()].sort((a, b) => (a.resource < b.resource ? -1 : 1)));
  for (const resource of RESOURCES) {
    const current = model.grants.get(resource);
    expect(table.holderOf(resource)).toEqual(current);
    expect(table.waitersOf(resource)).toEqual(model.queue(resource).map((waiter) => waiter.holder));
    if (current !== undefined) expect(table.waitersOf(resource)).not.toContain(current.holder);
    for (const token of model.issued) expect(table.isCurrent(resource, token)).toBe(current?.token === token);
  }
}

/** A token to present: the resource's current one, or any token issued so far (usually stale). */
type TokenPick = { current: true } | { issuedIndex: number };

function pickToken(model: LeaseModel, resource: string, pick: TokenPick): number {
  if ('current' in pick) return model.grants.get(resource)?.token ?? 0;
  return model.issued.length === 0 ? 0 : model.issued[pick.issuedIndex % model.issued.length]!;
}

/** The process presenting it: the resource's holder, or a given process (maybe not the holder). */
function pickHolder(model: LeaseModel, resource: string, holder: string | null): string {
  return holder ?? model.grants.get(resource)?.holder ?? HOLDERS[0];
}

type LeaseCommand = fc.Command<LeaseModel, Real>;

class Acquire implements LeaseCommand {
  constructor(readonly resource: string, readonly holder: string, readonly ttl: number) {}
  check(): boolean { return true; }
  run(model: LeaseModel, real: Real): void {
    const result = real.table.acquire(this.resource, this.holder, this.ttl);
    expect(result).toEqual(model.acquire(this.resource, this.holder, this.ttl));
    if ('granted' in result) assertFresh(real, result.granted);
    assertInvariants(model, real);
  }
  toString(): string { return `acquire(${this.resource}, ${this.holder}, ${this.ttl})`; }
}

class Release implements LeaseCommand {
  constructor(readonly resource: string, readonly holder: string | null, readonly token: TokenPick) {}
  check(): boolean { return true; }
  run(model: LeaseModel, real: Real): void {
    const holder = pickHolder(model, this.resource, this.holder);
    const token = pickToken(model, this.resource, this.token);
    const error = model.check(this.resource, holder, token);
    const result = real.table.release(this.resource, holder, token);
    if (error !== undefined) {
      expect(result).toEqual({ error });
    } else {
      expect(result).toEqual(model.end(this.resource));
      if ('next' in result) assertFresh(real, result.next);
    }
    assertInvariants(model, real);
  }
  toString(): string { return `release(${this.resource}, ${this.holder ?? 'holder'}, ${JSON.stringify(this.token)})`; }
}

class Renew implements LeaseCommand {
  constructor(readonly resource: string, readonly holder: string | null, readonly token: TokenPick, readonly ttl: number) {}
  check(): boolean { return true; }
  run(model: LeaseModel, real: Real): void {
    const holder = pickHolder(model, this.resource, this.holder);
    const token = pickToken(model, this.resource, this.token);
    const error = model.check(this.resource, holder, token);
    const result = real.table.renew(this.resource, holder, token, this.ttl);
    if (error !== undefined) {
      expect(result).toEqual({ error });
    } else {
      const current = model.grants.get(this.resource)!;
      const renewed = { ...current, ttl: this.ttl === -1 ? current.ttl : this.ttl };
      model.grants.set(this.resource, renewed);
      expect(result).toEqual({ renewed });
    }
    assertInvariants(model, real);
  }
  toString(): string { return `renew(${this.resource}, ${this.holder ?? 'holder'}, ${JSON.stringify(this.token)}, ${this.ttl})`; }
}

class Expire implements LeaseCommand {
  constructor(readonly resource: string, readonly token: TokenPick) {}
  check(): boolean { return true; }
  run(model: LeaseModel, real: Real): void {
    const token = pickToken(model, this.resource, this.token);
    const result = real.table.expire(this.resource, token);
    if (model.grants.get(this.resource)?.token !== token) {
      expect(result).toBeNull();
    } else {
      const { released, next } = model.end(this.resource);
      expect(result).toEqual(next === undefined ? { expired: released } : { expired: released, next });
      assertFresh(real, next);
    }
    assertInvariants(model, real);
  }
  toString(): string { return `expire(${this.resource}, ${JSON.stringify(this.token)})`; }
}

class CancelWaiter implements LeaseCommand {
  constructor(readonly resource: string, readonly holder: string) {}
  check(): boolean { return true; }
  run(model: LeaseModel, real: Real): void {
    const queue = model.queue(this.resource);
    const position = queue.findIndex((waiter) => waiter.holder === this.holder);
    if (position >= 0) queue.splice(position, 1);
    expect(real.table.cancelWaiter(this.resource, this.holder)).toBe(position >= 0);
    assertInvariants(model, real);
  }
  toString(): string { return `cancelWaiter(${this.resource}, ${this.holder})`; }
}

class ReleaseAll implements LeaseCommand {
  constructor(readonly holder: string) {}
  check(): boolean { return true; }
  run(model: LeaseModel, real: Real): void {
    const cancelledWaits: string[] = [];
    for (const resource of RESOURCES) {
      const queue = model.queue(resource);
      const position = queue.findIndex((waiter) => waiter.holder === this.holder);
      if (position < 0) continue;
      queue.splice(position, 1);
      cancelledWaits.push(resource);
    }
    const released: LeaseGrant[] = [];
    const next: LeaseGrant[] = [];
    for (const resource of RESOURCES) {
      if (model.grants.get(resource)?.holder !== this.holder) continue;
      const ended = model.end(resource);
      released.push(ended.released);
      if (ended.next !== undefined) next.push(ended.next);
    }
    const result = real.table.releaseAll(this.holder);
    expect(result).toEqual({ released, next, cancelledWaits });
    for (const grant of result.next) assertFresh(real, grant);
    assertInvariants(model, real);
  }
  toString(): string { return `releaseAll(${this.holder})`; }
}

const resource = fc.constantFrom(...RESOURCES);
const holder = fc.constantFrom(...HOLDERS);
const ttl = fc.constantFrom(-1, 0, 100, 250);
const token: fc.Arbitrary<TokenPick> = fc.oneof(
  fc.constant({ current: true as const }),
  fc.nat({ max: 1000 }).map((issuedIndex) => ({ issuedIndex })),
);
const presenter = fc.option(holder, { freq: 2 });

const commands = fc.commands([
  fc.tuple(resource, holder, ttl).map(([r, h, t]) => new Acquire(r, h, t)),
  fc.tuple(resource, holder, ttl).map(([r, h, t]) => new Acquire(r, h, t)),
  fc.tuple(resource, presenter, token).map(([r, h, t]) => new Release(r, h, t)),
  fc.tuple(resource, presenter, token, ttl).map(([r, h, t, d]) => new Renew(r, h, t, d)),
  fc.tuple(resource, token).map(([r, t]) => new Expire(r, t)),
  fc.tuple(resource, holder).map(([r, h]) => new CancelWaiter(r, h)),
  holder.map((h) => new ReleaseAll(h)),
], { maxCommands: 80, size: 'max' });

describe('LeaseTable against its model', () => {
  it('agrees on every result, keeps one holder per resource, FIFO, increasing tokens and exact fencing', () => {
    fc.assert(fc.property(commands, (sequence) => {
      fc.modelRun(() => ({ model: new LeaseModel(), real: { table: new LeaseTable(), highestToken: 0 } }), sequence);
    }), { numRuns: 200 });
  });

  it('refuses the old token after expiry and re-grant, to the same process or the next waiter', () => {
    fc.assert(fc.property(resource, holder, holder, ttl, (r, first, second, d) => {
      const table = new LeaseTable();
      const acquired = table.acquire(r, first, d);
      if (!('granted' in acquired)) throw new Error('a free resource is granted');
      const old = acquired.granted;
      if (second !== first) expect(table.acquire(r, second, d)).toEqual({ queued: 0 });
      const expired = table.expire(r, old.token);
      expect(expired?.expired).toEqual(old);
      const regrant = second === first ? table.acquire(r, first, d) : { granted: expired?.next };
      expect(regrant).toEqual({ granted: { resource: r, holder: second, token: old.token + 1, ttl: d } });
      const refusal = second === first ? 'stale-token' : 'not-held';
      expect(table.isCurrent(r, old.token)).toBe(false);
      expect(table.release(r, first, old.token)).toEqual({ error: refusal });
      expect(table.renew(r, first, old.token, d)).toEqual({ error: refusal });
      expect(table.expire(r, old.token)).toBeNull();
      expect(table.holderOf(r)).toEqual({ resource: r, holder: second, token: old.token + 1, ttl: d });
    }), { numRuns: 200 });
  });
});
