// Completion-order races: fast-check's scheduler decides in which order effect completions reach
// the kernel, and when they arrive between its steps. Under every order it finds, the run
// finishes, its result does not depend on the order when the workflow's output does not, no
// lease has two holders, no message is received twice, seqs are consecutive and no effect's
// completion is applied twice (even when the host delivers it twice).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bytecode } from '../../src/bytecode/format.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { Kernel, type Completion, type KernelInput, type StepOutput } from '../../src/vm/kernel.js';
import type { EffectRequest } from '../../src/vm/effects.js';
import { compileDsl } from './helpers.js';

interface DriveOptions {
  /** Deliver every non-timer completion twice, as a host that retries its delivery might. */
  readonly duplicate: boolean;
  /**
   * Let the earliest timer, when it is due within RACE_HORIZON, fire at any moment, racing
   * completions (timers still fire in due order among themselves). Otherwise, and for longer
   * timers such as budgets, timers fire only when nothing else can happen, as simulated time does.
   */
  readonly timersRace: boolean;
}

/** How far ahead a racing timer may be due: work in flight may take this long, not hours. */
const RACE_HORIZON = 5000;

interface Driven {
  readonly kernel: Kernel;
  readonly log: KernelEvent[];
}

type Arrival = { kind: 'step' } | { kind: 'input'; input: KernelInput };

/**
 * Runs a workflow to its end with `s` choosing what happens next: a kernel step (while a process
 * is ready) or the arrival of one of the scheduled completions.
 */
async function drive(s: fc.Scheduler, bytecode: Bytecode, answer: (request: EffectRequest) => Completion, options: DriveOptions): Promise<Driven> {
  const log: KernelEvent[] = [];
  const arrived: Arrival[] = [];
  const timers: { effect: string; due: number; order: number }[] = [];
  let order = 0;
  let now = 0;
  let stepScheduled = false;
  let timerScheduled: string | null = null;
  let unsettled = 0;

  const schedule = (arrival: Arrival, label: string): void => {
    unsettled++;
    void s.schedule(Promise.resolve(arrival), label).then((a) => {
      unsettled--;
      arrived.push(a);
    });
  };
  const handle = (output: StepOutput): void => {
    log.push(...output.events);
    for (const id of output.cancels) {
      const at = timers.findIndex((t) => t.effect === id);
      if (at >= 0) timers.splice(at, 1);
    }
    for (const request of output.requests) {
      if (request.op === 'timer') {
        timers.push({ effect: request.effect, due: now + (request.request['ms'] as number), order: order++ });
        continue;
      }
      const input: KernelInput = { kind: 'effect.completed', effect: request.effect, completion: answer(request) };
      schedule({ kind: 'input', input }, request.effect);
      if (options.duplicate) schedule({ kind: 'input', input }, `${request.effect} again`);
    }
  };
  const nextTimer = (): { effect: string; due: number } | undefined => [...timers].sort((a, b) => a.due - b.due || a.order - b.order)[0];
  const fireTimer = (effect: string): void => {
    const at = timers.findIndex((t) => t.effect === effect);
    if (at < 0) return; // cancelled while it waited to arrive
    const [timer] = timers.splice(at, 1);
    now = Math.max(now, timer!.due);
    handle(kernel.admit({ kind: 'timer.fired', effect }));
  };

  const { kernel, output } = Kernel.start({ bytecode, seed: 'interleave' });
  handle(output);
  for (let guard = 0; !kernel.finished; guard++) {
    if (guard > 100_000) throw new Error('the driver made no progress');
    const next = arrived.shift();
    if (next !== undefined) {
      if (next.kind === 'step') {
        stepScheduled = false;
        if (kernel.runnable) handle(kernel.step());
      } else if (next.input.kind === 'timer.fired') {
        timerScheduled = null;
        fireTimer(next.input.effect);
      } else {
        handle(kernel.admit(next.input));
      }
      continue;
    }
    if (kernel.runnable && !stepScheduled) {
      stepScheduled = true;
      schedule({ kind: 'step' }, 'step');
    }
    const earliest = nextTimer();
    if (options.timersRace && earliest !== undefined && timerScheduled === null && earliest.due - now <= RACE_HORIZON) {
      timerScheduled = earliest.effect;
      schedule({ kind: 'input', input: { kind: 'timer.fired', effect: earliest.effect } }, `${earliest.effect} fires`);
    }
    if (s.count() > 0) {
      await s.waitNext(1);
    } else if (unsettled > 0) {
      await Promise.resolve();
    } else if (earliest !== undefined) {
      fireTimer(earliest.effect);
    } else {
      break;
    }
  }
  return { kernel, log };
}

