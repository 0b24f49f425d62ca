// The event kinds of src/bytecode/events.ts and schemas/event.schema.json are one list, the
// schema compiles under ajv's strict mode, accepts a line of every kind the chain writes, and
// rejects a broken line with an error that names the field at fault.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from '../../schemas/event.schema.json' with { type: 'json' };
import { EVENT_FORMAT_VERSION, EVENT_KINDS, GENESIS_HASH, type EventKind, type EventLine, type KernelEvent } from '../../src/bytecode/events.js';
import { HashChain } from '../../src/log/chain.js';

type Sample<K extends EventKind> = Omit<Extract<EventLine, { kind: K }>, 'h' | 'kind' | 'seq'>;

const HASH = 'ab'.repeat(32);

/** One valid event of every kind, typed by the generated types; run.started first, as line 0. */
const SAMPLES: { [K in EventKind]: Sample<K> } = {
  'run.started': {
    data: {
      workflow: { name: 'triage', version: '1.0.0' },
      codeHash: HASH,
      kernel: '0.1.0',
      format: 1,
      seed: 'seed-1',
      input: { ticket: 42 },
      options: { policy: 'round-robin', quantum: 100, orderedCompletions: true },
      backend: { name: 'scripted', tools: true, streaming: false, json: true },
    },
  },
  'run.finished': { data: { status: 'ok', output: ['done'] } },
  'proc.spawned': {
    pid: 'writer#1',
    data: {
      kind: 'agent',
      spec: 'writer',
      parent: 'main',
      incarnation: 0,
      input: null,
      task: 0,
      budget: { turns: 8, tokens: 20000, time: null },
      caps: { tools: ['grep'] },
    },
  },
  'proc.restarted': { pid: 'writer#1', data: { incarnation: 1, cause: 'retry', attempt: 2, checkpoint: 3 } },
  'proc.exited': { pid: 'writer#1', data: { incarnation: 1, status: 'failed', reason: 'budget', at: { procedure: 2, offset: 14 } } },
  'proc.signalled': { pid: 'writer#1', data: { op: 'pause', from: 'main' } },
  'msg.sent': { pid: 'main', data: { to: 'writer#1', msg: 0, value: { note: 'é' } } },
  'msg.received': { pid: 'writer#1', data: { from: 'main', msg: 0 } },
  'msg.dead': { pid: 'main', data: { to: 'writer#1', msg: 1, value: 7 } },
  'topic.subscribed': { pid: 'writer#1', data: { topic: 'news' } },
  'topic.published': { pid: 'main', data: { topic: 'news', value: 'hi', to: ['writer#1', 'critic#1'], first: 2 } },
  'effect.requested': { pid: 'writer#1', data: { effect: 'writer#1/e0', op: 'read', request: { path: '/shared/a.txt' } } },
  'effect.cancelled': { pid: 'writer#1', data: { effect: 'writer#1/e0' } },
  'effect.completed': { pid: 'writer#1', data: { effect: 'writer#1/e1', ok: false, error: { kind: 'timeout', message: 'no reply' } } },
  'timer.fired': { pid: 'writer#1', data: { effect: 'writer#1/e2' } },
  'signal.external': { data: { target: 'writer#1', op: 'cancel' } },
  'effect.discarded': { pid: 'writer#1', data: { effect: 'writer#1/e0', reason: 'cancelled' } },
  'lease.granted': { pid: 'writer#1', data: { resource: 'repo', token: 1, ttl: 30000 } },
  'lease.queued': { pid: 'critic#1', data: { resource: 'repo', position: 1 } },
  'lease.renewed': { pid: 'writer#1', data: { resource: 'repo', token: 1, ttl: -1 } },
  'lease.released': { pid: 'writer#1', data: { resource: 'repo', token: 1 } },
  'lease.expired': { pid: 'writer#1', data: { resource: 'repo', token: 1 } },
  'lease.refused': { pid: 'writer#1', data: { resource: 'repo', token: 1, reason: 'stale token' } },
  'cap.denied': { pid: 'writer#1', data: { op: 'spawn', detail: { spec: 'admin' }, at: null } },
  'budget.exhausted': { pid: 'writer#1', data: { limit: 'tokens' } },
  'task.opened': { pid: 'main', data: { task: 0, name: 'draft', owner: 'writer#1', input: {} } },
  'task.produced': { pid: 'writer#1', data: { task: 0, artifacts: [4, 5] } },
  'task.verified': { pid: 'critic#1', data: { task: 0, verdict: { pass: true }, by: 'critic#1' } },
  'task.rejected': { pid: 'critic#1', data: { task: 0, verdict: { pass: false }, by: 'critic#1' } },
  'task.failed': { pid: 'main', data: { task: 0, reason: 'rejected twice' } },
  'artifact.recorded': { pid: 'writer#1', data: { id: 4, kind: 'draft', hash: HASH, size: 120, incarnation: 1, inputs: [] } },
  'checkpoint.saved': { pid: 'writer#1', data: { artifact: 5, pc: 17 } },
  'supervisor.escalated': { pid: 'main', data: { policy: 'one_for_one', child: 'writer#1', restarts: 4 } },
  'retry.scheduled': { pid: 'writer#1', data: { on: 'malformed_output', attempt: 2, backoff: 500 } },
  'output.malformed': { pid: 'writer#1', data: { effect: 'writer#1/e3', error: '/title: must be string' } },
  'overlay.committed': { pid: 'writer#1', data: { overlay: '/overlays/draft', over: '/shared', effect: 'writer#1/e4' } },
  'overlay.discarded': { pid: 'writer#1', data: { overlay: '/overlays/draft', over: '/shared' } },
};

