// Process lifecycle, case by case: what `await` and `call … timeout` return, pause and resume
// around completions, retries and restarts, and what a kill or cancel does to effects, leases
// and descendants. Runs go through the simulated host, or a kernel driven by hand where a test
// needs an input at an exact point.
import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../src/bytecode/events.js';
import type { SignalOp } from '../../src/bytecode/opcodes.js';
import type { InFlight } from '../../src/vm/effects.js';
import { Kernel, type Completion, type KernelInput, type StepOutput } from '../../src/vm/kernel.js';
import type { Process, ProcessRecord } from '../../src/vm/process.js';
import { inspectEvents, parseEvents } from '../../src/inspect/fold.js';
import { HashChain } from '../../src/log/chain.js';
import { compileDsl, run } from './helpers.js';

const AGENT = 'model default budget { turns 5 tokens 5000 time 1h }';

function workflow(agents: string, main: string): string {
  return `workflow lifecycle version "1"\nmodel default { id "m" }\ntool probe { argv ["probe"] }\n${agents}\nmain {\n${main}\n}`;
}

/** A kernel driven by hand: steps until nothing can run, and admits exactly the inputs a test gives. */
class Driver {
  readonly kernel: Kernel;
  readonly log: KernelEvent[] = [];

  constructor(source: string) {
    const { kernel, output } = Kernel.start({ bytecode: compileDsl(source), seed: 'lifecycle' });
    this.kernel = kernel;
    this.record(output);
  }

  settle(): KernelEvent[] {
    const events: KernelEvent[] = [];
    while (this.kernel.runnable) events.push(...this.record(this.kernel.step()));
    return events;
  }

  admit(input: KernelInput): readonly KernelEvent[] {
    return this.record(this.kernel.admit(input));
  }

  signal(target: string, op: SignalOp): readonly KernelEvent[] {
    return this.admit({ kind: 'signal.external', target, op });
  }

  /** The one effect of `op` in flight for `pid`. */
  effect(pid: string, op: InFlight['op']): InFlight {
    const found = this.kernel.inFlight().filter((e) => e.pid === pid && e.op === op);
    expect(found, `effects of ${op} in flight for ${pid}`).toHaveLength(1);
    return found[0] as InFlight;
  }

  complete(pid: string, op: InFlight['op'], completion: Completion): readonly KernelEvent[] {
    return this.admit({ kind: 'effect.completed', effect: this.effect(pid, op).id, completion });
  }

  /** Fires the earliest timer of `pid`. */
  fire(pid: string): readonly KernelEvent[] {
    const timers = this.kernel.inFlight().filter((e) => e.pid === pid && e.op === 'timer');
    const earliest = timers.reduce((a, b) => ((b.due ?? Infinity) < (a.due ?? Infinity) ? b : a));
    return this.admit({ kind: 'timer.fired', effect: earliest.id });
  }

  proc(name: string): ProcessRecord {
    const p = this.kernel.core.processes.get(name);
    if (p === undefined) throw new Error(`no process named ${name}`);
    return p;
  }

  live(name: string): Process {
    const p = this.proc(name);
    if (p.final) throw new Error(`${name} has ended for good`);
    return p;
  }

  private record(output: StepOutput): readonly KernelEvent[] {
    this.log.push(...output.events);
    return output.events;
  }
}

function kindsOf(events: readonly KernelEvent[]): string[] {
  return events.map((e) => e.kind);
}

const REPLY: Completion = { ok: true, value: { content: 'answer', usage: { input: 1, output: 1 } } };
const TOOL_OK: Completion = { ok: true, value: { exit_code: 0, stderr: '', stdout: 'out' } };
const FAILED: Completion = { ok: false, error: { kind: 'boom', message: 'the fake effect failed' } };

function awaitTimers(log: readonly { kind: string; data?: Record<string, unknown> }[]): number {
  return log.filter((e) => e.kind === 'effect.requested' && (e.data?.['request'] as { purpose?: string } | undefined)?.purpose === 'await').length;
}

