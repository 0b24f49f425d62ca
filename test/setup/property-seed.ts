// Property and fuzz tests draw fresh cases on every local run, so they keep finding new inputs.
// With AOS_PROPERTY_SEED set (as .ci/run sets it), every run draws the same cases, so CI's
// verdict depends on the change under test alone. A failure prints its seed; rerun with
// AOS_PROPERTY_SEED=<seed> to reproduce it.
import fc from 'fast-check';

const seed = process.env['AOS_PROPERTY_SEED'];
if (seed !== undefined && seed !== '') {
  const value = Number(seed);
  if (!Number.isSafeInteger(value)) throw new Error(`AOS_PROPERTY_SEED must be an integer, got ${JSON.stringify(seed)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: value });
}
