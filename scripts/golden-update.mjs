// Re-records the golden runs: each golden/sources/NAME.aos is run as `aos run` runs it (seed 0, its
// scripted default, completions in request order, the signals of NAME.signals.json) into
// golden/runs/NAME, replacing the run that was there. Re-recording is a deliberate act, for after a
// change of the kernel, the compiler or the event format that the golden replays rightly refuse:
// `npm run golden:update [NAME ...]`. Tests never do it.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import console from 'node:console';
import process from 'node:process';

const root = fileURLToPath(new URL('..', import.meta.url));
const { recordGolden } = await import(new URL('../dist/cli/golden.js', import.meta.url).href);
const { endOnError } = await import(new URL('../dist/cli/failures.js', import.meta.url).href);

const sources = join(root, 'golden', 'sources');
const all = readdirSync(sources).filter((f) => f.endsWith('.aos')).map((f) => f.slice(0, -4)).sort();
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`golden:update: no source golden/sources/${unknown[0]}.aos; the sources are ${all.join(', ')}`);
  process.exit(2);
}
for (const name of names) {
  const runDir = join(root, 'golden', 'runs', name);
  if (existsSync(runDir)) rmSync(runDir, { recursive: true });
  try {
    const { report } = await recordGolden(join(sources, `${name}.aos`), runDir, root);
    console.log(`golden:update: ${name}: ${report.status}, ${report.events} events, head ${report.head.slice(0, 16)}`);
  } catch (error) {
    // A source that cannot be recorded ends the update as an aos command ends: one line and its status.
    process.exit(endOnError('golden:update', error, (text) => process.stderr.write(text)));
  }
}