describe('await', () => {
  it('returns the final exit of a process that has already ended, at once', () => {
    const r = run(
      compileDsl(
        workflow(
          `agent helper { ${AGENT} run { exit "done" } }\nagent failer { ${AGENT} run { fail "nope" } }`,
          `let h = spawn helper
           let f = spawn failer
           sleep 1s
           let rh = await h timeout 1m
           let rf = await f timeout 1m
           exit [rh, rf]`,
        ),
      ),
    );
    expect(r.kernel.result).toEqual({
      status: 'ok',
      output: [
        { output: 'done', status: 'ok' },
        { output: null, reason: 'nope', status: 'failed' },
      ],
    });
    expect(awaitTimers(r.log)).toBe(0);
  });

  it('returns failed with unknown-process for a handle that names no process, or no handle at all', () => {
    const r = run(
      compileDsl(
        workflow(
          '',
          `let ghost = { pid: "ghost#9" }
           let nothing = null
           let a = await ghost timeout 1s
           let b = await nothing timeout 1s
           exit [a, b]`,
        ),
      ),
    );
    expect(r.kernel.result?.output).toEqual([
      { output: null, reason: { kind: 'unknown-process', target: { pid: 'ghost#9' } }, status: 'failed' },
      { output: null, reason: { kind: 'unknown-process', target: null }, status: 'failed' },
    ]);
    expect(awaitTimers(r.log)).toBe(0);
  });

  it('by agent name names only a live process: once the agent has ended, the name is unknown', () => {
    const r = run(compileDsl(workflow(`agent helper { ${AGENT} run { exit "done" } }`, 'spawn helper\nsleep 1s\nlet r = await helper timeout 1s\nexit r')));
    expect(r.kernel.result?.output).toEqual({ output: null, reason: { kind: 'unknown-process', target: null }, status: 'failed' });
  });

  it('returns killed, with who killed it, for a process killed while awaited', () => {
    const source = workflow(`agent sink { ${AGENT} run { let m = recv exit m } }`, 'let s = spawn sink\nlet r = await s timeout 1m\nexit r');
    const byHost = run(compileDsl(source), { signals: [{ at: 10, input: { kind: 'signal.external', target: 'sink#1', op: 'kill' } }] });
    expect(byHost.kernel.result?.output).toEqual({ output: null, reason: { from: 'host', kind: 'signal', op: 'kill' }, status: 'killed' });

    const byMain = run(compileDsl(workflow(`agent sink { ${AGENT} run { let m = recv exit m } }`, 'let s = spawn sink\nsignal s kill\nlet r = await s timeout 1m\nexit r')));
    expect(byMain.kernel.result?.output).toEqual({ output: null, reason: { from: 'main', kind: 'signal', op: 'kill' }, status: 'killed' });
  });

  it('with a timeout returns timeout when the process is still running, and leaves it running', () => {
    const r = run(
      compileDsl(
        workflow(
          `agent sink { ${AGENT} run { let m = recv exit m } }`,
          `let s = spawn sink
           let first = await s timeout 5s
           send s "go"
           let second = await s timeout 5s
           exit [first, second]`,
        ),
      ),
    );
    expect(r.kernel.result?.output).toEqual([
      { output: null, status: 'timeout' },
      { output: 'go', status: 'ok' },
    ]);
  });
});

describe('call with a timeout', () => {
  it('cancels the child when the timeout fires, and returns timeout', () => {
    const r = run(compileDsl(workflow(`agent sink { ${AGENT} run { let m = recv exit m } }`, 'let r = call sink timeout 5s\nexit r')));
    expect(r.kernel.result?.output).toEqual({ output: null, status: 'timeout' });
    const sink = r.kernel.core.processes.get('sink#1');
    expect(sink?.final).toBe(true);
    expect(sink?.exit).toEqual({ status: 'cancelled', output: null, reason: { from: 'main', kind: 'signal', op: 'cancel' } });
    expect(r.log.find((e) => e.kind === 'proc.exited' && e.pid === 'sink#1')?.data).toEqual({ at: null, incarnation: 1, reason: { from: 'main', kind: 'signal', op: 'cancel' }, status: 'cancelled' });
  });
});

