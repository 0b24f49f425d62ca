// The effect table: every request the kernel has handed to the host and not yet seen complete.
// Ids are numbered per process name (`writer#3/e7`), so an extra effect in one process never
// shifts another's ids. A completion for an id that is no longer in flight (cancelled, or its
// process gone) is recorded by the kernel and then discarded, the same way on every run.
import { assert } from '../bytecode/errors.js';
import type { JsonValue } from '../bytecode/json.js';
import type { EffectId, Pid } from './ids.js';

export type EffectOp = 'model' | 'tool' | 'read' | 'write' | 'timer' | 'commit';

export type TimerPurpose = 'sleep' | 'recv' | 'await' | 'acquire' | 'lease' | 'budget' | 'backoff' | 'period';

export interface EffectError {
  readonly kind: string;
  readonly message: string;
}

export type Completion = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly error: EffectError };

/**
 * What the host is asked to do; `request` is recorded in the `effect.requested` event as is. The
 * host holds the ids as the log records them, and hands `effect` back with the completion.
 */
export interface EffectRequest {
  readonly effect: string;
  readonly pid: string;
  readonly op: EffectOp;
  readonly request: { readonly [key: string]: JsonValue };
}

export interface InFlight {
  readonly id: EffectId;
  readonly pid: Pid;
  readonly incarnation: number;
  readonly op: EffectOp;
  /** Timers: the virtual time the timer is due at; null for every other effect. */
  readonly due: number | null;
  readonly onComplete: (completion: Completion) => void;
}

export type DiscardReason = 'cancelled' | 'exited' | 'stale';

export class EffectTable {
  private readonly inFlight = new Map<EffectId, InFlight>();
  private readonly ended = new Map<EffectId, DiscardReason>();

  add(effect: InFlight): void {
    assert(!this.inFlight.has(effect.id), () => `effect id ${effect.id} issued twice`);
    this.inFlight.set(effect.id, effect);
  }

  get(id: EffectId): InFlight | undefined {
    return this.inFlight.get(id);
  }

  /** Takes an effect out of flight for completion; undefined (with why) when it is not in flight. */
  settle(id: EffectId): InFlight | DiscardReason {
    const effect = this.inFlight.get(id);
    if (effect === undefined) return this.ended.get(id) ?? 'stale';
    this.inFlight.delete(id);
    return effect;
  }

  /** Ends an effect without a completion; a completion that arrives later is discarded for `reason`. */
  end(id: EffectId, reason: DiscardReason): InFlight | undefined {
    const effect = this.inFlight.get(id);
    if (effect === undefined) return undefined;
    this.inFlight.delete(id);
    this.ended.set(id, reason);
    return effect;
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Effects in flight, in request order. */
  list(): InFlight[] {
    return [...this.inFlight.values()];
  }
}