/** What went wrong in a run that every order must respect; empty when nothing did. */
function violations({ kernel, log }: Driven): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: () => string): void => {
    if (!ok) problems.push(problem());
  };
  check(kernel.finished, () => 'the run did not finish');
  check(log[log.length - 1]?.kind === 'run.finished', () => 'the last event is not run.finished');
  log.forEach((e, i) => check(e.seq === i, () => `event ${i} has seq ${e.seq}`));

  const sent = new Set<number>();
  const received = new Set<number>();
  const holders = new Map<string, { holder: string; token: number }>();
  let highestToken = 0;
  const requested = new Set<string>();
  const applied = new Map<string, number>();
  for (const e of log) {
    const d = (e.data ?? {}) as { [key: string]: JsonValue };
    switch (e.kind) {
      case 'msg.sent':
        sent.add(d['msg'] as number);
        break;
      case 'topic.published':
        (d['to'] as string[]).forEach((_, i) => sent.add((d['first'] as number) + i));
        break;
      case 'msg.received': {
        const id = d['msg'] as number;
        check(sent.has(id), () => `message ${id} received before it was sent`);
        check(!received.has(id), () => `message ${id} received twice`);
        received.add(id);
        break;
      }
      case 'lease.granted': {
        const resource = d['resource'] as string;
        const current = holders.get(resource);
        check(current === undefined || current.holder === e.pid, () => `${resource} granted to ${e.pid} while ${current?.holder} holds it`);
        check((d['token'] as number) > highestToken, () => `token ${d['token']} after ${highestToken}`);
        highestToken = d['token'] as number;
        holders.set(resource, { holder: e.pid as string, token: highestToken });
        break;
      }
      case 'lease.released':
      case 'lease.expired': {
        const resource = d['resource'] as string;
        if (holders.get(resource)?.token === d['token']) holders.delete(resource);
        break;
      }
      case 'effect.requested': {
        const id = d['effect'] as string;
        check(!requested.has(id), () => `effect ${id} requested twice`);
        requested.add(id);
        // A write under a lease is issued only while the writer holds that very grant.
        const token = (d['request'] as { token?: number }).token;
        if (token !== undefined) check([...holders.values()].some((h) => h.token === token && h.holder === e.pid), () => `${e.pid} wrote with token ${token} it does not hold`);
        break;
      }
      case 'effect.completed':
      case 'timer.fired': {
        const id = d['effect'] as string;
        check(requested.has(id), () => `completion of ${id}, never requested`);
        applied.set(id, (applied.get(id) ?? 0) + 1);
        break;
      }
      case 'effect.discarded': {
        const id = d['effect'] as string;
        applied.set(id, (applied.get(id) ?? 0) - 1);
        break;
      }
    }
  }
  for (const [id, times] of applied) check(times <= 1, () => `effect ${id} applied ${times} times`);
  return problems;
}

function assertInvariants(driven: Driven): void {
  expect(violations(driven)).toEqual([]);
}

/** Fakes for every effect: replies that depend only on the request, never on the order. */
function answer(request: EffectRequest): Completion {
  switch (request.op) {
    case 'model':
      return { ok: true, value: { content: { ok: true, prompt: request.request['prompt'] ?? null }, usage: { input: 3, output: 2 } } };
    case 'tool':
      return { ok: true, value: { exit_code: 0, stderr: '', stdout: (request.request['argv'] as string[]).join(' ') } };
    case 'read':
      return { ok: true, value: `text of ${request.request['path'] as string}` };
    default:
      return { ok: true, value: null };
  }
}

const drives = fc.record({ duplicate: fc.boolean(), timersRace: fc.constant(false) });

