import { describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../../src/runtime/redact.js';

describe('redaction at admission', () => {
  const redactions = { paths: [{ host: '/srv/runs/r1', standIn: '<run>' }, { host: '/srv/runs/r1/workspace', standIn: '<workspace>' }], secrets: ['sk-test-0123456789', 'short'] };

  it('replaces secrets anywhere in a value, keys included, and host paths by their stand-ins, longest first', () => {
    const out = redact({ ok: true, value: { stdout: 'key sk-test-0123456789 used', 'sk-test-0123456789': ['/srv/runs/r1/workspace/a.c:3: error', '/srv/runs/r1/log'] } }, redactions);
    expect(out).toEqual({ ok: true, value: { stdout: `key ${REDACTED} used`, [REDACTED]: ['<workspace>/a.c:3: error', '<run>/log'] } });
  });

  it('redacts error messages too, and leaves values shorter than 8 characters alone', () => {
    expect(redact({ ok: false, error: { kind: 'io', message: 'short sk-test-0123456789' } }, redactions)).toEqual({ ok: false, error: { kind: 'io', message: `short ${REDACTED}` } });
  });
});
