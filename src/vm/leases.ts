// The lease table: who holds each named resource, who waits for it, and the fencing token that
// lets a write by a holder whose lease has ended be refused (DESIGN.md section 6).
//
// - A resource has at most one holder at any time. Waiters are granted it first come, first served.
// - Every grant carries a fencing token from one counter per table that starts at 1 and grows by
//   one on every grant: a first grant, a grant to a waiter, a re-grant after expiry, a re-acquire.
// - A holder that acquires a resource it already holds is granted a new token at once; its old
//   token becomes stale. A holder never waits on itself.
// - A process already waiting that acquires again keeps its place in the queue; the TTL of its
//   latest request is the one it is granted with.
// - Renew extends the current grant: the token stays the same and the TTL may change (-1 keeps it).
// - Release and renew by a process that does not hold the resource fail with 'not-held'; by the
//   holder with a token other than the current one, with 'stale-token'. Both change nothing.
// - Expire with the current token ends the grant and grants the next waiter; any other token is a
//   stale timer firing and changes nothing. Since renew keeps the token, the kernel cancels the
//   TTL timer a renew replaces: a firing of that timer would carry the current token.
// - A process that ends loses every lease it holds and every place it has in a queue.
import { assert } from '../bytecode/errors.js';

/** A grant as events record it; a holder is any name (the kernel's are process names). */
export interface LeaseGrant<Holder extends string = string> {
  readonly resource: string;
  readonly holder: Holder;
  readonly token: number;
  /** Milliseconds until the grant expires unless renewed; -1: no TTL. */
  readonly ttl: number;
}

export type AcquireResult<Holder extends string = string> = { readonly granted: LeaseGrant<Holder> } | { readonly queued: number /* 0-based position among waiters */ };

export type LeaseError = 'not-held' | 'stale-token';

/** The TTL of a grant that never expires, as events record it. */
export const NO_TTL = -1;
/** Below this many slots, dead queue slots are not worth reclaiming. */
const MIN_RECLAIM_SLOTS = 32;

interface Waiter<Holder extends string> {
  readonly holder: Holder;
  ttl: number;
}

/**
 * A FIFO of waiters with O(1) amortised enqueue, cancel and shift: served and cancelled entries
 * leave holes that are reclaimed in one pass once they outnumber the live entries.
 */
class WaiterQueue<Holder extends string> {
  private slots: (Waiter<Holder> | undefined)[] = [];
  private head = 0;
  private readonly slotOf = new Map<Holder, number>();

  get size(): number {
    return this.slotOf.size;
  }

  /** Appends the holder, or updates its TTL where it already waits; returns its 0-based position. */
  enqueue(holder: Holder, ttl: number): number {
    const slot = this.slotOf.get(holder);
    if (slot !== undefined) {
      this.slots[slot]!.ttl = ttl;
      return this.positionOfSlot(slot);
    }
    this.slotOf.set(holder, this.slots.length);
    this.slots.push({ holder, ttl });
    return this.size - 1;
  }

  remove(holder: Holder): boolean {
    const slot = this.slotOf.get(holder);
    if (slot === undefined) return false;
    this.slots[slot] = undefined;
    this.slotOf.delete(holder);
    this.reclaim();
    return true;
  }

  shift(): Waiter<Holder> | undefined {
    while (this.head < this.slots.length) {
      const waiter = this.slots[this.head++];
      if (waiter !== undefined) {
        this.slotOf.delete(waiter.holder);
        this.reclaim();
        return waiter;
      }
    }
    return undefined;
  }

  holders(): Holder[] {
    const holders: Holder[] = [];
    for (let slot = this.head; slot < this.slots.length; slot++) {
      const waiter = this.slots[slot];
      if (waiter !== undefined) holders.push(waiter.holder);
    }
    return holders;
  }

  // Linear, but only reached when a waiter asks again, never on the grant path.
  private positionOfSlot(target: number): number {
    let position = 0;
    for (let slot = this.head; slot < target; slot++) if (this.slots[slot] !== undefined) position++;
    return position;
  }

  private reclaim(): void {
    if (this.size === 0) {
      this.slots.length = 0;
      this.head = 0;
      return;
    }
    const dead = this.slots.length - this.size;
    if (dead < MIN_RECLAIM_SLOTS || dead <= this.size) return;
    let kept = 0;
    for (let slot = this.head; slot < this.slots.length; slot++) {
      const waiter = this.slots[slot];
      if (waiter === undefined) continue;
      this.slots[kept] = waiter;
      this.slotOf.set(waiter.holder, kept++);
    }
    this.slots.length = kept;
    this.head = 0;
  }
}

/** A resource is in the table exactly while it has a holder; waiters exist only behind a holder. */
interface ResourceState<Holder extends string> {
  grant: LeaseGrant<Holder>;
  readonly waiters: WaiterQueue<Holder>;
}

function assertTtl(ttl: number): void {
  assert(Number.isInteger(ttl) && ttl >= NO_TTL, () => `a lease TTL is a whole number of milliseconds or -1, got ${ttl}`);
}

function addTo<Holder extends string>(index: Map<Holder, Set<string>>, holder: Holder, resource: string): void {
  const resources = index.get(holder);
  if (resources === undefined) index.set(holder, new Set([resource]));
  else resources.add(resource);
}

function removeFrom<Holder extends string>(index: Map<Holder, Set<string>>, holder: Holder, resource: string): void {
  const resources = index.get(holder);
  assert(resources !== undefined && resources.has(resource), () => `the lease holder index has no entry ${holder} → ${resource}`);
  resources.delete(resource);
  if (resources.size === 0) index.delete(holder);
}

