// Retry policies through whole workflows on the simulated host: malformed model output re-asked
// with feedback, failed tools rerun, crashed agents restarted, rejected tasks redone — each after
// a backoff timer of backoff × factor^(n−1), capped at max_backoff, for at most `attempts` tries.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/bytecode/json.js';
import type { Completion } from '../../src/vm/kernel.js';
import { compileDsl, run, type ParsedEvent, type RunOptions } from './helpers.js';

function ofKind(log: readonly ParsedEvent[], kind: string, pid?: string): ParsedEvent[] {
  return log.filter((e) => e.kind === kind && (pid === undefined || e.pid === pid));
}

function requestsOf(log: readonly ParsedEvent[], op: string, purpose?: string): Record<string, JsonValue>[] {
  return ofKind(log, 'effect.requested')
    .filter((e) => e.data?.['op'] === op && (purpose === undefined || (e.data['request'] as { purpose?: string }).purpose === purpose))
    .map((e) => e.data?.['request'] as Record<string, JsonValue>);
}

function scheduled(log: readonly ParsedEvent[]): unknown[] {
  return ofKind(log, 'retry.scheduled').map((e) => e.data);
}

/** Runs and notes the kernel's virtual clock whenever an effect of `op` is requested. */
function runTimed(source: string, op: string, options: RunOptions): ReturnType<typeof run> & { times: number[] } {
  const times: number[] = [];
  const result = run(compileDsl(source), {
    ...options,
    observe: (kernel, output) => {
      for (const r of output.requests) if (r.op === op) times.push(kernel.now);
    },
  });
  return { ...result, times };
}

/** Hands out the listed replies in turn, then the last one forever. */
function sequence<T>(replies: readonly T[]): () => T {
  let at = 0;
  return () => replies[Math.min(at++, replies.length - 1)] as T;
}

const asker = (policy: string, body = 'let v = ask "judge it" with input returns verdict\n    exit v'): string => `workflow asking version "1"
model default { id "m" }
artifact verdict schema { "type": "object", "required": ["ok"] }
retry again { ${policy} }
agent asker {
  model default
  retry again
  budget { turns 20 tokens 100000 time 1h }
  run {
    ${body}
  }
}
main {
  let r = call asker with "x" timeout 1h
  exit r
}`;

