// The seed sweep: every workflow in test/vm/workflows runs under many seeds, with both scheduling
// policies, with and without interleaved completions. Each seed runs twice and must give the same
// log (the same head hash over the same number of events), and every invariant of
// src/runtime/invariants.ts must hold after every kernel transition. A failing seed prints the one
// command that reproduces it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { SchedulingPolicy } from '../../src/vm/scheduler.js';
import { readHeader, sweepSeed } from '../../src/runtime/invariants.js';
import { compileDsl } from './helpers.js';

const SEEDS_PER_WORKFLOW = 3000;

const folder = new URL('./workflows/', import.meta.url);
const workflows = readdirSync(folder)
  .filter((file) => file.endsWith('.aos'))
  .sort()
  .map((file) => {
    const source = readFileSync(new URL(file, folder), 'utf8');
    return { name: file.slice(0, -'.aos'.length), bytecode: compileDsl(source), ...readHeader(source) };
  });

/** Seed n's options: odd seeds schedule at random, and seeds 2–3, 6–7, … interleave completions. */
function optionsOf(seed: number): { policy: SchedulingPolicy; interleave: boolean } {
  return { policy: seed % 2 === 1 ? 'random' : 'round-robin', interleave: Math.floor(seed / 2) % 2 === 1 };
}

function reproduce(workflow: string, seed: number): string {
  const { policy, interleave } = optionsOf(seed);
  return `node scripts/sweep.mjs --workflow ${workflow} --seed ${seed}${policy === 'random' ? ' --policy random' : ''}${interleave ? ' --interleave' : ''}`;
}

/** The run's schedule without its seed: every line after run.started, less its hash. */
function scheduleOf(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of lines.slice(1)) hash.update(line.replace(/"h":"[0-9a-f]{64}",/, ''));
  return hash.digest('hex');
}

describe('the seed sweep', () => {
  it('covers at least 1,000 seeds over at least 6 workflows', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(6);
    expect(workflows.length * SEEDS_PER_WORKFLOW).toBeGreaterThanOrEqual(1000);
  });

  for (const workflow of workflows) {
    it(`${workflow.name}: seeds 1–${SEEDS_PER_WORKFLOW} keep every invariant and give the same log twice`, () => {
      const schedules = new Set<string>();
      for (let seed = 1; seed <= SEEDS_PER_WORKFLOW; seed++) {
        const options = optionsOf(seed);
        const outcome = sweepSeed({ bytecode: workflow.bytecode, fakes: workflow.fakes, seed: String(seed), ...options });
        const where = `workflow ${workflow.name}, seed ${seed}, policy ${options.policy}, interleave ${options.interleave}`;
        const problem =
          outcome.violation ??
          (workflow.expect !== null && !workflow.expect.includes(outcome.status ?? '') ? `main ended ${outcome.status ?? 'without a result'}, expected ${workflow.expect.join(' or ')}` : null);
        if (problem !== null) expect.fail(`${where}: ${problem}\n  reproduce: npm run build && ${reproduce(workflow.name, seed)}`);
        schedules.add(scheduleOf(outcome.lines));
      }
      console.log(workflow.name, schedules.size);
    });
  }
});
