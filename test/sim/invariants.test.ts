// The invariant checker catches what it claims to: each test feeds it a crafted event stream and a
// fake kernel view that breaks one invariant, next to the same stream kept sound, which passes.
import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../src/bytecode/events.js';
import type { EffectRequest } from '../../src/vm/effects.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import type { LeaseGrant } from '../../src/vm/leases.js';
import { InvariantChecker, type CodeView, type KernelView, type ProcessView } from '../../src/sim/invariants.js';
import { readHeader, scriptedEffects } from '../../src/sim/sweep.js';
import { finishReply } from '../../src/sim/fake-effects.js';

type Budget = ProcessView['budget'];

function budget(limit = { turns: 5, tokens: 100 }, used = { turns: 0, tokens: 0 }): Budget {
  return { limit, used, delegated: { turns: 0, tokens: 0 } };
}

interface FakeProcess {
  name: string;
  state: string;
  final: boolean;
  wait: { kind: string } | null;
  budget: Budget;
}

/** A kernel as the checker sees it, set by hand; events get their seqs in order. */
class FakeKernel implements KernelView {
  finished = false;
  lastStepped: string | null = null;
  effects: { id: string; pid: string }[] = [];
  readonly processes = new Map<string, FakeProcess>();
  grants: LeaseGrant[] = [];
  readonly waiters = new Map<string, string[]>();
  taskStates: { id: number; state: string }[] = [];
  seq = 0;

  inFlight(): { id: string; pid: string }[] {
    return this.effects;
  }

  get core(): KernelView['core'] {
    const pending = [...this.processes.values()].filter((p) => p.state === 'ready').map((p) => p.name);
    return {
      nextSeq: this.seq,
      processes: this.processes,
      leases: { grants: () => this.grants, waitersOf: (resource) => this.waiters.get(resource) ?? [] },
      tasks: { all: () => this.taskStates },
      scheduler: { pending: () => pending, size: pending.length },
    };
  }

  process(name: string): FakeProcess {
    const p = this.processes.get(name);
    if (p === undefined) throw new Error(`no fake process ${name}`);
    return p;
  }

  add(name: string, state = 'blocked'): FakeProcess {
    const p: FakeProcess = { name, state, final: false, wait: null, budget: budget() };
    this.processes.set(name, p);
    return p;
  }

  events(...specs: [string, string?, { [key: string]: JsonValue }?][]): KernelEvent[] {
    return specs.map(([kind, pid, data]) => ({ seq: this.seq++, kind, ...(pid === undefined ? {} : { pid }), ...(data === undefined ? {} : { data }) }) as KernelEvent);
  }
}

const CODE: CodeView = {
  agents: [
    { name: 'solver', lineage: 'solver' },
    { name: 'judge', lineage: 'judge' },
    { name: 'copycat', lineage: 'solver' },
    { name: 'bystander', lineage: 'bystander' },
  ],
  tasks: [
    { name: 'solve', verify: { agent: 1 } },
    { name: 'copy', verify: { agent: 2 } },
    { name: 'build', verify: { tool: 0, args: 0 } },
    { name: 'chore' },
  ],
  tools: [{ name: 'check' }],
};

/** A started run with main and two agents a and b, all blocked. */
function started(): { kernel: FakeKernel; checker: InvariantChecker; step: (...specs: Parameters<FakeKernel['events']>) => void } {
  const kernel = new FakeKernel();
  const checker = new InvariantChecker(CODE);
  kernel.add('main');
  checker.start(kernel, { events: kernel.events(['run.started'], ['proc.spawned', 'main', { spec: 'main' }]), requests: [] });
  kernel.add('a');
  kernel.add('b');
  const step = (...specs: Parameters<FakeKernel['events']>): void => checker.observe(kernel, { events: kernel.events(...specs), requests: [] });
  step(['proc.spawned', 'a', { spec: 'solver' }], ['proc.spawned', 'b', { spec: 'judge' }]);
  return { kernel, checker, step };
}

