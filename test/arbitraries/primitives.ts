// The leaves of generated workflows: names, strings and numbers, shaped so that every value is
// schema-valid and printable as DSL (no reserved word as a name, only finite numbers, no -0).
import fc from 'fast-check';
import { K } from '../../src/compiler/dsl/tokens.js';

/** The DSL's reserved words: no name may be one (contextual words such as `worker` may). */
export const RESERVED: ReadonlySet<string> = new Set(Object.keys(K));

/** Options every generated record uses: plain objects, never null-prototype ones. */
export const plain = { noNullPrototype: true } as const;

/** A few names that recur, so that references collide with declarations now and then. */
const namePool = ['a', 'b', 'writer', 'docs-merge', '_tmp', 'r2', 'x_1', 'worker', 'path', 'any', 'kill', 'parent'];

export const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...namePool) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,10}$/).filter((n) => !RESERVED.has(n)) },
);

export const namesArb: fc.Arbitrary<string[]> = fc.array(nameArb, { maxLength: 3 });

/** Mostly printable ASCII; sometimes any code unit, lone surrogates and control characters included. */
export const textArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('/* not a comment */', '// nor this', '"""', '\\n', 'a\nb\tc', '\u2028', 'é😀') },
);

export const nonEmptyTextArb: fc.Arbitrary<string> = textArb.filter((s) => s.length > 0);

/** Safe integers, biased to small ones. */
export const intArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -10, max: 1000 }) },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
);

/** Counts, sizes and durations: mostly positive, sometimes zero or negative (the checks reject those, not the grammar). */
export const countArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: -1 }) },
);

export const durationArb: fc.Arbitrary<number> = countArb;

/** Finite numbers with fractions and exponents, never -0 (JSON cannot carry it). */
export const decimalArb: fc.Arbitrary<number> = fc
  .double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true })
  .map((n) => (Object.is(n, -0) ? 0 : n));
