// Invariants every run keeps, checked after each kernel transition by the seed sweep
// (test/vm/seed-sweep.test.ts, scripts/sweep.mjs) and by tests. The checker reads a step's output
// and read-only views of the kernel, and throws an InvariantViolation naming the broken invariant
// and the seq it broke at.
import { AosError } from '../bytecode/errors.js';
import type { VerifyEntry } from '../bytecode/format.js';
import type { KernelEvent } from '../bytecode/events.js';
import type { EffectRequest } from '../vm/effects.js';
import type { JsonValue } from '../bytecode/json.js';
import type { LeaseGrant } from '../vm/leases.js';

/** A run broke one of the invariants below: a bug in the kernel. Code `sim.invariant`. */
export class InvariantViolation extends AosError {
  constructor(
    readonly invariant: string,
    readonly seq: number | null,
    detail: string,
  ) {
    super('sim.invariant', `${invariant}${seq === null ? '' : ` at seq ${seq}`}: ${detail}`);
  }
}

interface Amounts {
  readonly turns: number;
  readonly tokens: number;
}

/** What the checker reads of a process; a kernel process record, live or ended, fits it. */
export interface ProcessView {
  readonly name: string;
  readonly state: string;
  readonly final: boolean;
  /** Absent from what the kernel keeps of a name that ended for good. */
  readonly wait?: { readonly kind: string } | null;
  readonly budget: { readonly limit: Amounts; readonly used: Amounts; readonly delegated: Amounts };
}

/** What the checker reads of a kernel after a transition; the Kernel fits it. */
export interface KernelView {
  readonly finished: boolean;
  readonly lastStepped: string | null;
  inFlight(): readonly { readonly id: string; readonly pid: string }[];
  readonly core: {
    readonly nextSeq: number;
    readonly processes: ReadonlyMap<string, ProcessView>;
    readonly leases: { grants(): readonly LeaseGrant[]; waitersOf(resource: string): readonly string[] };
    readonly tasks: { all(): readonly { readonly id: number; readonly state: string }[] };
    readonly scheduler: { pending(): readonly string[]; readonly size: number };
  };
}

/** The parts of the bytecode the task checks need. */
export interface CodeView {
  readonly agents: readonly { readonly name: string; readonly lineage: string }[];
  readonly tasks: readonly { readonly name: string; readonly verify?: VerifyEntry }[];
  readonly tools: readonly { readonly name: string }[];
}

export interface Observed {
  readonly events: readonly KernelEvent[];
  readonly requests: readonly EffectRequest[];
}

type Data = { readonly [key: string]: JsonValue };

const pairKey = (from: string, to: string): string => `${from}\u0000${to}`;

export class InvariantChecker {
  private nextSeq: number | null = null;
  /** Events the kernel emitted before the first observation (the run's start, which no observer sees). */
  private unobserved = 0;
  private lastKind: string | null = null;
  private readonly sent = new Map<number, { from: string; to: string }>();
  private readonly received = new Set<number>();
  private readonly dead = new Set<number>();
  /** Per sender→receiver pair, the ids sent and not yet received, oldest first. */
  private readonly inTransit = new Map<string, number[]>();
  private readonly holders = new Map<string, { holder: string; token: number }>();
  private maxToken = 0;
  private readonly specOf = new Map<string, string>();
  private readonly taskRecords = new Map<number, { owner: string; name: string }>();
  private readonly verified = new Set<number>();
  /** Budget accounts whose token limit a charge went past (the process failed for it). */
  private readonly overspent = new Set<object>();
  /** Ready processes not yet stepped: steps since they became ready, and the most processes ready meanwhile. */
  private readonly waiting = new Map<string, { steps: number; peak: number }>();
  /** Processes whose ready spell the current transition ended (paused, exited, restarted), though they may be ready again. */
  private readonly unreadied = new Set<string>();

  constructor(private readonly code: CodeView) {}

  /** The output of Kernel.start, when the caller sees it. */
  start(kernel: KernelView, output: Observed): void {
    this.nextSeq = 0;
    this.observe(kernel, output);
  }