describe('sequence numbers and the run end', () => {
  it('accepts consecutive seqs and a run that ends with run.finished, everyone final', () => {
    const { kernel, checker, step } = started();
    for (const p of kernel.processes.values()) Object.assign(p, { final: true, state: 'exited' });
    kernel.finished = true;
    step(['run.finished']);
    expect(() => checker.end(kernel)).not.toThrow();
  });

  it('catches a skipped seq', () => {
    const { kernel, checker } = started();
    kernel.seq++;
    expect(() => checker.observe(kernel, { events: kernel.events(['msg.sent', 'a', { msg: 1, to: 'b' }]), requests: [] })).toThrow(/^seq-consecutive at seq 5/);
  });

  it('catches a step whose output lacks events the kernel numbered', () => {
    const { kernel, checker } = started();
    kernel.seq += 2;
    expect(() => checker.observe(kernel, { events: [], requests: [] })).toThrow(/^seq-consecutive: the kernel is at seq 6, the events reached 4/);
  });

  it('checks the head of the log it did not observe: run.started at line 0, seqs in line order, one line per event', () => {
    const line = (seq: number, kind: string): string => JSON.stringify({ kind, seq });
    const ended = (): { kernel: FakeKernel; checker: InvariantChecker } => {
      const kernel = new FakeKernel();
      const checker = new InvariantChecker(CODE);
      kernel.seq = 2;
      kernel.finished = true;
      checker.observe(kernel, { events: kernel.events(['run.finished']), requests: [] });
      return { kernel, checker };
    };
    const sound = ended();
    expect(() => sound.checker.end(sound.kernel, [line(0, 'run.started'), line(1, 'proc.spawned'), line(2, 'run.finished')])).not.toThrow();
    const swapped = ended();
    expect(() => swapped.checker.end(swapped.kernel, [line(1, 'run.started'), line(0, 'proc.spawned'), line(2, 'run.finished')])).toThrow(/^seq-consecutive at seq 0: line 0 has seq 1/);
    const headless = ended();
    expect(() => headless.checker.end(headless.kernel, [line(0, 'proc.spawned'), line(1, 'proc.spawned'), line(2, 'run.finished')])).toThrow(/^run-started-first at seq 0/);
    const short = ended();
    expect(() => short.checker.end(short.kernel, [line(0, 'run.started'), line(1, 'run.finished')])).toThrow(/^seq-consecutive: the log has 2 lines, the kernel emitted 3/);
  });

  it('catches an event after run.finished, and a run that ends on another event', () => {
    const { step } = started();
    expect(() => step(['run.finished'], ['proc.exited', 'a', {}])).toThrow(/^run-finished-last at seq 5/);
    const other = started();
    other.kernel.finished = true;
    other.step(['proc.exited', 'a', {}]);
    expect(() => other.checker.end(other.kernel)).toThrow(/^run-finished-last/);
  });

  it('catches a process still alive or an effect still in flight when the run ends', () => {
    const { kernel, checker, step } = started();
    kernel.finished = true;
    step(['run.finished']);
    expect(() => checker.end(kernel)).toThrow(/^run-ends-every-process: main is blocked/);
    for (const p of kernel.processes.values()) Object.assign(p, { final: true, state: 'exited' });
    kernel.effects = [{ id: 'x/e1', pid: 'x' }];
    expect(() => checker.end(kernel)).toThrow(/^run-finished-last: effects still in flight: x\/e1/);
  });
});

describe('leases', () => {
  it('accepts a lease passed on by release, then expiry, with growing tokens', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'doc', holder: 'a', token: 1, ttl: -1 }];
    step(['lease.granted', 'a', { resource: 'doc', token: 1 }]);
    kernel.grants = [{ resource: 'doc', holder: 'b', token: 2, ttl: 5 }];
    step(['lease.released', 'a', { resource: 'doc', token: 1 }], ['lease.granted', 'b', { resource: 'doc', token: 2 }]);
    kernel.grants = [];
    expect(() => step(['lease.expired', 'b', { resource: 'doc', token: 2 }])).not.toThrow();
  });

  it('catches two holders of one lease', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'doc', holder: 'a', token: 1, ttl: -1 }];
    step(['lease.granted', 'a', { resource: 'doc', token: 1 }]);
    expect(() => step(['lease.granted', 'b', { resource: 'doc', token: 2 }])).toThrow(/^one-lease-holder at seq 5: doc granted to b while a holds it/);
  });

  it('catches a token that does not grow past every earlier grant', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'x', holder: 'a', token: 7, ttl: -1 }];
    step(['lease.granted', 'a', { resource: 'x', token: 7 }]);
    expect(() => step(['lease.granted', 'b', { resource: 'y', token: 3 }])).toThrow(/^fencing-token-grows/);
  });

  it('catches a lease table that disagrees with the log', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'doc', holder: 'b', token: 1, ttl: -1 }];
    expect(() => step(['lease.granted', 'a', { resource: 'doc', token: 1 }])).toThrow(/^lease-table-agrees/);
  });

  it('catches a lease the log grants and the table does not hold', () => {
    const { step } = started();
    expect(() => step(['lease.granted', 'a', { resource: 'doc', token: 1 }])).toThrow(/^lease-table-agrees: 0 leases held, the log says 1/);
  });

  it('catches a release by a process that does not hold the lease', () => {
    const { step } = started();
    expect(() => step(['lease.released', 'a', { resource: 'doc', token: 1 }])).toThrow(/^lease-ended-by-holder/);
  });

  it('catches a fenced write whose token is no longer current', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'doc', holder: 'a', token: 1, ttl: -1 }];
    step(['lease.granted', 'a', { resource: 'doc', token: 1 }]);
    step(['effect.requested', 'a', { effect: 'a/e1', op: 'write', request: { path: '/d', token: 1 } }]);
    kernel.grants = [];
    step(['lease.expired', 'a', { resource: 'doc', token: 1 }]);
    expect(() => step(['effect.requested', 'a', { effect: 'a/e2', op: 'write', request: { path: '/d', token: 1 } }])).toThrow(/^fenced-write-current/);
  });
});

