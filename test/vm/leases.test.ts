// The lease table's rules, one by one: FIFO waiters, fencing tokens, renew, expiry, process exit.
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/bytecode/errors.js';
import { LeaseTable, type AcquireResult, type LeaseGrant } from '../../src/vm/leases.js';

function granted(result: AcquireResult): LeaseGrant {
  if (!('granted' in result)) throw new Error(`expected a grant, got ${JSON.stringify(result)}`);
  return result.granted;
}

describe('acquire', () => {
  it('grants a free resource with token 1, then queues others first come, first served', () => {
    const table = new LeaseTable();
    expect(table.acquire('db', 'a', 500)).toEqual({ granted: { resource: 'db', holder: 'a', token: 1, ttl: 500 } });
    expect(table.acquire('db', 'b', -1)).toEqual({ queued: 0 });
    expect(table.acquire('db', 'c', -1)).toEqual({ queued: 1 });
    expect(table.waitersOf('db')).toEqual(['b', 'c']);
    expect(table.holderOf('db')?.holder).toBe('a');
  });

  it('grants the current holder a new token at once, and its old token becomes stale', () => {
    const table = new LeaseTable();
    const first = granted(table.acquire('db', 'a', 100));
    table.acquire('db', 'b', -1);
    const again = granted(table.acquire('db', 'a', 200));
    expect(again).toEqual({ resource: 'db', holder: 'a', token: 2, ttl: 200 });
    expect(table.isCurrent('db', first.token)).toBe(false);
    expect(table.release('db', 'a', first.token)).toEqual({ error: 'stale-token' });
    expect(table.waitersOf('db')).toEqual(['b']);
  });

  it('keeps a waiter that asks again at its place, with the TTL of its latest request', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', -1));
    table.acquire('db', 'b', 10);
    table.acquire('db', 'c', 10);
    expect(table.acquire('db', 'c', 99)).toEqual({ queued: 1 });
    expect(table.acquire('db', 'b', 10)).toEqual({ queued: 0 });
    expect(table.waitersOf('db')).toEqual(['b', 'c']);
    table.cancelWaiter('db', 'b');
    expect(table.release('db', 'a', held.token)).toMatchObject({ next: { holder: 'c', ttl: 99 } });
  });

  it('refuses a TTL that is not whole milliseconds or -1, as a kernel bug', () => {
    const table = new LeaseTable();
    expect(() => table.acquire('db', 'a', -2)).toThrow(InvariantError);
    expect(() => table.acquire('db', 'a', -2)).toThrow(/TTL/);
    expect(() => table.acquire('db', 'a', 1.5)).toThrow(/TTL/);
  });
});

describe('release', () => {
  it('grants the oldest waiter at once with a greater token and its own TTL', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', 100));
    table.acquire('db', 'b', 300);
    table.acquire('db', 'c', -1);
    expect(table.release('db', 'a', held.token)).toEqual({
      released: held,
      next: { resource: 'db', holder: 'b', token: 2, ttl: 300 },
    });
    expect(table.waitersOf('db')).toEqual(['c']);
  });

  it('frees the resource when nobody waits', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', -1));
    expect(table.release('db', 'a', held.token)).toEqual({ released: held });
    expect(table.holderOf('db')).toBeUndefined();
    expect(table.grants()).toEqual([]);
    expect(granted(table.acquire('db', 'b', -1)).token).toBe(2);
  });

  it('refuses a non-holder with not-held and the holder with a stale token, changing nothing', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', -1));
    expect(table.release('db', 'b', held.token)).toEqual({ error: 'not-held' });
    expect(table.release('other', 'a', held.token)).toEqual({ error: 'not-held' });
    expect(table.release('db', 'a', held.token + 1)).toEqual({ error: 'stale-token' });
    expect(table.holderOf('db')).toEqual(held);
  });
});

describe('renew', () => {
  it('keeps the token and changes the TTL, or keeps it with -1', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', 100));
    expect(table.renew('db', 'a', held.token, 250)).toEqual({ renewed: { ...held, ttl: 250 } });
    expect(table.renew('db', 'a', held.token, -1)).toEqual({ renewed: { ...held, ttl: 250 } });
    expect(table.isCurrent('db', held.token)).toBe(true);
    expect(granted(table.acquire('other', 'a', -1)).token).toBe(held.token + 1);
  });

  it('refuses a non-holder and a stale token', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', 100));
    expect(table.renew('db', 'b', held.token, 100)).toEqual({ error: 'not-held' });
    expect(table.renew('db', 'a', held.token - 1, 100)).toEqual({ error: 'stale-token' });
    expect(table.holderOf('db')?.ttl).toBe(100);
  });
});