describe('pause and resume', () => {
  const ASKER = workflow(`agent asker { ${AGENT} run { let a = ask "q" exit a } }`, 'let h = spawn asker\nlet r = await h timeout 1h\nexit r');

  it('holds a completion that arrives while paused until resume, then continues with its value', () => {
    const d = new Driver(ASKER);
    d.settle();
    d.signal('asker#1', 'pause');
    d.complete('asker#1', 'model', REPLY);
    expect(d.proc('asker#1')).toMatchObject({ state: 'paused', pausedFrom: 'ready' });
    expect(d.kernel.runnable).toBe(false);
    expect(d.settle()).toEqual([]);

    d.signal('asker#1', 'resume');
    expect(d.proc('asker#1').state).toBe('ready');
    const events = d.settle();
    expect(events.find((e) => e.kind === 'proc.exited' && e.pid === 'asker#1')?.data).toEqual({ at: null, incarnation: 1, output: 'answer', status: 'ok' });
    expect(d.kernel.result).toEqual({ status: 'ok', output: { output: 'answer', status: 'ok' } });
  });

  it('resumes a process paused while blocked to blocked, waiting for what it waited for', () => {
    const d = new Driver(ASKER);
    d.settle();
    d.signal('asker#1', 'pause');
    d.signal('asker#1', 'resume');
    expect(d.proc('asker#1')).toMatchObject({ state: 'blocked', pausedFrom: null, wait: { kind: 'effect' } });
    d.complete('asker#1', 'model', REPLY);
    d.settle();
    expect(d.kernel.result?.output).toEqual({ output: 'answer', status: 'ok' });
  });

  it('keeps a process paused through a failed tool run, its retry backoff and the retried run', () => {
    const d = new Driver(
      workflow(
        `retry flaky { attempts 3 backoff 1s on [tool_failure] }\nagent execer { ${AGENT} caps { tools [probe] } retry flaky run { let r = exec probe exit r } }`,
        'let h = spawn execer\nlet r = await h timeout 1h\nexit r',
      ),
    );
    d.settle();
    d.signal('execer#1', 'pause');
    expect(kindsOf(d.complete('execer#1', 'tool', FAILED))).toContain('retry.scheduled');
    expect(d.proc('execer#1')).toMatchObject({ state: 'paused', pausedFrom: 'blocked' });
    d.fire('execer#1');
    expect(d.proc('execer#1')).toMatchObject({ state: 'paused', pausedFrom: 'blocked' });
    d.complete('execer#1', 'tool', TOOL_OK);
    expect(d.proc('execer#1')).toMatchObject({ state: 'paused', pausedFrom: 'ready' });
    expect(d.settle()).toEqual([]);

    d.signal('execer#1', 'resume');
    d.settle();
    expect(d.kernel.result?.output).toEqual({ output: { exit_code: 0, stderr: '', stdout: 'out' }, status: 'ok' });
  });

  it('restarts a name paused during its retry backoff paused, and runs it only once resumed', () => {
    const d = new Driver(
      workflow(`retry crashy { attempts 2 backoff 2s on [crash] }\nagent crasher { ${AGENT} retry crashy run { fail "crash" } }`, 'let h = spawn crasher\nlet r = await h timeout 1h\nexit r'),
    );
    d.settle();
    expect(d.proc('crasher#1').state).toBe('restarting');
    d.signal('crasher#1', 'pause');
    expect(kindsOf(d.fire('crasher#1'))).toContain('proc.restarted');
    expect(d.proc('crasher#1')).toMatchObject({ state: 'paused', pausedFrom: 'ready', incarnation: 2 });
    expect(d.settle()).toEqual([]);

    d.signal('crasher#1', 'resume');
    d.settle();
    expect(d.kernel.result?.output).toEqual({ output: null, reason: 'crash', status: 'failed' });
  });

  it('keeps a name paused when its incarnation fails while paused, through the crash backoff and the restart', () => {
    const d = new Driver(
      workflow(
        `retry crashy { attempts 2 backoff 2s on [crash] }\nagent reader { ${AGENT} mount shared "/shared" retry crashy run { let t = read "/shared/notes.txt" exit t } }`,
        'let h = spawn reader\nlet r = await h timeout 1h\nexit r',
      ),
    );
    d.settle();
    d.signal('reader#1', 'pause');
    expect(kindsOf(d.complete('reader#1', 'read', FAILED))).toEqual(['effect.completed', 'proc.exited', 'retry.scheduled', 'effect.requested']);
    expect(d.proc('reader#1')).toMatchObject({ state: 'paused', pausedFrom: 'restarting', incarnation: 1 });
    expect(kindsOf(d.fire('reader#1'))).toContain('proc.restarted');
    expect(d.proc('reader#1')).toMatchObject({ state: 'paused', pausedFrom: 'ready', incarnation: 2 });
    expect(d.settle()).toEqual([]);

    d.signal('reader#1', 'resume');
    d.settle();
    d.complete('reader#1', 'read', { ok: true, value: 'notes' });
    d.settle();
    expect(d.kernel.result?.output).toEqual({ output: 'notes', status: 'ok' });
  });

  it('killing a name paused during its retry backoff ends it once, with the kill', () => {
    const d = new Driver(
      workflow(`retry crashy { attempts 2 backoff 2s on [crash] }\nagent crasher { ${AGENT} retry crashy run { fail "crash" } }`, 'let h = spawn crasher\nlet r = await h timeout 1h\nexit r'),
    );
    d.settle();
    d.signal('crasher#1', 'pause');
    d.signal('crasher#1', 'kill');
    expect(d.log.filter((e) => e.kind === 'proc.exited' && e.pid === 'crasher#1').map((e) => e.data?.['status'])).toEqual(['failed', 'killed']);
    expect(d.proc('crasher#1').exit).toEqual({ status: 'killed', output: null, reason: { from: 'host', kind: 'signal', op: 'kill' } });
    expect(d.kernel.inFlight().filter((e) => e.pid === 'crasher#1')).toEqual([]);
  });

  it('changes nothing when resuming a process that is not paused, or signalling one that has ended', () => {
    const d = new Driver(workflow(`agent sink { ${AGENT} run { let m = recv exit m } }`, 'let s = spawn sink\nlet r = await s timeout 1h\nexit r'));
    d.settle();
    const before = { ...d.live('sink#1'), effects: [...(d.live('sink#1').effects ?? [])] };
    expect(kindsOf(d.signal('sink#1', 'resume'))).toEqual(['signal.external', 'proc.signalled']);
    expect({ ...d.live('sink#1'), effects: [...(d.live('sink#1').effects ?? [])] }).toEqual(before);

    d.signal('sink#1', 'cancel');
    const exit = d.proc('sink#1').exit;
    for (const op of ['kill', 'pause', 'resume', 'cancel'] as const) expect(kindsOf(d.signal('sink#1', op))).toEqual(['signal.external', 'proc.signalled']);
    expect(d.proc('sink#1')).toMatchObject({ state: 'exited', final: true, exit });
  });
});