describe('malformed model output', () => {
  const policy = 'attempts 5 backoff 100 factor 2 max_backoff 300 on [malformed_output]';

  it('is re-asked with feedback after backoff × factor^(n−1) capped at max_backoff, until a reply fits', () => {
    const replies: JsonValue[] = [{ wrong: 1 }, 'not json {', [1], { ok: 'not a boolean is fine' }];
    const model = sequence(replies);
    const { log, kernel, times } = runTimed(asker(policy), 'model', { fakes: { model: () => model() } });
    expect(kernel.result).toEqual({ status: 'ok', output: { output: { ok: 'not a boolean is fine' }, status: 'ok' } });
    expect(scheduled(log)).toEqual([
      { attempt: 2, backoff: 100, on: 'malformed_output' },
      { attempt: 3, backoff: 200, on: 'malformed_output' },
      { attempt: 4, backoff: 300, on: 'malformed_output' },
    ]);
    expect(requestsOf(log, 'timer', 'backoff').map((r) => r['ms'])).toEqual([100, 200, 300]);
    // Each re-ask happens when its backoff timer fires on the virtual clock.
    expect(times).toEqual([0, 100, 300, 600]);
    const asks = requestsOf(log, 'model');
    expect(asks.map((r) => r['attempt'])).toEqual([1, 2, 3, 4]);
    expect(asks[0]?.['feedback']).toBeUndefined();
    for (const r of asks.slice(1)) expect(typeof r['feedback']).toBe('string');
    expect(asks[1]?.['feedback']).toMatch(/ok/);
    expect(asks[2]?.['feedback']).toMatch(/not JSON/);
    expect(ofKind(log, 'output.malformed')).toHaveLength(3);
    // Nothing restarted: the re-ask is inside one incarnation.
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
  });

  it('fails the process after `attempts` tries in all, the backoff staying at max_backoff', () => {
    const { log, kernel, times } = runTimed(asker(policy), 'model', { fakes: { model: () => ({ wrong: true }) } });
    expect(requestsOf(log, 'model')).toHaveLength(5);
    expect(scheduled(log).map((s) => (s as { backoff: number }).backoff)).toEqual([100, 200, 300, 300]);
    expect(times).toEqual([0, 100, 300, 600, 900]);
    const output = kernel.result?.output as { status: string; reason: { kind: string } };
    expect(output.status).toBe('failed');
    expect(output.reason.kind).toBe('malformed-output');
  });

  it('without a policy covering it, one malformed reply fails the process', () => {
    const { log, kernel } = run(compileDsl(asker('attempts 5 backoff 100 on [tool_failure]')), { fakes: { model: () => ({ wrong: true }) } });
    expect(requestsOf(log, 'model')).toHaveLength(1);
    expect(scheduled(log)).toEqual([]);
    expect((kernel.result?.output as { status: string }).status).toBe('failed');
  });

  it('a backoff of 0 re-asks at once, and factor defaults to 1', () => {
    const model = sequence<JsonValue>([{ wrong: 1 }, { wrong: 2 }, { ok: true }]);
    const { log, times } = runTimed(asker('attempts 3 on [malformed_output]'), 'model', { fakes: { model: () => model() } });
    expect(scheduled(log).map((s) => (s as { backoff: number }).backoff)).toEqual([0, 0]);
    expect(times).toEqual([0, 0, 0]);
    const fixed = sequence<JsonValue>([{ wrong: 1 }, { wrong: 2 }, { ok: true }]);
    const flat = run(compileDsl(asker('attempts 3 backoff 50 on [malformed_output]')), { fakes: { model: () => fixed() } });
    expect(scheduled(flat.log).map((s) => (s as { backoff: number }).backoff)).toEqual([50, 50]);
  });

  it('each ask has its own attempts: an earlier ask`s retries do not use up a later one`s', () => {
    const body = `let first = ask "one" with input returns verdict
    let second = ask "two" with input returns verdict
    exit [first, second]`;
    const model = sequence<JsonValue>([{ wrong: 1 }, { ok: 1 }, { wrong: 2 }, { ok: 2 }]);
    const { log, kernel } = run(compileDsl(asker('attempts 2 backoff 10 on [malformed_output]', body)), { fakes: { model: () => model() } });
    expect(kernel.result).toEqual({ status: 'ok', output: { output: [{ ok: 1 }, { ok: 2 }], status: 'ok' } });
    expect(scheduled(log)).toEqual([
      { attempt: 2, backoff: 10, on: 'malformed_output' },
      { attempt: 2, backoff: 10, on: 'malformed_output' },
    ]);
  });
});

const toolUser = (on: string, attempts = 3): string => `workflow tooling version "1"
model default { id "m" }
tool probe { argv ["probe"] }
retry again { attempts ${attempts} backoff 1s factor 3 on [${on}] }
agent user {
  model default
  retry again
  caps { tools [probe] }
  budget { turns 20 tokens 100000 time 1h }
  run {
    let r = exec probe
    exit r
  }
}
main {
  let r = call user timeout 1h
  exit r
}`;

