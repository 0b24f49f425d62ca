// Shared by the kernel tests: compile a workflow written inline, run it on the simulated host,
// and read its events back as objects.
import { compileSource } from '../../src/compiler/index.js';
import { renderText } from '../../src/compiler/render.js';
import type { Bytecode } from '../../src/bytecode/format.js';
import { runSimulated, type SimulatedRun, type SimulatedRunOptions } from '../../src/sim/simulated-host.js';
import { fakeEffects, type FakeEffectOptions } from '../../src/sim/fake-effects.js';
import type { Kernel } from '../../src/vm/kernel.js';
import type { Process } from '../../src/vm/process.js';

export function compileDsl(source: string, includes: Record<string, string> = {}): Bytecode {
  const result = compileSource(source, 'test.aos', { readFile: (path) => includes[path] });
  if (result.bytecode === undefined) throw new Error(`test workflow does not compile:\n${renderText(result.diagnostics, source)}`);
  return result.bytecode;
}

export interface ParsedEvent {
  seq: number;
  kind: string;
  pid?: string;
  data?: Record<string, unknown>;
  h: string;
}

export function parseLines(lines: readonly string[]): ParsedEvent[] {
  return lines.map((line) => JSON.parse(line) as ParsedEvent);
}

export type RunOptions = Partial<Omit<SimulatedRunOptions, 'bytecode' | 'effects'>> & { fakes?: FakeEffectOptions };

export function run(bytecode: Bytecode, options: RunOptions = {}): SimulatedRun & { log: ParsedEvent[]; files: Map<string, string> } {
  const effects = fakeEffects(options.fakes ?? {});
  const result = runSimulated({ seed: 'test', ...options, bytecode, effects });
  return { ...result, log: parseLines(result.lines), files: effects.files };
}

/** A process that has not ended for good, as the kernel holds it; undefined once it has (or if there is none). */
export function liveProcess(kernel: Kernel, name: string): Process | undefined {
  const p = kernel.core.processes.get(name);
  return p === undefined || p.final ? undefined : p;
}

/** The kinds of the events, in order, optionally only those of one process. */
export function kinds(events: readonly ParsedEvent[], pid?: string): string[] {
  return events.filter((e) => pid === undefined || e.pid === pid).map((e) => e.kind);
}
