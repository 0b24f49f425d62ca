// The lease syscalls: acquire (FIFO waiters, optional timeout), renew, release, and the TTL
// timers that expire a grant. A lease value names its resource, holder and fencing token; a
// write that carries a token which is no longer current is refused.
import type { JsonValue } from '../bytecode/json.js';
import type { KernelCore } from './core.js';
import type { EffectId, Pid } from './ids.js';
import { NO_TTL, type LeaseGrant } from './leases.js';
import type { Process } from './process.js';

function leaseValue(grant: LeaseGrant<Pid>): JsonValue {
  return { holder: grant.holder, resource: grant.resource, token: grant.token };
}

/** Reads a lease value back; undefined when the value is not one. */
function readLease(value: JsonValue): { resource: string; token: number } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { resource, token } = value;
  return typeof resource === 'string' && typeof token === 'number' ? { resource, token } : undefined;
}

function startTtl(k: KernelCore, holder: Process, grant: LeaseGrant<Pid>): void {
  k.cancel(k.leaseTimers.get(grant.resource) ?? null);
  k.leaseTimers.delete(grant.resource);
  if (grant.ttl === NO_TTL) return;
  const id = k.timer(holder, grant.ttl, 'lease', () => {
    k.leaseTimers.delete(grant.resource);
    const expired = k.leases.expire(grant.resource, grant.token);
    if (expired === null) return;
    k.emit('lease.expired', expired.expired.holder, { resource: grant.resource, token: grant.token });
    if (expired.next !== undefined) wakeGranted(k, expired.next);
  });
  // The TTL outlives any one wait of the holder, but not the holder's incarnation.
  k.leaseTimers.set(grant.resource, id);
}

/** A waiter was granted the lease: it wakes holding it. */
function wakeGranted(k: KernelCore, grant: LeaseGrant<Pid>): void {
  const waiter = k.live(grant.holder);
  k.emit('lease.granted', waiter.name, { resource: grant.resource, token: grant.token, ttl: grant.ttl });
  startTtl(k, waiter, grant);
  const wait = waiter.wait;
  if (wait?.kind === 'acquire') k.cancel(wait.timer);
  k.resume(waiter, leaseValue(grant));
}

/** ACQUIRE: returns true when the process blocked waiting. A lease without a TTL never expires; a wait without a timeout lasts. */
export function acquire(k: KernelCore, p: Process, resource: string, ttl: number | null, timeout: number | null): boolean {
  const result = k.leases.acquire(resource, p.name, ttl ?? NO_TTL);
  if ('granted' in result) {
    k.emit('lease.granted', p.name, { resource, token: result.granted.token, ttl: result.granted.ttl });
    startTtl(k, p, result.granted);
    p.frame?.stack.push(leaseValue(result.granted));
    return false;
  }
  k.emit('lease.queued', p.name, { position: result.queued + 1, resource });
  const wait = { kind: 'acquire' as const, resource, ttl, timer: null as EffectId | null };
  k.block(p, wait);
  if (timeout !== null) {
    wait.timer = k.timer(p, timeout, 'acquire', () => {
      if (p.wait !== wait) return;
      k.leases.cancelWaiter(resource, p.name);
      k.resume(p, null);
    });
  }
  return true;
}

/** RENEW: a lost lease cannot be renewed; the caller fails the process with the returned reason. Without a TTL the grant keeps its own. */
export function renew(k: KernelCore, p: Process, lease: JsonValue, ttl: number | null): JsonValue | undefined {
  const held = readLease(lease);
  if (held === undefined) return { kind: 'not-a-lease', value: lease };
  const result = k.leases.renew(held.resource, p.name, held.token, ttl ?? NO_TTL);
  if ('error' in result) {
    k.emit('lease.refused', p.name, { reason: result.error, resource: held.resource, token: held.token });
    return { kind: 'lease-lost', resource: held.resource, problem: result.error };
  }
  k.emit('lease.renewed', p.name, { resource: held.resource, token: result.renewed.token, ttl: result.renewed.ttl });
  startTtl(k, p, result.renewed);
  return undefined;
}

/** RELEASE: releasing a lease already lost is recorded and otherwise harmless. */
export function release(k: KernelCore, p: Process, lease: JsonValue): JsonValue | undefined {
  const held = readLease(lease);
  if (held === undefined) return { kind: 'not-a-lease', value: lease };
  const result = k.leases.release(held.resource, p.name, held.token);
  if ('error' in result) {
    k.emit('lease.refused', p.name, { reason: result.error, resource: held.resource, token: held.token });
    return undefined;
  }
  k.cancel(k.leaseTimers.get(held.resource) ?? null);
  k.leaseTimers.delete(held.resource);
  k.emit('lease.released', p.name, { resource: held.resource, token: held.token });
  if (result.next !== undefined) wakeGranted(k, result.next);
  return undefined;
}

/** Fencing: may a write carrying this lease go ahead? */
export function fencingProblem(k: KernelCore, p: Process, lease: JsonValue): JsonValue | undefined {
  const held = readLease(lease);
  if (held === undefined) return { kind: 'not-a-lease', value: lease };
  if (k.leases.isCurrent(held.resource, held.token) && k.leases.holderOf(held.resource)?.holder === p.name) return undefined;
  k.emit('lease.refused', p.name, { reason: 'stale-token', resource: held.resource, token: held.token });
  return { kind: 'stale-lease', resource: held.resource, token: held.token };
}

/** An incarnation ended: its leases go to their next waiters. */
export function releaseAllLeases(k: KernelCore, p: Process): void {
  // Most processes never touch a lease.
  if (!k.leases.involves(p.name)) return;
  const { released, next } = k.leases.releaseAll(p.name);
  for (const grant of released) {
    k.cancel(k.leaseTimers.get(grant.resource) ?? null, 'exited');
    k.leaseTimers.delete(grant.resource);
    k.emit('lease.released', p.name, { resource: grant.resource, token: grant.token });
  }
  for (const grant of next) wakeGranted(k, grant);
}
