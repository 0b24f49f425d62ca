// Golden runs (golden/): recorded runs of the workflows in golden/sources that CI replays exactly.
// Recording one is what `aos run` does — seed 0, no input, the workflow's scripted default —
// with completions admitted in request order, so that a re-recording changes only what a change
// of the kernel or compiler changed. A source may come with NAME.signals.json: signals an
// operator sends, each once the run has requested a matching effect (the way to record a
// `signal.external`). Sources are compiled under their path relative to the repository, so the
// recorded bytecode holds no host path.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { AosError } from '../bytecode/errors.js';
import type { Bytecode } from '../bytecode/format.js';
import type { SignalOp } from '../bytecode/opcodes.js';
import { SIGNAL_OPS } from '../bytecode/opcodes.js';
import { compileSource } from '../compiler/index.js';
import type { CompletionReport } from '../generated/completion.js';
import { chooseBackend } from '../runtime/backend-config.js';
import { run } from '../runtime/run.js';
import { fileHost } from './files.js';

const signalsSchema = z.array(
  z.strictObject({
    /** Sent once an effect of this op (and timer purpose, when given) has been requested. */
    when: z.strictObject({ op: z.string(), purpose: z.string().optional(), pid: z.string().optional() }),
    target: z.string(),
    op: z.enum(SIGNAL_OPS),
    /** Real milliseconds between seeing the request and sending the signal. */
    afterMs: z.number().int().nonnegative().default(20),
  }),
);

type GoldenSignals = z.infer<typeof signalsSchema>;

/**
 * signals: a source's signals file is not JSON or not a list of signals. compile: the source does
 * not compile without a diagnostic. unsent: a signal's `when` matched no effect of the run.
 */
export type GoldenProblem = 'signals' | 'compile' | 'unsent';

/** A golden source that cannot be recorded as it is; its code is `golden.<problem>`. */
export class GoldenError extends AosError {
  constructor(problem: GoldenProblem, message: string) {
    super(`golden.${problem}`, message);
  }
}

function signalsDocument(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GoldenError('signals', `${file} is not JSON: ${(error as Error).message}`);
  }
}

/** A source's signals file, checked; none when there is no file. */
function goldenSignals(sourceFile: string): GoldenSignals {
  const file = sourceFile.replace(/\.aos$/, '.signals.json');
  if (!existsSync(file)) return [];
  const parsed = signalsSchema.safeParse(signalsDocument(file));
  if (!parsed.success) throw new GoldenError('signals', `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '/'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Compiles a golden source under its path relative to `root`; throws on any diagnostic. */
export function compileGolden(sourceFile: string, root: string): Bytecode {
  const file = relative(root, resolve(sourceFile));
  const compiled = compileSource(readFileSync(resolve(root, file)), file, fileHost(resolve(root, file)));
  if (compiled.bytecode === undefined || compiled.diagnostics.length > 0) {
    throw new GoldenError('compile', `${file} does not compile cleanly: ${compiled.diagnostics.map((d) => `${d.severity}: ${d.message} [${d.rule}]`).join('; ')}`);
  }
  return compiled.bytecode;
}

export interface GoldenRecording {
  readonly bytecode: Bytecode;
  readonly report: CompletionReport;
}

/** Records the run of a golden source into runDir (which must not hold a run yet). */
export async function recordGolden(sourceFile: string, runDir: string, root: string): Promise<GoldenRecording> {
  const bytecode = compileGolden(sourceFile, root);
  // The environment of `aos run`, less the settings that would choose a live backend.
  const hostEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AOS_LLM_')));
  const choice = chooseBackend(sourceFile, {}, hostEnv);
  const pending = [...goldenSignals(sourceFile)];
  let send: ((target: string, op: SignalOp) => void) | undefined;
  const report = await run({
    backend: choice.backend,
    bytecode,
    external: (signal) => (send = signal),
    hostEnv,
    input: null,
    observe: (_kernel, output) => {
      for (const request of output.requests) {
        const at = pending.findIndex((s) => s.when.op === request.op && (s.when.purpose === undefined || s.when.purpose === request.request['purpose']) && (s.when.pid === undefined || s.when.pid === request.pid));
        if (at < 0) continue;
        const [signal] = pending.splice(at, 1);
        if (signal !== undefined) setTimeout(() => send?.(signal.target, signal.op), signal.afterMs);
      }
    },
    orderedCompletions: true,
    runDir,
    scripted: choice.scripted,
    secrets: choice.secrets,
    seed: '0',
    workflowDir: join(resolve(sourceFile), '..'),
  });
  if (pending.length > 0) throw new GoldenError('unsent', `${sourceFile}: ${pending.length} signals were never sent: no effect matched their \`when\``);
  return { bytecode, report };
}
