// The hash chain writes each event as RFC 8785 canonical JSON with h in its sorted place, h
// chains from 64 zeros, and the reference verifier finds any damage at the seq of the damaged line.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { GENESIS_HASH, type KernelEvent } from '../../src/bytecode/events.js';
import { HashChain, eventText, lineHolds, verifyLines } from '../../src/log/chain.js';
import { eventBody, events, json, KINDS } from './arbitraries.js';

const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;

function chainOf(list: readonly KernelEvent[]): { lines: string[]; chain: HashChain } {
  const chain = new HashChain();
  return { lines: list.map((event) => chain.append(event)), chain };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('eventText', () => {
  it('is the canonicalize package\'s output for the event, with integer-like keys, unicode and nesting', () => {
    fc.assert(
      fc.property(eventBody, fc.nat(), (body, seq) => {
        const event: KernelEvent = { seq, ...body };
        expect(eventText(event)).toBe(canonicalize(event));
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out data and pid when they are absent', () => {
    expect(eventText({ seq: 3, kind: 'signal.external' })).toBe('{"kind":"signal.external","seq":3}');
    expect(eventText({ seq: 0, kind: 'run.finished', data: { 10: 1, 9: 2, b: [{ z: 1, a: 2 }] } })).toBe('{"data":{"10":1,"9":2,"b":[{"a":2,"z":1}]},"kind":"run.finished","seq":0}');
  });
});

describe('HashChain', () => {
  it('writes canonical lines: the event with its h, in sorted key order', () => {
    fc.assert(
      fc.property(events, (list) => {
        const { lines } = chainOf(list);
        for (const [i, line] of lines.entries()) {
          const h = (JSON.parse(line) as { h: string }).h;
          expect(line).toBe(canonicalize({ ...list[i], h }));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('chains h from 64 zeros: h = sha256(previous h followed by the text without h)', () => {
    const first: KernelEvent = { seq: 0, kind: 'run.finished', data: { status: 'ok' } };
    const second: KernelEvent = { seq: 1, kind: 'msg.received', pid: 'main', data: { from: 'writer#1', msg: 0 } };
    const { lines, chain } = chainOf([first, second]);
    const h0 = sha256('0'.repeat(64) + eventText(first));
    const h1 = sha256(h0 + eventText(second));
    expect(lines[0]).toBe(`{"data":{"status":"ok"},"h":"${h0}","kind":"run.finished","seq":0}`);
    expect(lines[1]).toBe(`{"data":{"from":"writer#1","msg":0},"h":"${h1}","kind":"msg.received","pid":"main","seq":1}`);
    expect(chain.head).toBe(h1);
    expect(chain.count).toBe(2);
    expect(new HashChain().head).toBe(GENESIS_HASH);
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    const event: KernelEvent = { seq: 0, kind: 'msg.sent', pid: 'é', data: { value: '😀' } };
    const bytes = Buffer.concat([Buffer.from('0'.repeat(64)), Buffer.from(eventText(event), 'utf8')]);
    expect(new HashChain().append(event)).toContain(createHash('sha256').update(bytes).digest('hex'));
  });

  it('continues a log from its head and count, giving the same lines', () => {
    fc.assert(
      fc.property(events, fc.nat(), (list, cut) => {
        const at = cut % list.length;
        const { lines } = chainOf(list);
        const prefix = chainOf(list.slice(0, at)).chain;
        const resumed = new HashChain(prefix.head, prefix.count);
        expect(list.slice(at).map((event) => resumed.append(event))).toEqual(lines.slice(at));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses an event out of seq order as a kernel bug', () => {
    const chain = new HashChain();
    expect(() => chain.append({ seq: 1, kind: 'run.finished' })).toThrow(/seq 1 is not the next seq 0/);
    chain.append({ seq: 0, kind: 'run.finished' });
    expect(() => chain.append({ seq: 0, kind: 'run.finished' })).toThrow(/seq 0 is not the next seq 1/);
    expect(() => new HashChain('x')).toThrow(/64 lowercase hex/);
  });
});

describe('verifyLines', () => {
  it('accepts a chain and returns its head and count', () => {
    fc.assert(
      fc.property(events, (list) => {
        const { lines, chain } = chainOf(list);
        expect(verifyLines(lines)).toEqual({ ok: true, head: chain.head, count: list.length });
        expect(verifyLines([])).toEqual({ ok: true, head: GENESIS_HASH, count: 0 });
      }),
      { numRuns: 200 },
    );
  });

  it('checks a segment from the hash of the line before it and its first seq', () => {
    const { lines, chain } = chainOf(KINDS.slice(0, 6).map((kind, seq) => ({ seq, kind })));
    const before = verifyLines(lines.slice(0, 2));
    expect(before.ok).toBe(true);
    expect(verifyLines(lines.slice(2), before.ok ? before.head : '', 2)).toEqual({ ok: true, head: chain.head, count: 6 });
    expect(verifyLines(lines.slice(2), GENESIS_HASH, 2)).toMatchObject({ ok: false, seq: 2 });
  });

  it('finds a flipped bit in any byte of any line at that line\'s seq', () => {
    fc.assert(
      fc.property(events, fc.nat(), fc.nat(), fc.nat({ max: 7 }), (list, lineIndex, byteIndex, bit) => {
        const { lines } = chainOf(list);
        const at = lineIndex % lines.length;
        const bytes = Buffer.from(lines[at] as string, 'utf8');
        const offset = byteIndex % bytes.length;
        bytes[offset] = (bytes[offset] as number) ^ (1 << bit);
        const damaged = [...lines];
        damaged[at] = bytes.toString('utf8');
        expect(verifyLines(damaged)).toMatchObject({ ok: false, seq: at });
      }),
      { numRuns: 1000 },
    );
  });

  it('finds a dropped line at its seq; a dropped last line shows in the head and count', () => {
    fc.assert(
      fc.property(events, fc.nat(), (list, index) => {
        const { lines, chain } = chainOf(list);
        const at = index % lines.length;
        const verdict = verifyLines(lines.filter((_, i) => i !== at));
        if (at < lines.length - 1) expect(verdict).toMatchObject({ ok: false, seq: at, problem: `seq is ${at + 1}, expected ${at}` });
        else expect(verdict.ok && (verdict.count !== chain.count && verdict.head !== chain.head)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('finds two swapped lines at the first of them', () => {
    fc.assert(
      fc.property(events.filter((list) => list.length >= 2), fc.nat(), fc.nat(), (list, a, b) => {
        const { lines } = chainOf(list);
        const i = a % lines.length;
        const j = b % lines.length;
        fc.pre(i !== j);
        const swapped = [...lines];
        [swapped[i], swapped[j]] = [lines[j] as string, lines[i] as string];
        expect(verifyLines(swapped)).toMatchObject({ ok: false, seq: Math.min(i, j) });
      }),
      { numRuns: 200 },
    );
  });

  it('finds a changed field at its line, or at the next line when the changed line\'s h was recomputed', () => {
    fc.assert(
      fc.property(events, fc.nat(), json, (list, index, value) => {
        const at = index % list.length;
        const original = list[at] as KernelEvent;
        const changedEvent: KernelEvent = { ...original, data: { ...original.data, changed: value as never } };
        fc.pre(eventText(changedEvent) !== eventText(original));
        const { lines } = chainOf(list);
        const h = (JSON.parse(lines[at] as string) as { h: string }).h;
        const keptHash = [...lines];
        keptHash[at] = canonicalize({ ...changedEvent, h });
        expect(verifyLines(keptHash)).toMatchObject({ ok: false, seq: at, problem: expect.stringMatching(/^h is /) });

        const forged = [...lines];
        forged[at] = new HashChain(chainOf(list.slice(0, at)).chain.head, at).append(changedEvent);
        const verdict = verifyLines(forged);
        if (at < list.length - 1) expect(verdict).toMatchObject({ ok: false, seq: at + 1 });
        else expect(verdict.ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('names what is wrong with a line that is not canonical or not an event', () => {
    const { lines } = chainOf([{ seq: 0, kind: 'run.finished', data: { b: 1, a: 2 } }]);
    const line = lines[0] as string;
    const cases: [string, RegExp][] = [
      [line.replace('{"data"', '{ "data"'), /not canonical/],
      [line.replace('{"a":2,"b":1}', '{"b":1,"a":2}'), /not canonical/],
      [line.replace('"seq":0', '"seq":0.0'), /not canonical/],
      [line.replace('"seq":0}', '"seq":0,"x":1}'), /unexpected key "x"/],
      [line.replace('"a":2', '"a":1e999'), /no canonical form/],
      [line.replace('"seq":0', '"seq":"0"'), /seq is not an integer/],
      [line.slice(0, -1), /not JSON/],
      ['[]', /not a JSON object/],
      [line.replace('"data":{"a":2,"b":1}', '"data":[]'), /data is not an object/],
    ];
    for (const [text, problem] of cases) expect(verifyLines([text]), text).toMatchObject({ ok: false, seq: 0, problem: expect.stringMatching(problem) });
  });
});

describe('lineHolds', () => {
  const lineOf = (event: KernelEvent): string => new HashChain(GENESIS_HASH, event.seq).append(event);
  /** Where the line's h digits start: the envelope's h comes right before its kind, the last `"kind":"` of a line. */
  const hAt = (line: string): number => line.lastIndexOf('"h":"', line.lastIndexOf('"kind":"')) + 5;

  it('holds for the event\'s own line, in place in a longer text, whatever its h', () => {
    fc.assert(
      fc.property(eventBody, fc.nat({ max: 10_000_000 }), fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), (body, seq, head, tail) => {
        const event: KernelEvent = { seq, ...body };
        const line = lineOf(event);
        expect(lineHolds(head + line + tail, head.length, head.length + line.length, event)).toBe(true);
        const otherH = line.slice(0, hAt(line)) + 'f'.repeat(64) + line.slice(hAt(line) + 64);
        expect(lineHolds(otherH, 0, otherH.length, event)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('fails for a line with any character outside its h changed, dropped or added', () => {
    fc.assert(
      fc.property(eventBody, fc.nat({ max: 10_000_000 }), fc.nat(), fc.constantFrom('change', 'drop', 'add'), (body, seq, where, how) => {
        const event: KernelEvent = { seq, ...body };
        const line = lineOf(event);
        const h = hAt(line);
        const outside = [...Array(line.length).keys()].filter((i) => i < h || i >= h + 64);
        const at = outside[where % outside.length] as number;
        const c = line[at] === 'x' ? 'y' : 'x';
        const damaged = how === 'change' ? line.slice(0, at) + c + line.slice(at + 1) : how === 'drop' ? line.slice(0, at) + line.slice(at + 1) : line.slice(0, at) + c + line.slice(at);
        expect(lineHolds(damaged, 0, damaged.length, event)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('fails for another event\'s line: another seq, kind, pid or data', () => {
    const event: KernelEvent = { seq: 120, kind: 'msg.sent', pid: 'worker#12', data: { msg: 3, to: 'main', value: 3 } };
    const line = lineOf(event);
    expect(lineHolds(line, 0, line.length, event)).toBe(true);
    for (const other of [{ ...event, seq: 12 }, { ...event, seq: 1200 }, { ...event, kind: 'msg.dead' as const }, { ...event, pid: 'worker#1' }, { ...event, pid: undefined }, { ...event, data: { msg: 3, to: 'main', value: 4 } }, { ...event, data: undefined }]) {
      expect(lineHolds(line, 0, line.length, other as KernelEvent)).toBe(false);
    }
  });
});