const KINDS = Object.keys(EVENT_KINDS) as EventKind[];

/** The lines HashChain writes for the samples, in order, parsed back. */
function sampleLines(): Record<string, unknown>[] {
  const chain = new HashChain();
  // The generated data interfaces carry no index signature, so they need a cast to KernelEvent's data.
  return KINDS.map((kind) => JSON.parse(chain.append({ seq: chain.count, kind, ...SAMPLES[kind] } as unknown as KernelEvent)) as Record<string, unknown>);
}

const validate = new Ajv2020({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true }).compile(schema);

function errorsOf(line: unknown): ErrorObject[] {
  return validate(line) ? [] : (validate.errors ?? []);
}

/** True when one of the errors is about field: a path like /data/seed, or a key of the object at fault. */
function names(errors: ErrorObject[], field: string): boolean {
  const key = field.slice(field.lastIndexOf('/') + 1);
  const parent = field.slice(0, field.lastIndexOf('/'));
  return errors.some((e) => e.instancePath === field || (e.instancePath === parent && [e.params.missingProperty, e.params.additionalProperty, e.params.tag].includes(key)));
}

type Variant = { properties: { kind: { const: string }; data: { required: string[]; properties: Record<string, unknown> } }; description: string };
const variants = schema.oneOf.map(({ $ref }) => (schema.$defs as unknown as Record<string, Variant>)[$ref.replace('#/$defs/', '')] as Variant);

