import { describe, expect, it } from 'vitest';
import { agent, found, workflow } from './helpers.js';

describe('may-block-forever', () => {
  it('warns about recv, await and call without a timeout', () => {
    const ast = workflow({
      agents: [agent('w')],
      main: [{ kind: 'recv' }, { kind: 'spawn', agent: 'w', let: 'p' }, { kind: 'await', target: 'p' }, { kind: 'call', agent: 'w' }],
    });
    expect(found(ast, 'may-block-forever').map((d) => [d.severity, d.pointer, d.message])).toEqual([
      ['warning', '/main/body/0', '`recv` without a timeout can block forever; add `timeout`'],
      ['warning', '/main/body/2', '`await` without a timeout can block forever; add `timeout`'],
      ['warning', '/main/body/3', '`call` without a timeout can block forever; add `timeout`'],
    ]);
  });

  it('is quiet when each has a timeout', () => {
    const ast = workflow({
      agents: [agent('w')],
      main: [{ kind: 'recv', timeout: 5 }, { kind: 'spawn', agent: 'w', let: 'p' }, { kind: 'await', target: 'p', timeout: 5 }, { kind: 'call', agent: 'w', timeout: 5 }],
    });
    expect(found(ast, 'may-block-forever')).toEqual([]);
  });
});
