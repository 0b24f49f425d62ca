// The `aos` command line run in-process with its output captured: what test/cli tests call.
import { main, type Io } from '../../src/cli/aos-program.js';

export type CapturedIo = Io & { stdout: string; stderr: string };

/** An Io that keeps what is printed; run ids are `<workflow>-test` unless runId is given. */
export function io(env: Record<string, string | undefined> = {}, runId?: (workflow: string) => string): CapturedIo {
  const captured = { stdout: '', stderr: '' };
  return Object.assign(captured, {
    env,
    err: (t: string) => void (captured.stderr += t),
    out: (t: string) => void (captured.stdout += t),
    runId: runId ?? ((workflow: string) => `${workflow}-test`),
  });
}

/** Runs `aos ...argv`; its exit code and what it printed. */
export async function aos(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = io(env);
  const code = await main(argv, out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}