describe('what a final process may not have', () => {
  it('catches a final process that holds a lease', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'doc', holder: 'a', token: 1, ttl: -1 }];
    step(['lease.granted', 'a', { resource: 'doc', token: 1 }]);
    Object.assign(kernel.process('a'), { final: true, state: 'exited' });
    expect(() => step(['proc.exited', 'a', {}])).toThrow(/^final-holds-nothing: a has ended for good/);
  });

  it('catches a final process that waits for a lease', () => {
    const { kernel, step } = started();
    kernel.grants = [{ resource: 'doc', holder: 'a', token: 1, ttl: -1 }];
    kernel.waiters.set('doc', ['b']);
    step(['lease.granted', 'a', { resource: 'doc', token: 1 }], ['lease.queued', 'b', { position: 0, resource: 'doc' }]);
    Object.assign(kernel.process('b'), { final: true, state: 'exited' });
    expect(() => step(['proc.exited', 'b', {}])).toThrow(/^final-holds-nothing: b/);
  });

  it('catches a final process with an effect in flight', () => {
    const { kernel, step } = started();
    Object.assign(kernel.process('a'), { final: true, state: 'exited' });
    step(['proc.exited', 'a', {}]);
    kernel.effects = [{ id: 'a/e1', pid: 'a' }];
    expect(() => step(['effect.requested', 'a', { effect: 'a/e1', op: 'timer', request: {} }])).toThrow(/^final-holds-nothing: a/);
  });
});

describe('messages', () => {
  it('accepts each message received once, by its addressee, in send order per pair', () => {
    const { step } = started();
    step(['msg.sent', 'a', { msg: 1, to: 'b' }], ['msg.sent', 'main', { msg: 2, to: 'b' }], ['msg.sent', 'a', { msg: 3, to: 'b' }]);
    step(['msg.received', 'b', { from: 'main', msg: 2 }], ['msg.received', 'b', { from: 'a', msg: 1 }], ['msg.received', 'b', { from: 'a', msg: 3 }]);
    expect(() => step(['topic.published', 'main', { first: 4, to: ['a', 'b'], topic: 't' }], ['msg.received', 'b', { from: 'main', msg: 5 }])).not.toThrow();
  });

  it('catches a message received twice', () => {
    const { step } = started();
    step(['msg.sent', 'a', { msg: 1, to: 'b' }], ['msg.received', 'b', { from: 'a', msg: 1 }]);
    expect(() => step(['msg.received', 'b', { from: 'a', msg: 1 }])).toThrow(/^message-received-once at seq 6: b received message 1 again/);
  });

  it('catches a message received by another process than its addressee', () => {
    const { step } = started();
    step(['msg.sent', 'main', { msg: 1, to: 'b' }]);
    expect(() => step(['msg.received', 'a', { from: 'main', msg: 1 }])).toThrow(/^message-to-addressee/);
  });

  it('catches a message received that was never sent', () => {
    const { step } = started();
    expect(() => step(['msg.received', 'a', { from: 'main', msg: 9 }])).toThrow(/^message-received-was-sent/);
  });

  it('catches a pair whose messages are received out of send order', () => {
    const { step } = started();
    step(['msg.sent', 'a', { msg: 1, to: 'b' }], ['msg.sent', 'a', { msg: 2, to: 'b' }]);
    expect(() => step(['msg.received', 'b', { from: 'a', msg: 2 }])).toThrow(/^message-fifo at seq 6: b received message 2 from a before message 1/);
  });

  it('catches a message id used twice', () => {
    const { step } = started();
    step(['msg.sent', 'a', { msg: 1, to: 'b' }]);
    expect(() => step(['topic.published', 'main', { first: 1, to: ['a'], topic: 't' }])).toThrow(/^message-id-unique at seq 5/);
  });

  it('catches a received message that later becomes a dead letter', () => {
    const { step } = started();
    step(['msg.sent', 'a', { msg: 1, to: 'b' }], ['msg.received', 'b', { from: 'a', msg: 1 }]);
    expect(() => step(['msg.dead', 'a', { msg: 1, to: 'b' }])).toThrow(/^message-received-once at seq 6: message 1 became a dead letter/);
  });

  it('catches a dead letter that is received after all', () => {
    const { step } = started();
    step(['msg.sent', 'a', { msg: 1, to: 'b' }], ['msg.dead', 'a', { msg: 1, to: 'b' }]);
    expect(() => step(['msg.received', 'b', { from: 'a', msg: 1 }])).toThrow(/^message-received-once/);
  });
});