describe('the event kinds', () => {
  it('are the schema\'s kind enum, in order, and each has one variant of EventLine', () => {
    expect(schema.$defs.eventKind.enum).toEqual(KINDS);
    expect(variants.map((v) => v.properties.kind.const)).toEqual(KINDS);
    expectTypeOf<EventKind>().toEqualTypeOf<EventLine['kind']>();
  });

  it('are documented by one sentence each, the same in the table and the schema', () => {
    for (const [i, kind] of KINDS.entries()) {
      const { doc } = EVENT_KINDS[kind];
      expect(doc, kind).toMatch(/^[A-Z][^]*\.$/);
      expect(doc.slice(0, -1), kind).not.toMatch(/\.(\s|$)/);
      expect(variants[i]?.description, kind).toBe(doc);
    }
  });

  it('mark exactly the inputs admitted from the host', () => {
    expect(KINDS.filter((kind) => EVENT_KINDS[kind].input)).toEqual(['effect.completed', 'timer.fired', 'signal.external']);
  });

  it('record the format version the schema accepts, and chain from 64 zeros', () => {
    expect(schema.$defs.runStarted.properties.data.properties.format.const).toBe(EVENT_FORMAT_VERSION);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});

describe('schemas/event.schema.json', () => {
  it('compiles in ajv strict mode, which refuses unknown keywords', () => {
    expect(typeof validate).toBe('function');
    const strict = new Ajv2020({ strict: true, allowUnionTypes: true });
    expect(() => strict.compile({ ...schema, $id: 'x', 'x-extra': 1 })).toThrow(/unknown keyword/);
  });

  it('accepts the line HashChain writes for a sample of every kind', () => {
    for (const line of sampleLines()) expect(errorsOf(line), String(line.kind)).toEqual([]);
  });

  it('rejects a line missing any required data field, naming the field', () => {
    for (const [i, line] of sampleLines().entries()) {
      for (const field of variants[i]?.properties.data.required ?? []) {
        const broken = structuredClone(line) as { data: Record<string, unknown> };
        delete broken.data[field];
        expect(names(errorsOf(broken), `/data/${field}`), `${String(line.kind)} without ${field}`).toBe(true);
      }
    }
  });

  it('rejects a data field of the wrong type, naming the field', () => {
    const isAnyValue = (property: unknown) => (property as { $ref?: string }).$ref === '#/$defs/jsonValue';
    for (const [i, line] of sampleLines().entries()) {
      const variant = variants[i] as Variant;
      const field = variant.properties.data.required.find((name) => !isAnyValue(variant.properties.data.properties[name]));
      expect(field, String(line.kind)).toBeDefined();
      const broken = structuredClone(line) as { data: Record<string, unknown> };
      broken.data[field as string] = { wrong: [] };
      expect(names(errorsOf(broken), `/data/${field}`), `${String(line.kind)} with a wrong ${field}`).toBe(true);
    }
  });

  it('rejects an unknown kind, an extra envelope key, and a malformed h or seq', () => {
    const [started, finished] = sampleLines() as [Record<string, unknown>, Record<string, unknown>];
    expect(names(errorsOf({ ...finished, kind: 'run.paused' }), '/kind')).toBe(true);
    expect(names(errorsOf({ ...finished, extra: 1 }), '/extra')).toBe(true);
    expect(names(errorsOf({ ...finished, h: 'AB'.repeat(32) }), '/h')).toBe(true);
    expect(names(errorsOf({ ...finished, seq: -1 }), '/seq')).toBe(true);
    expect(names(errorsOf({ ...started, seq: 3 }), '/seq')).toBe(true);
  });

  it('rejects a pid where a kind has none and a missing pid where it has one, and a null data', () => {
    const lines = sampleLines();
    const line = (kind: EventKind) => lines[KINDS.indexOf(kind)] as Record<string, unknown>;
    expect(names(errorsOf({ ...line('run.finished'), pid: 'main' }), '/pid')).toBe(true);
    const { pid: _pid, ...withoutPid } = line('msg.sent');
    expect(names(errorsOf(withoutPid), '/pid')).toBe(true);
    expect(names(errorsOf({ ...line('timer.fired'), data: null }), '/data')).toBe(true);
  });

  it('names the instruction a failure or a denial is charged to as a procedure and an offset, or null', () => {
    const lines = sampleLines();
    for (const kind of ['proc.exited', 'cap.denied'] as const) {
      const line = lines[KINDS.indexOf(kind)] as { data: Record<string, unknown> };
      const at = (value: unknown) => errorsOf({ ...line, data: { ...line.data, at: value } });
      expect(at(null), kind).toEqual([]);
      expect(at({ offset: 0, procedure: 0 }), kind).toEqual([]);
      expect(names(at({ offset: -1, procedure: 0 }), '/data/at/offset'), kind).toBe(true);
      expect(names(at({ offset: 3 }), '/data/at/procedure'), kind).toBe(true);
      expect(names(at({ offset: 3, procedure: 1, pid: 'main' }), '/data/at/pid'), kind).toBe(true);
    }
  });

  it('ties a completion\'s error to ok being false', () => {
    const completed = sampleLines()[KINDS.indexOf('effect.completed')] as { data: Record<string, unknown> };
    expect(errorsOf({ ...completed, data: { effect: 'writer#1/e1', ok: true, value: 1 } })).toEqual([]);
    expect(names(errorsOf({ ...completed, data: { effect: 'writer#1/e1', ok: false } }), '/data/error')).toBe(true);
    expect(names(errorsOf({ ...completed, data: { ...completed.data, ok: true } }), '/data/error')).toBe(true);
    expect(names(errorsOf({ ...completed, data: { ...completed.data, value: 1 } }), '/data/value')).toBe(true);
  });
});
