// `aos verify-log`: checks a run's log (verify-log.ts) and says whether it is sound, or where it is
// first damaged. Reads only; takes no lock.
import type { Command } from 'commander';
import { verifyLog, type LogVerdict } from '../log/verify-log.js';
import { EXIT } from './failures.js';
import { DEFAULT_RUNS_DIR, findRun } from './run-dirs.js';

/** What the command prints to: the part of aos-program.ts's Io it uses. */
interface Output {
  readonly out: (text: string) => void;
}

function render(verdict: LogVerdict): string {
  if (!verdict.ok) {
    const { kind, seq, message } = verdict.problem;
    return `verify-log: damaged${seq === undefined ? '' : ` at seq ${seq}`}: ${message} [${kind}]\n`;
  }
  const notes = verdict.notes.map((note) => `verify-log: ${note.kind === 'extra' ? 'info' : 'warning'}: ${note.message} [${note.kind}]\n`);
  return [`verify-log: ok, ${verdict.count} events, head ${verdict.head}\n`, ...notes].join('');
}

interface VerifyFlags {
  readonly runsDir: string;
  readonly json?: boolean;
}

async function verifyRun(run: string, flags: VerifyFlags, io: Output): Promise<number> {
  const verdict = await verifyLog(findRun(run, flags.runsDir));
  io.out(flags.json === true ? `${JSON.stringify(verdict, null, 2)}\n` : render(verdict));
  // Damaged is problems found; an unknown run is a UsageError (2).
  return verdict.ok ? EXIT.ok : EXIT.problems;
}

/** Adds `verify-log` to the aos program. */
export function registerVerifyLog(program: Command, io: Output, setCode: (n: number) => void): void {
  program
    .command('verify-log')
    .description("check a run's log: every line sound, in its place, and ending where manifest.json pins it")
    .argument('<run>', 'a run id in the runs directory, or a run directory')
    .option('--runs-dir <dir>', 'where run directories are', DEFAULT_RUNS_DIR)
    .option('--json', 'print the verdict as one JSON object')
    .action(async (run: string, flags: VerifyFlags) => {
      setCode(await verifyRun(run, flags, io));
    });
}
