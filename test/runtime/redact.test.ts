import { describe, expect, it } from 'vitest';
import { redact, redactBytes, redactValue, REDACTED, withoutSecrets } from '../../src/runtime/redact.js';

describe('redaction at admission', () => {
  const redactions = { paths: [{ host: '/srv/runs/r1', standIn: '<run>' }, { host: '/srv/runs/r1/workspace', standIn: '<workspace>' }], secrets: ['sk-test-0123456789', 'short'] };

  it('replaces secrets anywhere in a value, keys included, and host paths by their stand-ins, longest first', () => {
    const out = redact({ ok: true, value: { stdout: 'key sk-test-0123456789 used', 'sk-test-0123456789': ['/srv/runs/r1/workspace/a.c:3: error', '/srv/runs/r1/log'] } }, redactions);
    expect(out).toEqual({ ok: true, value: { stdout: `key ${REDACTED} used`, [REDACTED]: ['<workspace>/a.c:3: error', '<run>/log'] } });
  });

  it('redacts error messages too, and a secret of any length', () => {
    expect(redact({ ok: false, error: { kind: 'io', message: 'short sk-test-0123456789' } }, redactions)).toEqual({ ok: false, error: { kind: 'io', message: `${REDACTED} ${REDACTED}` } });
    expect(redactValue({ token: 'k9', list: ['a k9 b'] }, { paths: [], secrets: ['k9'] })).toEqual({ token: REDACTED, list: [`a ${REDACTED} b`] });
    expect(Buffer.from(redactBytes(Buffer.from([0xff, 0x6b, 0x39, 0x00]), { paths: [], secrets: ['k9'] })).equals(Buffer.concat([Buffer.from([0xff]), Buffer.from(REDACTED), Buffer.from([0x00])]))).toBe(true);
  });

  it('replaces in one pass: a stand-in it put in is never taken for a secret', () => {
    const overlapping = { paths: [{ host: '/srv/runs/r1', standIn: '<run>' }], secrets: ['run', 'dac'] };
    expect(redactValue('/srv/runs/r1/log run', overlapping)).toBe(`<run>/log ${REDACTED}`);
    expect(Buffer.from(redactBytes(Buffer.from('/srv/runs/r1 dac'), overlapping)).toString()).toBe(`<run> ${REDACTED}`);
  });

  it('withholds from a tool every variable that holds a secret, however short', () => {
    expect(withoutSecrets({ KEY: 'k9', MIRROR: 'x-k9-x', PATH: '/usr/bin', UNSET: undefined }, ['k9'])).toEqual({ PATH: '/usr/bin', UNSET: undefined });
  });
});