  /** One kernel transition (a step or an admission): its output, then the kernel's state after it. */
  observe(kernel: KernelView, output: Observed): void {
    if (this.nextSeq === null) {
      this.unobserved = kernel.core.nextSeq - output.events.length;
      this.nextSeq = this.unobserved;
    }
    for (const event of output.events) this.event(kernel, event);
    if (this.nextSeq !== kernel.core.nextSeq) this.fail('seq-consecutive', null, `the kernel is at seq ${kernel.core.nextSeq}, the events reached ${this.nextSeq}`);
    this.checkState(kernel, output);
  }

  /** The run is over: run.finished was last, nothing is left in flight or alive, and the log's unobserved head is sound. */
  end(kernel: KernelView, lines?: readonly string[]): void {
    if (!kernel.finished || this.lastKind !== 'run.finished') this.fail('run-finished-last', null, `the run ended with ${this.lastKind ?? 'no event'}`);
    const inFlight = kernel.inFlight();
    if (inFlight.length > 0) this.fail('run-finished-last', null, `effects still in flight: ${inFlight.map((e) => e.id).join(', ')}`);
    for (const p of kernel.core.processes.values()) if (!p.final) this.fail('run-ends-every-process', null, `${p.name} is ${p.state}`);
    if (lines === undefined) return;
    if (lines.length !== this.nextSeq) this.fail('seq-consecutive', null, `the log has ${lines.length} lines, the kernel emitted ${this.nextSeq}`);
    for (let i = 0; i < Math.max(this.unobserved, 1) && i < lines.length; i++) {
      const event = JSON.parse(lines[i] as string) as KernelEvent;
      if (event.seq !== i) this.fail('seq-consecutive', i, `line ${i} has seq ${event.seq}`);
      if ((i === 0) !== (event.kind === 'run.started')) this.fail('run-started-first', i, `line ${i} is ${event.kind}`);
    }
  }

  /** A check of the kernel's state (seq null) names the last event before it, to find the place in the log. */
  private fail(invariant: string, seq: number | null, detail: string): never {
    const after = seq === null && this.nextSeq !== null && this.nextSeq > 0 ? ` (after seq ${this.nextSeq - 1})` : '';
    throw new InvariantViolation(invariant, seq, detail + after);
  }

  private event(kernel: KernelView, event: KernelEvent): void {
    const { seq, kind } = event;
    if (seq !== this.nextSeq) this.fail('seq-consecutive', seq, `expected seq ${this.nextSeq}`);
    this.nextSeq = seq + 1;
    if (this.lastKind === 'run.finished') this.fail('run-finished-last', seq, `${kind} after run.finished`);
    this.lastKind = kind;
    const pid = event.pid ?? '';
    const data: Data = event.data ?? {};
    switch (kind) {
      case 'proc.spawned':
        this.specOf.set(pid, data['spec'] as string);
        break;
      case 'proc.signalled':
        if (data['op'] !== 'resume') this.unreadied.add(pid);
        break;
      case 'proc.exited':
      case 'proc.restarted':
        this.unreadied.add(pid);
        break;
      case 'msg.sent':
        this.send(seq, data['msg'] as number, pid, data['to'] as string);
        break;
      case 'topic.published':
        (data['to'] as string[]).forEach((to, i) => this.send(seq, (data['first'] as number) + i, pid, to));
        break;
      case 'msg.received':
        this.receive(seq, data['msg'] as number, data['from'] as string, pid);
        break;
      case 'msg.dead':
        this.deadLetter(seq, data['msg'] as number);
        break;
      case 'lease.granted':
        this.grant(seq, data['resource'] as string, pid, data['token'] as number);
        break;
      case 'lease.renewed':
        this.expectHolder(seq, 'lease-renewed-by-holder', data['resource'] as string, pid, data['token'] as number);
        break;
      case 'lease.released':
      case 'lease.expired':
        this.expectHolder(seq, 'lease-ended-by-holder', data['resource'] as string, pid, data['token'] as number);
        this.holders.delete(data['resource'] as string);
        break;
      case 'effect.requested':
        this.fencedWrite(seq, pid, data);
        break;
      case 'budget.exhausted': {
        const account = kernel.core.processes.get(pid)?.budget;
        if (data['limit'] === 'tokens' && account !== undefined) this.overspent.add(account);
        break;
      }
      case 'task.opened':
        this.taskRecords.set(data['task'] as number, { name: data['name'] as string, owner: data['owner'] as string });
        break;
      case 'task.verified':
        this.verifiedBy(seq, data['task'] as number, data['by'] as string);
        break;
      default:
        break;
    }
  }