describe('kill and cancel', () => {
  const CRASHER = workflow(`retry crashy { attempts 2 backoff 2s on [crash] }\nagent crasher { ${AGENT} retry crashy run { fail "crash" } }`, 'let h = spawn crasher\nlet r = await h timeout 1h\nexit r');

  it('during a crash backoff record the name`s exit, and nothing restarts', () => {
    const d = new Driver(CRASHER);
    d.settle();
    expect(d.proc('crasher#1').state).toBe('restarting');
    const events = d.signal('crasher#1', 'kill');
    const killed = { from: 'host', kind: 'signal', op: 'kill' };
    expect(events.filter((e) => e.pid === 'crasher#1').map((e) => [e.kind, e.data])).toEqual([
      ['proc.signalled', { from: 'host', op: 'kill' }],
      ['effect.cancelled', { effect: 'crasher#1/e1' }],
      ['proc.exited', { at: null, incarnation: 1, reason: killed, status: 'killed' }],
    ]);
    d.settle();
    expect(d.log.filter((e) => e.kind === 'proc.restarted')).toEqual([]);
    expect(d.kernel.result?.output).toEqual({ output: null, reason: killed, status: 'killed' });
    // Inspection, which reads only the log, sees how the name ended.
    const chain = new HashChain();
    const { events: lines } = parseEvents(d.log.map((e) => chain.append(e)));
    const view = inspectEvents(lines).processes.find((p) => p.name === 'crasher#1');
    expect(view?.status).toBe('killed');
    expect(view?.exits.map((e) => e.status)).toEqual(['failed', 'killed']);
  });

  it('withdraw the effects in flight; a completion that still arrives is recorded, then discarded', () => {
    const d = new Driver(workflow(`agent asker { ${AGENT} run { let a = ask "q" exit a } }`, 'let h = spawn asker\nlet r = await h timeout 1h\nexit r'));
    d.settle();
    const call = d.effect('asker#1', 'model');
    const cancelled = d.signal('asker#1', 'cancel');
    expect(cancelled.filter((e) => e.kind === 'effect.cancelled').map((e) => e.data?.['effect'])).toContain(call.id);
    expect(d.kernel.inFlight().filter((e) => e.pid === 'asker#1')).toEqual([]);

    const late = d.admit({ kind: 'effect.completed', effect: call.id, completion: REPLY });
    expect(late.map((e) => [e.kind, e.data?.['effect'], e.data?.['reason']])).toEqual([
      ['effect.completed', call.id, undefined],
      ['effect.discarded', call.id, 'exited'],
    ]);
    d.settle();
    expect(d.kernel.result?.output).toEqual({ output: null, reason: { from: 'host', kind: 'signal', op: 'cancel' }, status: 'cancelled' });
  });

  it('end every live descendant and hand the lease they held to the next waiter', () => {
    const d = new Driver(
      workflow(
        `agent leaf { ${AGENT} run { let m = recv exit m } }
         agent boss { ${AGENT} caps { spawn [leaf] leases ["r"] } run { let l = acquire "r" ttl 1m let c = spawn leaf let m = recv exit m } }
         agent waiter { ${AGENT} caps { leases ["r"] } run { let l = acquire "r" timeout 1m exit l } }`,
        'let b = spawn boss\nlet w = spawn waiter\nlet r = await w timeout 1h\nexit r',
      ),
    );
    d.settle();
    expect(d.kernel.core.leases.waitersOf('r')).toEqual(['waiter#1']);
    const killed = d.signal('boss#1', 'kill');
    expect(d.proc('boss#1').exit?.status).toBe('killed');
    expect(d.proc('leaf#1').exit).toEqual({ status: 'killed', output: null, reason: { kind: 'parent-exited', parent: 'boss#1' } });
    expect(killed.find((e) => e.kind === 'lease.granted')).toMatchObject({ pid: 'waiter#1', data: { resource: 'r', token: 2 } });
    d.settle();
    expect(d.kernel.result?.output).toEqual({ output: { holder: 'waiter#1', resource: 'r', token: 2 }, status: 'ok' });
  });

  it('of main ends the run, and every process with it', () => {
    const d = new Driver(workflow(`agent sink { ${AGENT} run { let m = recv exit m } }`, 'let s = spawn sink\nlet r = await s timeout 1h\nexit r'));
    d.settle();
    const events = d.signal('main', 'kill');
    expect(events.at(-1)).toMatchObject({ kind: 'run.finished', data: { status: 'killed' } });
    expect(d.kernel.finished).toBe(true);
    expect([...d.kernel.core.processes.values()].every((p) => p.final)).toBe(true);
    expect(d.kernel.inFlight()).toEqual([]);
  });
});