describe('expire', () => {
  it('ends the current grant and grants the next waiter', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', 100));
    table.acquire('db', 'b', 100);
    expect(table.expire('db', held.token)).toEqual({ expired: held, next: { resource: 'db', holder: 'b', token: 2, ttl: 100 } });
  });

  it('returns null for a stale firing and changes nothing', () => {
    const table = new LeaseTable();
    const first = granted(table.acquire('db', 'a', 100));
    const second = granted(table.acquire('db', 'a', 100));
    expect(table.expire('db', first.token)).toBeNull();
    expect(table.expire('none', first.token)).toBeNull();
    expect(table.holderOf('db')).toEqual(second);
  });

  it('fences the old holder after expiry and a re-grant: its release, renew and timer are refused', () => {
    const table = new LeaseTable();
    const old = granted(table.acquire('db', 'a', 100));
    table.expire('db', old.token);
    const regrant = granted(table.acquire('db', 'a', 100));
    expect(regrant.token).toBeGreaterThan(old.token);
    expect(table.isCurrent('db', old.token)).toBe(false);
    expect(table.release('db', 'a', old.token)).toEqual({ error: 'stale-token' });
    expect(table.renew('db', 'a', old.token, 100)).toEqual({ error: 'stale-token' });
    expect(table.expire('db', old.token)).toBeNull();
    expect(table.holderOf('db')).toEqual(regrant);

    table.expire('db', regrant.token);
    const other = granted(table.acquire('db', 'b', 100));
    expect(table.release('db', 'a', regrant.token)).toEqual({ error: 'not-held' });
    expect(table.isCurrent('db', regrant.token)).toBe(false);
    expect(table.isCurrent('db', other.token)).toBe(true);
  });
});

describe('cancelWaiter', () => {
  it('removes a waiter so it is skipped, and reports whether it was waiting', () => {
    const table = new LeaseTable();
    const held = granted(table.acquire('db', 'a', -1));
    table.acquire('db', 'b', -1);
    table.acquire('db', 'c', -1);
    expect(table.cancelWaiter('db', 'b')).toBe(true);
    expect(table.cancelWaiter('db', 'b')).toBe(false);
    expect(table.cancelWaiter('db', 'a')).toBe(false);
    expect(table.cancelWaiter('none', 'c')).toBe(false);
    expect(table.acquire('db', 'd', -1)).toEqual({ queued: 1 });
    expect(table.release('db', 'a', held.token)).toMatchObject({ next: { holder: 'c' } });
  });
});

describe('releaseAll', () => {
  it('drops every lease and wait of a process, granting next waiters in resource order', () => {
    const table = new LeaseTable();
    const z = granted(table.acquire('z', 'dead', -1));
    const a = granted(table.acquire('a', 'dead', -1));
    table.acquire('m', 'other', -1);
    table.acquire('m', 'dead', -1);
    table.acquire('k', 'other', -1);
    table.acquire('k', 'dead', -1);
    table.acquire('z', 'w1', 7);
    table.acquire('a', 'w2', 8);
    const result = table.releaseAll('dead');
    expect(result).toEqual({
      released: [a, z],
      next: [{ resource: 'a', holder: 'w2', token: 5, ttl: 8 }, { resource: 'z', holder: 'w1', token: 6, ttl: 7 }],
      cancelledWaits: ['k', 'm'],
    });
    expect(table.waitersOf('m')).toEqual([]);
    expect(table.grants().map((grant) => `${grant.resource}:${grant.holder}`)).toEqual(['a:w2', 'k:other', 'm:other', 'z:w1']);
  });

  it('is a no-op for a process with no leases or waits', () => {
    const table = new LeaseTable();
    table.acquire('db', 'a', -1);
    expect(table.releaseAll('b')).toEqual({ released: [], next: [], cancelledWaits: [] });
    expect(table.holderOf('db')?.holder).toBe('a');
  });

  it('never grants a resource to the process that is ending', () => {
    const table = new LeaseTable();
    table.acquire('x', 'a', -1);
    table.acquire('y', 'b', -1);
    table.acquire('y', 'a', -1);
    table.acquire('x', 'b', -1);
    const result = table.releaseAll('a');
    expect(result.next).toEqual([{ resource: 'x', holder: 'b', token: 3, ttl: -1 }]);
    expect(table.grants().every((grant) => grant.holder === 'b')).toBe(true);
  });
});

describe('grants', () => {
  it('lists current grants sorted by resource in code-unit order', () => {
    const table = new LeaseTable();
    for (const resource of ['b', 'a', 'B', 'é']) table.acquire(resource, 'p', -1);
    expect(table.grants().map((grant) => grant.resource)).toEqual(['B', 'a', 'b', 'é']);
  });
});

describe('many waiters', () => {
  it('serves 20 000 waiters in order, skipping the cancelled ones', () => {
    const table = new LeaseTable();
    let current = granted(table.acquire('db', 'owner', -1));
    const count = 20_000;
    for (let i = 0; i < count; i++) table.acquire('db', `w${i}`, -1);
    for (let i = 0; i < count; i += 3) table.cancelWaiter('db', `w${i}`);
    expect(table.acquire('db', 'w4', -1)).toEqual({ queued: 2 });
    const order: string[] = [];
    for (;;) {
      const result = table.release('db', current.holder, current.token);
      if ('error' in result) throw new Error(result.error);
      if (result.next === undefined) break;
      expect(result.next.token).toBe(current.token + 1);
      current = result.next;
      order.push(current.holder);
    }
    const expected = Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => `w${i}`);
    expect(order).toEqual(expected);
    expect(table.grants()).toEqual([]);
  });
});