  private send(seq: number, id: number, from: string, to: string): void {
    if (this.sent.has(id) || this.dead.has(id)) this.fail('message-id-unique', seq, `message ${id} was already used`);
    this.sent.set(id, { from, to });
    const key = pairKey(from, to);
    const queue = this.inTransit.get(key);
    if (queue === undefined) this.inTransit.set(key, [id]);
    else queue.push(id);
  }

  private receive(seq: number, id: number, from: string, by: string): void {
    const sent = this.sent.get(id);
    if (sent === undefined) this.fail('message-received-was-sent', seq, `${by} received message ${id}, which was never sent`);
    if (this.received.has(id)) this.fail('message-received-once', seq, `${by} received message ${id} again`);
    if (this.dead.has(id)) this.fail('message-received-once', seq, `${by} received message ${id}, already a dead letter`);
    if (sent.to !== by || sent.from !== from) this.fail('message-to-addressee', seq, `message ${id} from ${sent.from} to ${sent.to} was received by ${by} as from ${from}`);
    const queue = this.inTransit.get(pairKey(from, by));
    if (queue?.[0] !== id) this.fail('message-fifo', seq, `${by} received message ${id} from ${from} before message ${queue?.[0] ?? '?'}`);
    queue.shift();
    this.received.add(id);
  }

  private deadLetter(seq: number, id: number): void {
    if (this.received.has(id) || this.dead.has(id)) this.fail('message-received-once', seq, `message ${id} became a dead letter after it was received or dead`);
    this.dead.add(id);
    const sent = this.sent.get(id);
    if (sent === undefined) return;
    const queue = this.inTransit.get(pairKey(sent.from, sent.to)) ?? [];
    const at = queue.indexOf(id);
    if (at >= 0) queue.splice(at, 1);
  }

  private grant(seq: number, resource: string, holder: string, token: number): void {
    const current = this.holders.get(resource);
    if (current !== undefined && current.holder !== holder) this.fail('one-lease-holder', seq, `${resource} granted to ${holder} while ${current.holder} holds it`);
    if (!(token > this.maxToken)) this.fail('fencing-token-grows', seq, `${resource} granted with token ${token}, not above ${this.maxToken}`);
    this.maxToken = token;
    this.holders.set(resource, { holder, token });
  }

  private expectHolder(seq: number, invariant: string, resource: string, holder: string, token: number): void {
    const current = this.holders.get(resource);
    if (current?.holder !== holder || current.token !== token) {
      this.fail(invariant, seq, `${holder} with token ${token} on ${resource}, held by ${current === undefined ? 'nobody' : `${current.holder} with ${current.token}`}`);
    }
  }

  private fencedWrite(seq: number, pid: string, data: Data): void {
    const request = data['request'];
    if (data['op'] !== 'write' || typeof request !== 'object' || request === null || Array.isArray(request) || request['token'] === undefined) return;
    const token = request['token'];
    for (const held of this.holders.values()) if (held.holder === pid && held.token === token) return;
    this.fail('fenced-write-current', seq, `${pid} writes with token ${JSON.stringify(token)}, which it does not hold now`);
  }

  private lineageOf(process: string): string | undefined {
    const spec = this.specOf.get(process);
    return this.code.agents.find((a) => a.name === spec)?.lineage;
  }

  private verifiedBy(seq: number, id: number, by: string): void {
    if (id < 0) return;
    const record = this.taskRecords.get(id);
    if (record === undefined) this.fail('verified-task-exists', seq, `task record ${id} was never opened`);
    const verify = this.code.tasks.find((t) => t.name === record.name)?.verify;
    if (verify === undefined) this.fail('verifier-not-producer', seq, `task ${record.name} has no verification, yet ${by} verified it`);
    if ('tool' in verify) {
      const tool = this.code.tools[verify.tool]?.name;
      if (by !== tool) this.fail('verifier-not-producer', seq, `task ${record.name} is verified by tool ${tool ?? '?'}, not ${by}`);
    } else {
      const verifier = this.code.agents[verify.agent];
      if (this.specOf.get(by) !== verifier?.name) this.fail('verifier-not-producer', seq, `task ${record.name} is verified by agent ${verifier?.name ?? '?'}, not ${by}`);
      if (by === record.owner || this.lineageOf(by) === this.lineageOf(record.owner)) {
        this.fail('verifier-not-producer', seq, `${by} verified task record ${id} of ${record.owner}, of the same lineage`);
      }
    }
    this.verified.add(id);
  }

