import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { compileDsl, parseLines } from './helpers.js';
import { readHeader, scriptedEffects } from '../../src/runtime/invariants.js';
import { runSimulated } from '../../src/runtime/simulated-host.js';

it('show', () => {
  const f = process.env.WF as string;
  const source = readFileSync(`/work/main/test/vm/workflows/${f}.aos`, 'utf8');
  const header = readHeader(source);
  const bytecode = compileDsl(source);
  const seed = process.env.SEED ?? '1';
  const r = runSimulated({ bytecode, seed, options: { policy: (process.env.POLICY ?? 'round-robin') as 'random' }, interleave: process.env.IL === '1', effects: scriptedEffects(header.fakes, seed) });
  for (const l of parseLines(r.lines)) console.log(l.seq, l.kind, l.pid ?? '', JSON.stringify(l.data));
});