const parallelWork = compileDsl(`workflow branches version "1"
model default { id "m" }
artifact reply schema { "type": "object", "required": ["ok"] }
tool probe { argv ["probe", $who] param who string }
agent worker {
  model default
  mount shared "/in"
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let t = null
    let a = null
    let r = null
    let u = null
    parallel {
      branch { set t = exec probe { who: "left" } }
      branch { set a = ask "think" with input returns reply }
      branch { set r = read "/in/notes.txt" }
      branch {
        let first = exec probe { who: "right" }
        set u = ask "again" with first returns reply
      }
    }
    exit [t.stdout, a.prompt, r, u.prompt]
  }
}
main {
  let w = call worker with "go" timeout 1h
  exit w
}`);

const fanout = (timeout: string): Bytecode =>
  compileDsl(`workflow fanout version "1"
model default { id "m" }
artifact reply schema { "type": "object", "required": ["ok"] }
tool probe { argv ["probe", $who] param who string }
agent helper {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let a = ask "help" with input returns reply
    let t = exec probe { who: input }
    send parent { from: input, out: t.stdout }
    exit t.stdout
  }
}
main {
  let h1 = spawn helper with "one"
  let h2 = spawn helper with "two"
  let h3 = spawn helper with "three"
  let r3 = await h3 timeout ${timeout}
  let r1 = await h1 timeout ${timeout}
  let m2 = recv from h2 timeout ${timeout}
  let m1 = recv from h1 timeout ${timeout}
  let m3 = recv from h3 timeout ${timeout}
  let r2 = await h2 timeout ${timeout}
  let again = call helper with "four" timeout ${timeout}
  exit [r1.output, r2.output, r3.output, again.output, m1, m2, m3]
}`);

const coordinator = fanout('1h');

const contention = (ttl: string): Bytecode =>
  compileDsl(`workflow contention version "1"
model default { id "m" }
tool probe { argv ["probe", $who] param who string }
agent user {
  model default
  mount shared "/shared"
  caps { tools [probe] leases ["bench"] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let hold = acquire "bench" ${ttl}
    let t = exec probe { who: input }
    write "/shared/log.txt" t.stdout lease hold
    release hold
    exit input
  }
}
main {
  let a = spawn user with "a"
  let b = spawn user with "b"
  let c = spawn user with "c"
  let d = spawn user with "d"
  let ra = await a timeout 1h
  let rb = await b timeout 1h
  let rc = await c timeout 1h
  let rd = await d timeout 1h
  exit [ra.status, rb.status, rc.status, rd.status, ra.output, rb.output, rc.output, rd.output]
}`);

const supervised = compileDsl(`workflow restarts version "1"
model default { id "m" }
tool probe { argv ["probe", $who] param who string }
supervisor crew { strategy one_for_all intensity 5 period 1m }
agent worker {
  model default
  caps { tools [probe] }
  budget { turns 10 tokens 10000 time 1h }
  run {
    let t = exec probe { who: input }
    if t.exit_code != 0 { fail "boom" }
    exit t.stdout
  }
}
main supervisor crew {
  let a = spawn worker with "a"
  let b = spawn worker with "b"
  let c = spawn worker with "c"
  let ra = await a timeout 1h
  let rb = await b timeout 1h
  let rc = await c timeout 1h
  exit [ra.output, rb.output, rc.output]
}`);

/** The fakes, except that the first probe of `who` exits 1. */
function failingFirst(who: string): (request: EffectRequest) => Completion {
  let failed = false;
  return (request) => {
    const argv = request.op === 'tool' ? (request.request['argv'] as string[]) : [];
    if (argv[1] !== who || failed) return answer(request);
    failed = true;
    return { ok: true, value: { exit_code: 1, stderr: '', stdout: '' } };
  };
}

const NUM_RUNS = 100;