describe('tool failures', () => {
  const broken: Completion = { ok: false, error: { kind: 'spawn-failed', message: 'no such binary' } };
  const timedOut: Completion = { ok: false, error: { kind: 'timeout', message: 'took too long' } };
  const fine = { exit_code: 0, stdout: 'ok', stderr: '' };

  it('are rerun after the backoff when `on` has tool_failure', () => {
    const tool = sequence<JsonValue | Completion>([broken, broken, fine]);
    const { log, kernel, times } = runTimed(toolUser('tool_failure'), 'tool', { fakes: { tool: () => tool() } });
    expect(kernel.result?.output).toEqual({ output: fine, status: 'ok' });
    expect(scheduled(log)).toEqual([
      { attempt: 2, backoff: 1000, on: 'tool_failure' },
      { attempt: 3, backoff: 3000, on: 'tool_failure' },
    ]);
    expect(times).toEqual([0, 1000, 4000]);
  });

  it('are not rerun otherwise: the program gets the error as the tool`s result', () => {
    const tool = sequence<JsonValue | Completion>([broken, fine]);
    const { log, kernel } = run(compileDsl(toolUser('malformed_output')), { fakes: { tool: () => tool() } });
    expect(requestsOf(log, 'tool')).toHaveLength(1);
    expect(scheduled(log)).toEqual([]);
    expect(kernel.result?.output).toEqual({ output: { error: broken.ok ? null : broken.error, exit_code: -1 }, status: 'ok' });
  });

  it('give the error as the result once the attempts are spent', () => {
    const { log, kernel } = run(compileDsl(toolUser('tool_failure', 2)), { fakes: { tool: () => broken } });
    expect(requestsOf(log, 'tool')).toHaveLength(2);
    expect(scheduled(log)).toHaveLength(1);
    expect((kernel.result?.output as { output: { exit_code: number } }).output.exit_code).toBe(-1);
  });

  it('each exec has its own attempts', () => {
    const source = toolUser('tool_failure', 2).replace('let r = exec probe\n    exit r', 'let r1 = exec probe\n    let r2 = exec probe\n    exit [r1, r2]');
    const tool = sequence<JsonValue | Completion>([broken, fine, broken, fine]);
    const { log, kernel } = run(compileDsl(source), { fakes: { tool: () => tool() } });
    expect(kernel.result?.output).toEqual({ output: [fine, fine], status: 'ok' });
    expect(scheduled(log)).toHaveLength(2);
  });

  it('a tool timeout is retried under `timeout`, not under tool_failure', () => {
    const tool = sequence<JsonValue | Completion>([timedOut, fine]);
    const underTimeout = run(compileDsl(toolUser('timeout')), { fakes: { tool: () => tool() } });
    expect(scheduled(underTimeout.log)).toEqual([{ attempt: 2, backoff: 1000, on: 'timeout' }]);
    expect(underTimeout.kernel.result?.output).toEqual({ output: fine, status: 'ok' });
    const underToolFailure = run(compileDsl(toolUser('tool_failure')), { fakes: { tool: () => timedOut } });
    expect(scheduled(underToolFailure.log)).toEqual([]);
  });

  it('a nonzero exit code is a result, not a tool failure', () => {
    const { log } = run(compileDsl(toolUser('tool_failure')), { fakes: { tool: () => ({ exit_code: 2, stdout: '', stderr: 'bad' }) } });
    expect(requestsOf(log, 'tool')).toHaveLength(1);
    expect(scheduled(log)).toEqual([]);
  });
});

