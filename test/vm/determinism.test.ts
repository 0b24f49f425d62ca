import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compiler/index.js';
import { fileHost } from '../../src/cli/files.js';
import type { Bytecode } from '../../src/bytecode/format.js';
import type { EffectRequest } from '../../src/vm/effects.js';
import type { JsonValue } from '../../src/bytecode/json.js';
import eventSchema from '../../schemas/event.schema.json' with { type: 'json' };
import { run } from './helpers.js';
import { agentInput, finishReply } from '../../src/sim/fake-effects.js';
import type { HostView } from '../../src/sim/simulated-host.js';

function compileFile(file: string): Bytecode {
  const result = compileSource(readFileSync(file, 'utf8'), file, fileHost(file));
  if (!result.bytecode) throw new Error(`${file} does not compile`);
  return result.bytecode;
}

/** Scripted stand-ins for the rasterizer team: each round's candidate is 2× faster, and passes. */
function rasterizerModel(req: EffectRequest, host: HostView): JsonValue {
  const r = req.request;
  if (r['agent'] === 'coordinator') return { name: 'step', idea: 'go faster', changes: ['one edit'], expected_speedup: 2, risk: 'low' };
  if (r['agent'] === 'writer') {
    const round = (agentInput(req, host) as { round: number }).round;
    return finishReply({ round, source: `/shared/r${round}/main.cpp`, binary: `/shared/r${round}/raster`, frames: `/shared/r${round}/frames` });
  }
  return finishReply({ passed: true, max_diff: 0, frames: [{ scene: 'spheres', max_diff: 0, differing_pixels: 0 }] });
}

function rasterizerTool(req: EffectRequest): JsonValue {
  if (req.request['tool'] !== 'bench') return { exit_code: 0, stdout: '', stderr: '' };
  const binary = (req.request['argv'] as { path: string }[])[0]?.path ?? '';
  const round = Number(/r(\d+)\//.exec(binary)?.[1] ?? 0);
  const speedup = 2 ** round;
  return { exit_code: 0, stdout: '', stderr: '', json: { binary, scenes: 'standard', runs: 5, median_us: Math.round(1e6 / speedup), speedup, per_scene: [] } };
}

const FAKES = {
  'workflows/docs-merge.aos': {
    model: (req: EffectRequest): JsonValue =>
      req.request['agent'] === 'synthesizer' ? finishReply({ html: '<h1>T</h1>', sections: ['T'] }) : req.request['agent'] === 'reviewer' ? finishReply({ passed: true }) : finishReply('saved'),
  },
  'workflows/rasterizer.aos': { model: rasterizerModel, tool: rasterizerTool },
} as const;

describe('determinism of the kernel', () => {
  const validate = new Ajv2020({ discriminator: true, strict: true, allowUnionTypes: true }).compile(eventSchema);

  for (const [file, fakes] of Object.entries(FAKES)) {
    it(`${file}: the same seed and inputs give byte-identical logs, under both policies, and every line fits the event schema`, () => {
      const bytecode = compileFile(file);
      for (const policy of ['round-robin', 'random'] as const) {
        const first = run(bytecode, { seed: 's1', options: { policy }, interleave: true, fakes });
        const second = run(bytecode, { seed: 's1', options: { policy }, interleave: true, fakes });
        expect(first.kernel.result?.status).toBe('ok');
        expect(second.lines).toEqual(first.lines);
        for (const line of first.lines) {
          if (!validate(JSON.parse(line))) throw new Error(`${line}\n${JSON.stringify(validate.errors)}`);
        }
      }
    });
  }

  it('rasterizer: the experiment loop stops at 10x, after the fourth round (2^4 = 16x)', () => {
    const r = run(compileFile('workflows/rasterizer.aos'), { fakes: FAKES['workflows/rasterizer.aos'] });
    expect(r.kernel.result?.output).toMatchObject({ round: 4, speedup: 16 });
    const verified = r.kernel.core.tasks.all().filter((t) => t.state === 'verified');
    expect(verified).toHaveLength(4);
  });

  it('different seeds under the random policy interleave differently but reach the same result', () => {
    const bytecode = compileFile('workflows/docs-merge.aos');
    const fakes = FAKES['workflows/docs-merge.aos'];
    const heads = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const r = run(bytecode, { seed: `seed-${seed}`, options: { policy: 'random' }, interleave: true, fakes });
      expect(r.kernel.result).toMatchObject({ status: 'ok', output: { path: '/out/merged.html', sections: ['T'] } });
      heads.add(r.head);
    }
    // The seed is recorded in run.started, so every head differs; the result never does.
    expect(heads.size).toBe(20);
  });
});
