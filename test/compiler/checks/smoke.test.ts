import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/generated/workflow.js';
import { summary } from './helpers.js';

const factSheet: Workflow = {
  workflow: 'fact-sheet',
  version: '1.0.0',
  models: [{ name: 'default', id: 'qwen2.5-7b-instruct' }],
  artifacts: [{ name: 'facts', schema: { type: 'object', required: ['facts'] } }],
  agents: [
    { name: 'researcher', role: 'worker', model: 'default', promptFile: 'prompts/researcher.md', mounts: [{ kind: 'shared', path: '/shared' }], budget: { turns: 8, tokens: 20000, time: 300000 } },
    { name: 'checker', role: 'reviewer', model: 'default', prompt: 'Check every fact.', mounts: [{ kind: 'reference', path: '/sources', source: 'inputs/sources' }], budget: { turns: 4, tokens: 8000, time: 120000 } },
  ],
  tasks: [{ name: 'gather', owner: 'researcher', produces: ['facts'], verify: { agent: 'checker' } }],
  main: {
    body: [
      { kind: 'call', agent: 'researcher', task: 'gather', input: { kind: 'object', fields: [{ key: 'topic', value: 'AOS' }] }, timeout: 600000, let: 'r' },
      {
        kind: 'if',
        cond: { kind: 'cmp', op: '==', left: { kind: 'ref', path: ['r', 'status'] }, right: 'ok' },
        then: [{ kind: 'write', path: '/shared/facts.json', value: { kind: 'ref', path: ['r', 'output'] } }],
        else: [{ kind: 'fail', reason: 'gathering failed' }],
      },
    ],
  },
};

describe('the checks on a well-formed workflow', () => {
  it('report nothing for the fact-sheet example', () => {
    expect(summary(factSheet)).toEqual([]);
  });
});