describe('crash retries', () => {
  const crasher = (attempts: number): string => `workflow crashing version "1"
model default { id "m" }
tool probe { argv ["probe"] }
retry again { attempts ${attempts} backoff 1s factor 3 max_backoff 2s on [crash] }
agent worker {
  model default
  retry again
  caps { tools [probe] }
  budget { turns 20 tokens 100000 time 1h }
  run {
    let r = exec probe
    if r.exit_code != 0 { fail "boom" }
    exit "done"
  }
}
main {
  let r = call worker timeout 1h
  exit r
}`;
  const exitCodes = (codes: number[]): (() => JsonValue) => {
    const next = sequence(codes);
    return () => ({ exit_code: next(), stdout: '', stderr: '' });
  };

  it('restart the failed agent after the backoff, under the same name, until it succeeds', () => {
    const { log, kernel, times } = runTimed(crasher(3), 'tool', { fakes: { tool: exitCodes([1, 1, 0]) } });
    expect(kernel.result?.output).toEqual({ output: 'done', status: 'ok' });
    expect(scheduled(log)).toEqual([
      { attempt: 2, backoff: 1000, on: 'crash' },
      { attempt: 3, backoff: 2000, on: 'crash' },
    ]);
    expect(ofKind(log, 'proc.restarted').map((e) => [e.pid, e.data])).toEqual([
      ['worker#1', { attempt: 2, cause: 'retry', incarnation: 2 }],
      ['worker#1', { attempt: 3, cause: 'retry', incarnation: 3 }],
    ]);
    expect(times).toEqual([0, 1000, 3000]);
  });

  it('the exit is final once the attempts are spent, and await sees that failure', () => {
    const { log, kernel } = run(compileDsl(crasher(2)), { fakes: { tool: exitCodes([1]) } });
    expect(ofKind(log, 'proc.exited', 'worker#1').map((e) => e.data?.['status'])).toEqual(['failed', 'failed']);
    expect(scheduled(log)).toHaveLength(1);
    expect(kernel.result?.output).toEqual({ output: null, reason: 'boom', status: 'failed' });
  });

  it('a restarting agent that is killed during its backoff stays dead', () => {
    const source = crasher(3).replace('let r = call worker timeout 1h', 'let w = spawn worker\n  sleep 500ms\n  signal w kill\n  let r = await w timeout 1h');
    const { log, kernel } = run(compileDsl(source), { fakes: { tool: exitCodes([1, 0]) } });
    expect(ofKind(log, 'proc.restarted')).toEqual([]);
    expect(kernel.result?.output).toMatchObject({ status: 'killed' });
  });
});

describe('rejected tasks', () => {
  const review = (policy: string): string => `workflow reviewing version "1"
model default { id "m" }
artifact draft
retry redo { ${policy} }
agent writer {
  model default
  budget { turns 10 tokens 10000 time 10m }
  run {
    if input.rejected { exit { text: "better", saw: input } }
    exit { text: "sloppy" }
  }
}
agent judge {
  role reviewer
  model default
  budget { turns 10 tokens 10000 time 10m }
  run {
    if input.value.text == "better" { exit { passed: true } }
    exit { passed: false, why: "sloppy" }
  }
}
task essay { owner writer produces [draft] verify by agent judge retry redo }
main {
  let r = call writer task essay with { topic: "bees" } timeout 10m
  let verdict = verify essay with r.output
  exit verdict
}`;

  it('rerun the task`s owner with {input, rejected} and judge its new output', () => {
    const { log, kernel } = run(compileDsl(review('attempts 3 backoff 2s on [rejected]')));
    const rejected = { passed: false, why: 'sloppy' };
    expect(scheduled(log)).toEqual([{ attempt: 2, backoff: 2000, on: 'rejected' }]);
    const writers = ofKind(log, 'proc.spawned').filter((e) => e.data?.['spec'] === 'writer');
    expect(writers.map((e) => [e.pid, e.data?.['input']])).toEqual([
      ['writer#1', { topic: 'bees' }],
      ['writer#2', { input: { topic: 'bees' }, rejected }],
    ]);
    expect(ofKind(log, 'task.rejected').map((e) => e.data?.['verdict'])).toEqual([rejected]);
    expect(ofKind(log, 'task.verified')).toHaveLength(1);
    const better = { saw: { input: { topic: 'bees' }, rejected }, text: 'better' };
    expect(kernel.result).toEqual({ status: 'ok', output: { passed: true, value: better } });
    // The new attempt starts when the backoff timer fires.
    const backoff = requestsOf(log, 'timer', 'backoff');
    expect(backoff.map((r) => r['ms'])).toEqual([2000]);
    const fired = ofKind(log, 'timer.fired', 'main').map((e) => e.seq);
    expect(writers[1]!.seq).toBeGreaterThan(fired[fired.length - 1]!);
  });

  it('are not rerun when the policy does not cover `rejected`', () => {
    const { log, kernel } = run(compileDsl(review('attempts 3 backoff 2s on [crash]')));
    expect(scheduled(log)).toEqual([]);
    expect(kernel.result?.output).toEqual({ passed: false, why: 'sloppy' });
  });
});
