// `aos verify-log`: checks a run's log (verify-log.ts) and says whether it is sound, or where it is
// first damaged. `aos verify`: checks the whole run directory (runtime/verify-run.ts) — log, replay,
// blobs, completion report, signature — one line per file checked or problem found. Both read
// only and take no lock.
import type { Command } from 'commander';
import { verifyLog, type LogVerdict } from '../log/verify-log.js';
import { verifyRun, type RunFinding, type RunVerdict } from '../runtime/verify-run.js';
import { EXIT } from './failures.js';
import { DEFAULT_RUNS_DIR, findRun } from './run-dirs.js';

/** What the commands print to, and verify's keys come from: the part of aos-program.ts's Io they use. */
interface Output {
  readonly out: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
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

async function verifyRunLog(run: string, flags: VerifyFlags, io: Output): Promise<number> {
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
      setCode(await verifyRunLog(run, flags, io));
    });
}

function findingLine(finding: RunFinding): string {
  if (finding.level === 'ok') return `verify: ${finding.file}: ${finding.message}\n`;
  return `verify: ${finding.file}: ${finding.level}: ${finding.message} [${finding.kind}]\n`;
}

function renderRun(verdict: RunVerdict): string {
  const problems = verdict.findings.filter((finding) => finding.level === 'problem').length;
  const summary = problems === 0 ? 'verify: ok\n' : `verify: ${problems} problem${problems === 1 ? '' : 's'}\n`;
  return [...verdict.findings.map(findingLine), summary].join('');
}

interface VerifyRunFlags extends VerifyFlags {
  readonly requireSignature?: boolean;
}

async function verifyWhole(run: string, flags: VerifyRunFlags, io: Output): Promise<number> {
  const verdict = await verifyRun(findRun(run, flags.runsDir), { env: io.env, requireSignature: flags.requireSignature === true });
  io.out(flags.json === true ? `${JSON.stringify(verdict, null, 2)}\n` : renderRun(verdict));
  return verdict.ok ? EXIT.ok : EXIT.problems;
}

/** Adds `verify` to the aos program. */
export function registerVerify(program: Command, io: Output, setCode: (n: number) => void): void {
  program
    .command('verify')
    .description('check a whole run directory: its log, a replay of it, every blob, the completion report and the signature')
    .argument('<run>', 'a run id in the runs directory, or a run directory')
    .option('--runs-dir <dir>', 'where run directories are', DEFAULT_RUNS_DIR)
    .option('--require-signature', 'count an absent or unchecked signature as a problem')
    .option('--json', 'print the verdict as one JSON object')
    .action(async (run: string, flags: VerifyRunFlags) => {
      setCode(await verifyWhole(run, flags, io));
    });
}
