import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

describe('budget-invalid', () => {
  it('reports a zero budget figure as not positive', () => {
    expect(found(workflow({ agents: [agent('a', { budget: { turns: 0, tokens: 10, time: 10 } })] }), 'budget-invalid')).toEqual([
      { severity: 'error', pointer: '/agents/0/budget/turns', message: 'budget turns must be positive; it is 0', hints: [] },
    ]);
  });

  it('reports declaration settings, naming what zero means where it is allowed', () => {
    const ast = workflow({
      models: [{ name: 'm', id: 'x', maxTokens: 0 }],
      tools: [{ name: 't', argv: ['t'], timeout: -1, outputCap: 0 }],
      supervisors: [{ name: 's', strategy: 'one_for_one', intensity: -1, period: 0 }],
      retries: [{ name: 'r', attempts: 0, backoff: -5, factor: 0, maxBackoff: 0 }],
    });
    expect(found(ast, 'budget-invalid').map((d) => [d.pointer, d.message])).toEqual([
      ['/models/0/maxTokens', 'model max_tokens must be positive; it is 0'],
      ['/tools/0/timeout', 'tool timeout must be positive; it is -1ms'],
      ['/tools/0/outputCap', 'tool output_cap must be positive; it is 0 bytes'],
      ['/supervisors/0/intensity', 'supervisor intensity must not be negative (0 means no restarts before escalating); it is -1'],
      ['/supervisors/0/period', 'supervisor period must be positive; it is 0ms'],
      ['/retries/0/attempts', 'retry attempts must be positive; it is 0'],
      ['/retries/0/backoff', 'retry backoff must not be negative (0 means retry at once); it is -5ms'],
      ['/retries/0/factor', 'retry factor must be positive; it is 0'],
    ]);
  });

  it('reports statement durations', () => {
    const ast = workflow({
      agents: [agent('w')],
      main: [
        { kind: 'call', agent: 'w', timeout: 0 },
        { kind: 'acquire', resource: 'db', ttl: 0, timeout: 5 },
        { kind: 'sleep', duration: -1 },
        { kind: 'sleep', duration: 0 },
      ],
    });
    expect(found(ast, 'budget-invalid').map((d) => [d.pointer, d.message])).toEqual([
      ['/main/body/0/timeout', 'timeout must be positive; it is 0ms'],
      ['/main/body/1/ttl', 'lease ttl must be positive; it is 0ms'],
      ['/main/body/2/duration', 'sleep duration must not be negative (0 means just yield); it is -1ms'],
    ]);
  });

  it('accepts positive values and zero where zero has a meaning', () => {
    const ast = workflow({
      agents: [agent('a')],
      supervisors: [{ name: 's', strategy: 'one_for_one', intensity: 0, period: 1000 }],
      retries: [{ name: 'r', attempts: 1, backoff: 0, factor: 1, maxBackoff: 0 }],
      main: [{ kind: 'sleep', duration: 0 }],
    });
    expect(found(ast, 'budget-invalid')).toEqual([]);
  });
});
