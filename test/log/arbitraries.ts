// Arbitrary events for the log's property tests: keys that sort in surprising ways (integer-like,
// non-ASCII, astral), nested JSON, and any kind and pid.
import fc from 'fast-check';
import { EVENT_KINDS, type EventKind, type KernelEvent } from '../../src/bytecode/events.js';

export const KINDS = Object.keys(EVENT_KINDS) as EventKind[];

// Strings of the characters JSON escapes among plain ones: binary strings alone almost never hold them.
const escaped = fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\ud800', '\udfff', 'a', 'é', '😀'), maxLength: 6 });
const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), escaped, fc.nat({ max: 20 }).map(String), fc.constantFrom('10', '9', 'a', 'B', 'é', '😀', 'data', 'h'));
export const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), escaped, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** Data, pid and kind of an event; seq is given when it is chained. */
export const eventBody = fc.record(
  {
    kind: fc.constantFrom(...KINDS),
    pid: fc.oneof(fc.constantFrom('main', 'writer#3', 'main/branch1#2'), fc.string({ unit: 'binary', maxLength: 6 })),
    data: fc.array(fc.tuple(key, json), { maxLength: 4 }).map((entries) => Object.fromEntries(entries) as KernelEvent['data']),
  },
  { requiredKeys: ['kind'] },
);

export const events = fc.array(eventBody, { minLength: 1, maxLength: 8 }).map((bodies) => bodies.map((body, seq): KernelEvent => ({ seq, ...body })));