describe('fairness and the ready queue', () => {
  it('accepts ready processes served in turn for many steps', () => {
    const { kernel, step } = started();
    for (const name of ['main', 'a', 'b']) kernel.process(name).state = 'ready';
    for (let i = 0; i < 30; i++) {
      kernel.lastStepped = ['main', 'a', 'b'][i % 3] as string;
      step();
    }
  });

  it('catches a ready process starved past 2 × ready + 1 steps', () => {
    const { kernel, step } = started();
    for (const name of ['main', 'a', 'b']) kernel.process(name).state = 'ready';
    step();
    const run = (): void => {
      for (let i = 0; i < 8; i++) {
        kernel.lastStepped = i % 2 === 0 ? 'main' : 'a';
        step();
      }
    };
    expect(run).toThrow(/^fairness: b has been ready for 8 steps with at most 3 processes ready/);
  });

  it('starts a new ready spell for a process paused and resumed, even within one step', () => {
    const { kernel, step } = started();
    for (const name of ['main', 'a', 'b']) kernel.process(name).state = 'ready';
    step();
    for (let i = 0; i < 12; i++) {
      kernel.lastStepped = i % 2 === 0 ? 'main' : 'a';
      if (i % 6 === 5) step(['proc.signalled', 'b', { from: 'main', op: 'pause' }], ['proc.signalled', 'b', { from: 'main', op: 'resume' }]);
      else step();
    }
  });

  it('does not count admissions as steps', () => {
    const { kernel, step } = started();
    for (const name of ['main', 'a', 'b']) kernel.process(name).state = 'ready';
    kernel.lastStepped = null;
    for (let i = 0; i < 30; i++) step();
  });

  it('catches a process left running between transitions', () => {
    const { kernel, step } = started();
    kernel.process('a').state = 'running';
    expect(() => step()).toThrow(/^no-process-left-running: a/);
  });

  it('catches a ready process the scheduler does not hold', () => {
    const { kernel, checker } = started();
    kernel.process('a').state = 'ready';
    const core = kernel.core;
    const lost: KernelView = { ...kernel, finished: false, lastStepped: null, inFlight: () => [], core: { ...core, scheduler: { pending: () => [], size: 0 } } };
    expect(() => checker.observe(lost, { events: [], requests: [] })).toThrow(/^ready-is-queued: a is ready and not queued/);
  });
});