describe('completion order', () => {
  it('parallel branches doing exec, ask and read give the same result under every order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), drives, async (s, options) => {
        const driven = await drive(s, parallelWork, answer, options);
        assertInvariants(driven);
        expect(driven.kernel.result).toEqual({ status: 'ok', output: { output: ['probe left', 'think', 'text of /in/notes.txt', 'again'], status: 'ok' } });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a coordinator awaiting and hearing from concurrent agents gets the same result under every order', async () => {
    const out = (who: string): string => `probe ${who}`;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), drives, async (s, options) => {
        const driven = await drive(s, coordinator, answer, options);
        assertInvariants(driven);
        const messages = ['one', 'two', 'three'].map((who) => ({ from: who, out: out(who) }));
        expect(driven.kernel.result).toEqual({ status: 'ok', output: [out('one'), out('two'), out('three'), out('four'), ...messages] });
        expect(driven.log.filter((e) => e.kind === 'msg.received')).toHaveLength(3);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('agents contending for one lease take turns, each writing under its own token', async () => {
    const bytecode = contention('');
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), drives, async (s, options) => {
        const driven = await drive(s, bytecode, answer, options);
        assertInvariants(driven);
        expect(driven.kernel.result).toEqual({ status: 'ok', output: ['ok', 'ok', 'ok', 'ok', 'a', 'b', 'c', 'd'] });
        const grants = driven.log.filter((e) => e.kind === 'lease.granted');
        expect(grants.map((g) => g.data?.['token'])).toEqual([1, 2, 3, 4]);
        expect(new Set(grants.map((g) => g.pid)).size).toBe(4);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a one_for_all restart racing its siblings` completions: stale ones are discarded, the result is the same', async () => {
    let staleCompletions = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), drives, async (s, options) => {
        const driven = await drive(s, supervised, failingFirst('b'), options);
        assertInvariants(driven);
        expect(driven.kernel.result).toEqual({ status: 'ok', output: ['probe a', 'probe b', 'probe c'] });
        // A completion of an incarnation that was restarted never reaches the new one.
        const restartedAt = new Map(driven.log.filter((e) => e.kind === 'proc.restarted').map((e) => [e.pid, e.seq]));
        for (const e of driven.log.filter((x) => x.kind === 'effect.requested' && x.data?.['op'] === 'tool')) {
          const at = restartedAt.get(e.pid);
          if (at === undefined || e.seq > at) continue;
          const fate = driven.log.filter((x) => x.seq > at && x.data?.['effect'] === e.data?.['effect']).map((x) => x.kind);
          expect(fate.filter((k) => k === 'effect.completed')).toHaveLength(fate.filter((k) => k === 'effect.discarded').length);
          staleCompletions += fate.filter((k) => k === 'effect.discarded').length;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Some orders did deliver a restarted incarnation's completion late.
    expect(staleCompletions).toBeGreaterThan(0);
  });
});

describe('completion order racing timers', () => {
  const racing = fc.record({ duplicate: fc.boolean(), timersRace: fc.constant(true) });

  it('leases whose TTL races the holder`s work never have two holders, and only holders write', async () => {
    const bytecode = contention('ttl 2s timeout 3s');
    let expiries = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), racing, async (s, options) => {
        const driven = await drive(s, bytecode, answer, options);
        assertInvariants(driven);
        // A user that lost its lease before writing is refused and fails; only holders write and end well.
        const wrote = new Set(driven.log.filter((e) => e.kind === 'effect.completed' && e.pid !== undefined && e.data?.['value'] === null).map((e) => e.pid));
        for (const name of ['user#1', 'user#2', 'user#3', 'user#4']) {
          const status = driven.kernel.core.processes.get(name)?.exit?.status;
          expect(status === 'ok' ? wrote.has(name) : status === 'failed').toBe(true);
        }
        expiries += driven.log.filter((e) => e.kind === 'lease.expired').length;
      }),
      { numRuns: NUM_RUNS },
    );
    expect(expiries).toBeGreaterThan(0);
  });

  it('timeouts racing agents and messages still leave every message received at most once', async () => {
    const shortTimeouts = fanout('2s');
    let timeouts = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), racing, async (s, options) => {
        const driven = await drive(s, shortTimeouts, answer, options);
        assertInvariants(driven);
        // Whatever timed out, main still ends well: a timeout is a value, not a failure.
        expect(driven.kernel.result?.status).toBe('ok');
        const purposes = new Map(driven.log.filter((e) => e.kind === 'effect.requested').map((e) => [e.data?.['effect'], (e.data?.['request'] as { purpose?: string }).purpose]));
        timeouts += driven.log.filter((e) => e.kind === 'timer.fired' && ['recv', 'await'].includes(purposes.get(e.data?.['effect']) ?? '')).length;
      }),
      { numRuns: NUM_RUNS },
    );
    // Some orders timed a recv or an await out before its message or exit came.
    expect(timeouts).toBeGreaterThan(0);
  });
});