  private checkState(kernel: KernelView, output: Observed): void {
    const { processes, leases, tasks, scheduler } = kernel.core;
    const grants = leases.grants();
    if (grants.length !== this.holders.size) this.fail('lease-table-agrees', null, `${grants.length} leases held, the log says ${this.holders.size}`);
    for (const g of grants) {
      const logged = this.holders.get(g.resource);
      if (logged?.holder !== g.holder || logged.token !== g.token) this.fail('lease-table-agrees', null, `${g.resource} is held by ${g.holder} with ${g.token}, not as the log says`);
    }
    const holding = new Set(grants.map((g) => g.holder));
    const waitingForLease = new Set(grants.flatMap((g) => leases.waitersOf(g.resource)));
    const busy = new Set(kernel.inFlight().map((e) => e.pid));
    const queued = new Set(scheduler.pending());
    for (const p of processes.values()) {
      if (p.state === 'running') this.fail('no-process-left-running', null, `${p.name} is still running between transitions`);
      if ((p.state === 'ready') !== queued.has(p.name)) this.fail('ready-is-queued', null, `${p.name} is ${p.state} and ${queued.has(p.name) ? '' : 'not '}queued`);
      if (p.final && (holding.has(p.name) || waitingForLease.has(p.name) || (p.wait ?? null) !== null || busy.has(p.name))) {
        this.fail('final-holds-nothing', null, `${p.name} has ended for good but still holds or waits for a lease or has effects in flight`);
      }
      this.checkBudget(p);
    }
    for (const r of output.requests) {
      const budget = r.op === 'model' ? processes.get(r.pid)?.budget : undefined;
      if (budget !== undefined && (left(budget, 'turns') < 1 || left(budget, 'tokens') <= 0)) this.fail('model-call-within-budget', null, `${r.pid} asked the model with no turn or token left`);
    }
    for (const record of tasks.all()) {
      if (record.state === 'verified' && !this.verified.has(record.id)) this.fail('verified-has-verdict', null, `task record ${record.id} is verified without a task.verified event`);
    }
    this.checkFairness(kernel, queued, scheduler.size);
  }

  private checkBudget(p: ProcessView): void {
    const { budget } = p;
    if (left(budget, 'turns') < 0) this.fail('budget-within-limit', null, `${p.name} used ${budget.used.turns} turns of ${budget.limit.turns}`);
    if (left(budget, 'tokens') < 0 && !this.overspent.has(budget)) {
      this.fail('budget-within-limit', null, `${p.name} used ${budget.used.tokens} tokens of ${budget.limit.tokens} and did not fail for it`);
    }
  }

  /** A process that is ready runs within 2 × (processes ready meanwhile) + 1 steps. */
  private checkFairness(kernel: KernelView, queued: ReadonlySet<string>, ready: number): void {
    const stepped = kernel.lastStepped;
    if (stepped !== null) {
      this.waiting.delete(stepped);
      for (const wait of this.waiting.values()) wait.steps++;
    }
    for (const name of this.unreadied) this.waiting.delete(name);
    this.unreadied.clear();
    for (const name of this.waiting.keys()) if (!queued.has(name)) this.waiting.delete(name);
    for (const name of queued) {
      const wait = this.waiting.get(name);
      if (wait === undefined) {
        this.waiting.set(name, { peak: ready, steps: 0 });
        continue;
      }
      wait.peak = Math.max(wait.peak, ready);
      if (wait.steps > 2 * wait.peak + 1) this.fail('fairness', null, `${name} has been ready for ${wait.steps} steps with at most ${wait.peak} processes ready`);
    }
  }
}

function left(budget: ProcessView['budget'], field: 'turns' | 'tokens'): number {
  return budget.limit[field] - budget.used[field] - budget.delegated[field];
}