// Code-unit order, the same on every machine.
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NOTHING_RELEASED = Object.freeze({ released: Object.freeze([]), next: Object.freeze([]), cancelledWaits: Object.freeze([]) });

export class LeaseTable<Holder extends string = string> {
  private readonly resources = new Map<string, ResourceState<Holder>>();
  // Per process, the resources it holds and those it waits for, so releaseAll touches only those.
  private readonly heldBy = new Map<Holder, Set<string>>();
  private readonly waitingBy = new Map<Holder, Set<string>>();
  private nextToken = 1;

  acquire(resource: string, holder: Holder, ttl: number): AcquireResult<Holder> {
    assertTtl(ttl);
    const state = this.resources.get(resource);
    if (state === undefined) {
      const granted = this.issue(resource, holder, ttl);
      this.resources.set(resource, { grant: granted, waiters: new WaiterQueue() });
      return { granted };
    }
    if (state.grant.holder === holder) {
      state.grant = this.issue(resource, holder, ttl);
      return { granted: state.grant };
    }
    const queued = state.waiters.enqueue(holder, ttl);
    addTo(this.waitingBy, holder, resource);
    return { queued };
  }

  release(resource: string, holder: Holder, token: number): { readonly released: LeaseGrant<Holder>; readonly next?: LeaseGrant<Holder> } | { readonly error: LeaseError } {
    const state = this.heldWith(resource, holder, token);
    return typeof state === 'string' ? { error: state } : this.end(resource, state);
  }

  renew(resource: string, holder: Holder, token: number, ttl: number): { readonly renewed: LeaseGrant<Holder> } | { readonly error: LeaseError } {
    assertTtl(ttl);
    const state = this.heldWith(resource, holder, token);
    if (typeof state === 'string') return { error: state };
    const { grant } = state;
    state.grant = { holder: grant.holder, resource: grant.resource, token: grant.token, ttl: ttl === NO_TTL ? grant.ttl : ttl };
    return { renewed: state.grant };
  }

  expire(resource: string, token: number): { readonly expired: LeaseGrant<Holder>; readonly next?: LeaseGrant<Holder> } | null {
    const state = this.resources.get(resource);
    if (state === undefined || state.grant.token !== token) return null;
    const { released, next } = this.end(resource, state);
    return next === undefined ? { expired: released } : { expired: released, next };
  }

  cancelWaiter(resource: string, holder: Holder): boolean {
    const state = this.resources.get(resource);
    if (state === undefined || !state.waiters.remove(holder)) return false;
    removeFrom(this.waitingBy, holder, resource);
    return true;
  }

  /** The holder holds a lease or waits for one. */
  involves(holder: Holder): boolean {
    return this.waitingBy.has(holder) || this.heldBy.has(holder);
  }

  releaseAll(holder: Holder): { readonly released: readonly LeaseGrant<Holder>[]; readonly next: readonly LeaseGrant<Holder>[]; readonly cancelledWaits: readonly string[] } {
    // Most processes never touch a lease: nothing to build for them.
    if (!this.waitingBy.has(holder) && !this.heldBy.has(holder)) return NOTHING_RELEASED;
    const cancelledWaits = [...(this.waitingBy.get(holder) ?? [])].sort(byCodeUnits);
    for (const resource of cancelledWaits) this.cancelWaiter(resource, holder);
    const released: LeaseGrant<Holder>[] = [];
    const next: LeaseGrant<Holder>[] = [];
    for (const resource of [...(this.heldBy.get(holder) ?? [])].sort(byCodeUnits)) {
      const ended = this.end(resource, this.stateOf(resource));
      released.push(ended.released);
      if (ended.next !== undefined) next.push(ended.next);
    }
    return { released, next, cancelledWaits };
  }

  isCurrent(resource: string, token: number): boolean {
    return this.resources.get(resource)?.grant.token === token;
  }

  holderOf(resource: string): LeaseGrant<Holder> | undefined {
    return this.resources.get(resource)?.grant;
  }

  waitersOf(resource: string): readonly Holder[] {
    return this.resources.get(resource)?.waiters.holders() ?? [];
  }

  grants(): readonly LeaseGrant<Holder>[] {
    return [...this.resources.values()].map((state) => state.grant).sort((a, b) => byCodeUnits(a.resource, b.resource));
  }

  /** The resource's state when the holder holds it with this token; otherwise why not. */
  private heldWith(resource: string, holder: Holder, token: number): ResourceState<Holder> | LeaseError {
    const state = this.resources.get(resource);
    if (state === undefined || state.grant.holder !== holder) return 'not-held';
    return state.grant.token === token ? state : 'stale-token';
  }

  private stateOf(resource: string): ResourceState<Holder> {
    const state = this.resources.get(resource);
    assert(state !== undefined, () => `lease ${resource} is indexed as held but has no holder`);
    return state;
  }

  /** Ends the current grant and passes the resource to the oldest waiter, if any. */
  private end(resource: string, state: ResourceState<Holder>): { released: LeaseGrant<Holder>; next?: LeaseGrant<Holder> } {
    const released = state.grant;
    removeFrom(this.heldBy, released.holder, resource);
    const waiter = state.waiters.shift();
    if (waiter === undefined) {
      this.resources.delete(resource);
      return { released };
    }
    removeFrom(this.waitingBy, waiter.holder, resource);
    state.grant = this.issue(resource, waiter.holder, waiter.ttl);
    return { released, next: state.grant };
  }

  // Keys in sorted order, so a grant copied into an event is already canonical.
  private issue(resource: string, holder: Holder, ttl: number): LeaseGrant<Holder> {
    addTo(this.heldBy, holder, resource);
    return { holder, resource, token: this.nextToken++, ttl };
  }
}
