// Golden coverage measured by replaying runs with the kernel's tracing: an instruction counts when
// it ran — a syscall on the path not taken does not, though its procedure ran; one that leaves no
// event of its own does — a free agent's tool calls count for no syscall, and a traced replay under
// a small quantum still reproduces every line.
import { describe, expect, it } from 'vitest';
import type { Bytecode } from '../../src/bytecode/format.js';
import { OPCODES } from '../../src/bytecode/opcodes.js';
import { kernelCoverage, type CoverageReport } from '../../src/inspect/coverage.js';
import { compileDsl, run, type RunOptions } from '../vm/helpers.js';

function measured(bytecode: Bytecode, options: RunOptions = {}): { report: CoverageReport; log: ReturnType<typeof run>['log'] } {
  const result = run(bytecode, options);
  expect(result.kernel.finished).toBe(true);
  return { log: result.log, report: kernelCoverage([{ bytecode, lines: result.lines }]) };
}

/** The opcodes of a procedure, by name. */
function opsOf(bytecode: Bytecode, procedure: string): Set<string> {
  const code = bytecode.code.procedures.find((p) => p.name === procedure)?.code ?? [];
  return new Set(code.map((ins) => OPCODES[ins[0] as number]?.name as string));
}

const branches = compileDsl(`
workflow branches version "1"
main {
  if input == "nap" {
    sleep 10ms
  } else {
    publish "news" { n: 1 }
  }
  exit "done"
}
`);

// A ticker sends at every turn of its loop, a spinner only computes: both are preempted mid-loop.
const tickers = compileDsl(`
workflow tickers version "1"
model scripted { id "scripted" }
agent ticker {
  model scripted
  budget { turns 1 tokens 100 time 1m }
  run {
    loop i max 100 {
      send parent i
    }
    exit "done"
  }
}
agent spinner {
  model scripted
  budget { turns 1 tokens 100 time 1m }
  run {
    let n = 0
    loop i max 30 {
      set n = i
    }
    exit n
  }
}
main {
  let a = spawn ticker
  let b = spawn spinner
  let ra = await a timeout 1s
  let rb = await b timeout 1s
  exit [ra.status, rb.status]
}
`);

describe('golden coverage', () => {
  it('counts the syscall that ran, not the one on the path not taken, though both are in the procedure that ran', () => {
    expect([...opsOf(branches, 'main')]).toEqual(expect.arrayContaining(['SLEEP', 'PUBLISH']));
    const napped = measured(branches, { input: 'nap' }).report;
    expect(napped.skipped).toEqual([]);
    expect(napped.syscalls.covered).toEqual(['SLEEP', 'EXIT']);
    expect(napped.opcodes.uncovered).toContain('PUBLISH');
    const posted = measured(branches, { input: 'post' }).report;
    expect(posted.syscalls.covered).toEqual(['PUBLISH', 'EXIT']);
    expect(posted.opcodes.uncovered).toContain('SLEEP');
  });

  it('counts a syscall that ran and left no event of its own', () => {
    const bytecode = compileDsl(`
workflow late-await version "1"
model scripted { id "scripted" }
agent quick {
  model scripted
  budget { turns 1 tokens 100 time 1m }
  run { exit 1 }
}
main {
  let h = spawn quick
  sleep 10ms
  let r = await h timeout 1s
  exit r.output
}
`);
    const { report, log } = measured(bytecode);
    // The child had ended: the await neither blocked nor started a timer.
    expect(log.filter((e) => e.kind === 'effect.requested' && (e.data?.['request'] as { purpose?: string }).purpose === 'await')).toEqual([]);
    expect(report.syscalls.covered).toEqual(['SPAWN', 'AWAIT', 'SLEEP', 'EXIT']);
  });

  it('counts a free agent’s tool calls for no syscall: it runs no instructions', () => {
    const bytecode = compileDsl(`
workflow delegated version "1"
model scripted { id "scripted" }
agent helper {
  model scripted
  budget { turns 2 tokens 100 time 1m }
}
main {
  let r = call helper timeout 1s
  fail r.status
}
`);
    const { report, log } = measured(bytecode);
    // The helper called its finish tool and exited ok; main never ran an EXIT.
    expect(log.find((e) => e.kind === 'proc.exited' && e.pid === 'helper#1')?.data?.['status']).toBe('ok');
    expect(report.syscalls.covered).toEqual(['CALL', 'FAIL']);
    expect(report.events.covered).toEqual(expect.arrayContaining(['effect.requested', 'proc.exited']));
  });

  it('replays traced runs that preempt processes mid-loop to every line, and counts each opcode that ran', () => {
    const ran = new Set([...opsOf(tickers, 'main'), ...opsOf(tickers, 'ticker'), ...opsOf(tickers, 'spinner')]);
    for (const quantum of [1, 3, 7, 256]) {
      const { report } = measured(tickers, { options: { quantum } });
      expect(report.skipped, `quantum ${quantum}`).toEqual([]);
      expect(report.opcodes.covered, `quantum ${quantum}`).toEqual(OPCODES.map((o) => o.name).filter((name) => ran.has(name)));
    }
  });

  it('sees a traced step run no more instructions than its quantum, and the whole quantum when nothing stops it', () => {
    const quantum = 7;
    const untraced = run(tickers, { options: { quantum } });
    const perStep: number[] = [];
    let count = 0;
    const traced = run(tickers, {
      options: { quantum },
      observe: (kernel) => {
        if (perStep.length === 0) kernel.traceInstructions(() => count++);
        perStep.push(count);
        count = 0;
      },
    });
    expect(traced.lines).toEqual(untraced.lines);
    expect(Math.max(...perStep)).toBe(quantum);
  });
});
