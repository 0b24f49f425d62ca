// Reproduces one seed of the seed sweep (test/vm/seed-sweep.test.ts) on the built code in dist/:
// runs the workflow twice under the invariant checker and prints the first invariant broken, or
// "ok" with the event count and head hash. Build first: npm run build.
//
//   node scripts/sweep.mjs --workflow NAME --seed N [--policy random] [--interleave] [--quantum Q] [--log]
//
// NAME is a file of test/vm/workflows without .aos, or a path to an .aos file. --log prints the
// first run's event lines. Exit codes: 0 ok, 1 an invariant broke, 2 bad usage.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = new URL('../', import.meta.url);
const usage = 'usage: node scripts/sweep.mjs --workflow NAME --seed N [--policy round-robin|random] [--interleave] [--quantum Q] [--log]';

function bad(message) {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      workflow: { type: 'string' },
      seed: { type: 'string' },
      policy: { type: 'string', default: 'round-robin' },
      interleave: { type: 'boolean', default: false },
      quantum: { type: 'string' },
      log: { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  bad(error.message);
}
if (args.workflow === undefined || args.seed === undefined) bad('--workflow and --seed are required');
if (args.policy !== 'round-robin' && args.policy !== 'random') bad(`--policy must be round-robin or random, got ${args.policy}`);
const quantum = args.quantum === undefined ? undefined : Number(args.quantum);
if (quantum !== undefined && !(Number.isSafeInteger(quantum) && quantum > 0)) bad(`--quantum must be a positive integer, got ${args.quantum}`);

const dist = new URL('dist/', root);
if (!existsSync(new URL('sim/sweep.js', dist))) bad('dist/ has no sim/sweep.js: run npm run build first');
const { compileSource } = await import(new URL('compiler/index.js', dist).href);
const { renderText } = await import(new URL('compiler/render.js', dist).href);
const { readHeader, sweepSeed } = await import(new URL('sim/sweep.js', dist).href);

const file = args.workflow.endsWith('.aos') ? args.workflow : fileURLToPath(new URL(`test/vm/workflows/${args.workflow}.aos`, root));
if (!existsSync(file)) bad(`no workflow at ${file}`);
const source = readFileSync(file, 'utf8');
const compiled = compileSource(source, file, { readFile: () => undefined });
if (compiled.bytecode === undefined) {
  console.error(renderText(compiled.diagnostics, source));
  process.exit(2);
}

const { fakes, expect } = readHeader(source);
const outcome = sweepSeed({ bytecode: compiled.bytecode, fakes, seed: args.seed, policy: args.policy, interleave: args.interleave, quantum });
if (args.log) for (const line of outcome.lines) console.log(line);
const unexpected = outcome.violation === null && expect !== null && !expect.includes(outcome.status ?? '');
if (outcome.violation !== null) console.log(outcome.violation);
else if (unexpected) console.log(`main ended ${outcome.status}, expected ${expect.join(' or ')}`);
else console.log(`ok: ${outcome.events} events, head ${outcome.head}, main ${outcome.status}`);
process.exit(outcome.violation !== null || unexpected ? 1 : 0);