describe('tasks and verification', () => {
  it('accepts a task verified by an agent of another lineage, or by its tool', () => {
    const { kernel, step } = started();
    step(['task.opened', 'main', { name: 'solve', owner: 'a', task: 0 }], ['task.opened', 'main', { name: 'build', owner: 'a', task: 1 }]);
    kernel.taskStates = [
      { id: 0, state: 'verified' },
      { id: 1, state: 'verified' },
    ];
    expect(() => step(['task.verified', 'main', { by: 'b', task: 0 }], ['task.verified', 'main', { by: 'check', task: 1 }])).not.toThrow();
  });

  it('catches a verifier of the owner\'s lineage', () => {
    const { kernel, step } = started();
    kernel.add('c');
    step(['proc.spawned', 'c', { spec: 'copycat' }], ['task.opened', 'main', { name: 'copy', owner: 'a', task: 0 }]);
    expect(() => step(['task.verified', 'main', { by: 'c', task: 0 }])).toThrow(/^verifier-not-producer at seq 6: c verified task record 0 of a, of the same lineage/);
  });

  it('catches a verifier that is not the task\'s declared one', () => {
    const { step } = started();
    step(['task.opened', 'main', { name: 'build', owner: 'a', task: 0 }]);
    expect(() => step(['task.verified', 'main', { by: 'b', task: 0 }])).toThrow(/^verifier-not-producer.*verified by tool check, not b/);
  });

  it('catches a verifier that is another agent than the declared one', () => {
    const { kernel, step } = started();
    kernel.add('c');
    step(['proc.spawned', 'c', { spec: 'bystander' }], ['task.opened', 'main', { name: 'solve', owner: 'a', task: 0 }]);
    expect(() => step(['task.verified', 'main', { by: 'c', task: 0 }])).toThrow(/^verifier-not-producer.*verified by agent judge, not c/);
  });

  it('catches a verdict on a task record never opened, or on a task without verification', () => {
    const { step } = started();
    expect(() => step(['task.verified', 'main', { by: 'b', task: 4 }])).toThrow(/^verified-task-exists/);
    const other = started();
    other.step(['task.opened', 'main', { name: 'chore', owner: 'a', task: 0 }]);
    expect(() => other.step(['task.verified', 'main', { by: 'b', task: 0 }])).toThrow(/^verifier-not-producer.*task chore has no verification/);
  });

  it('catches a record marked verified with no task.verified event', () => {
    const { kernel, step } = started();
    step(['task.opened', 'main', { name: 'solve', owner: 'a', task: 0 }]);
    kernel.taskStates = [{ id: 0, state: 'verified' }];
    expect(() => step(['task.produced', 'a', { artifacts: [], task: 0 }])).toThrow(/^verified-has-verdict/);
  });
});

describe('budgets', () => {
  it('catches turns used past the limit', () => {
    const { kernel, step } = started();
    kernel.process('a').budget = budget({ turns: 2, tokens: 100 }, { turns: 3, tokens: 10 });
    expect(() => step()).toThrow(/^budget-within-limit: a used 3 turns of 2/);
  });

  it('allows tokens past the limit only when the process failed for it', () => {
    const { kernel, step } = started();
    kernel.process('a').budget = budget({ turns: 5, tokens: 20 }, { turns: 2, tokens: 30 });
    expect(() => step()).toThrow(/^budget-within-limit: a used 30 tokens of 20/);
    const other = started();
    other.kernel.process('a').budget = budget({ turns: 5, tokens: 20 }, { turns: 2, tokens: 30 });
    expect(() => other.step(['budget.exhausted', 'a', { limit: 'tokens' }])).not.toThrow();
  });

  it('catches a model call made with no turn left', () => {
    const { kernel, checker } = started();
    kernel.process('a').budget = budget({ turns: 2, tokens: 100 }, { turns: 2, tokens: 30 });
    const request: EffectRequest = { effect: 'a/e3', pid: 'a', op: 'model', request: {} };
    expect(() => checker.observe(kernel, { events: kernel.events(['effect.requested', 'a', { effect: 'a/e3', op: 'model', request: {} }]), requests: [request] })).toThrow(/^model-call-within-budget/);
  });
});

describe('the sweep harness', () => {
  it('reads a workflow header: its scripted fakes and expected statuses', () => {
    const header = readHeader('// A workflow.\n// fakes: {"model": {"w": [1]}}\n// expect: ["ok", "failed"]\nworkflow w version "1"\n');
    expect(header).toEqual({ fakes: { model: { w: [1] } }, expect: ['ok', 'failed'] });
    expect(readHeader('workflow w version "1"\n')).toEqual({ fakes: {}, expect: null });
  });

  it('answers each process from its script in turn, the last reply repeating, "never" hanging', () => {
    const effects = scriptedEffects({ model: { 'w#2': ['mine'], w: ['first', 'second'], mute: ['never'] } }, '1');
    const ask = (pid: string, agent: string): unknown => {
      const answer = effects.answer({ effect: `${pid}/e1`, pid, op: 'model', request: { agent } }, { now: 0, blobs: new Map() });
      return answer === 'never' ? answer : answer.completion.ok ? (answer.completion.value as { content: unknown }).content : answer.completion;
    };
    expect([ask('w#1', 'w'), ask('w#1', 'w'), ask('w#1', 'w'), ask('w#3', 'w'), ask('w#2', 'w')]).toEqual(['first', 'second', 'second', 'first', 'mine']);
    expect(ask('mute#1', 'mute')).toBe('never');
    expect(ask('other#1', 'other')).toEqual(finishReply(null));
  });
});

