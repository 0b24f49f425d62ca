// The tool paths of workflows/rasterizer.aos on the live host, on real processes: g++ writing a
// program into a folder of a shared mount that does not exist yet, that program run as a
// `path in "/shared"` argv[0], an overlay's output committed or discarded, inputs from a
// read-only reference mount, `--` before paths, escapes through path arguments, and host paths
// printed by a tool recorded as virtual paths. Every run's directory must still verify.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/bytecode/json.js';
import { compileSource } from '../../src/compiler/index.js';
import { fileHost } from '../../src/cli/files.js';
import { Workspace } from '../../src/drivers/files.js';
import { encodeName } from '../../src/drivers/files/virtual-paths.js';
import { scriptFromObject, ScriptedBackend } from '../../src/drivers/scripted.js';
import { verifyLines } from '../../src/log/chain.js';
import { readRunLog } from '../../src/log/reader.js';
import { RunLog } from '../../src/log/writer.js';
import { runLive, type LiveRunOptions } from '../../src/runtime/live-host.js';

const FIXTURES = resolve('test/runtime/fixtures/tool-paths/raster');
const REFERENCE_FRAME = readFileSync(join(FIXTURES, 'reference', 'scene-1.ppm'));

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Event {
  readonly seq: number;
  readonly kind: string;
  readonly pid?: string;
  readonly data?: Record<string, unknown>;
}

interface RunSetup {
  /** The workflow's input; a function gets the temporary folder (the workflow's folder). */
  readonly input?: JsonValue | ((dir: string) => JsonValue);
  /** Runs after the inputs are in place and before the run starts. */
  readonly prepare?: (dir: string) => void;
  readonly observe?: LiveRunOptions['observe'];
}

/**
 * Compiles a workflow in a fresh folder beside a copy of the fixtures (inputs/raster), runs it on
 * the live host with an empty script (these workflows make no model calls), and checks that the
 * run directory verifies: every line on the hash chain, the manifest at the last one, finished.
 */
async function runWorkflow(source: string, setup: RunSetup = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aos-tool-paths-'));
  made.push(dir);
  cpSync(FIXTURES, join(dir, 'inputs', 'raster'), { recursive: true });
  setup.prepare?.(dir);
  const file = join(dir, 'paths.aos');
  writeFileSync(file, source);
  const compiled = compileSource(source, file, fileHost(file));
  if (compiled.bytecode === undefined) throw new Error(`does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  const runDir = join(dir, 'run');
  const log = await RunLog.create(runDir);
  const workspace = await Workspace.create(join(runDir, 'workspace'));
  const input = typeof setup.input === 'function' ? setup.input(dir) : (setup.input ?? null);
  const run = await runLive({
    backend: new ScriptedBackend(scriptFromObject({ format: 'aos-script', responses: [], version: 1 }, 'empty.json')),
    bytecode: compiled.bytecode,
    hostEnv: { PATH: process.env['PATH'] },
    hostPaths: [{ host: resolve(runDir), standIn: '<run>' }],
    input,
    log,
    seed: '1',
    workflowDir: dir,
    workspace,
    ...(setup.observe === undefined ? {} : { observe: setup.observe }),
  });
  await log.close();
  const text = readFileSync(join(runDir, 'events.jsonl'), 'utf8');
  const lines = text.trimEnd().split('\n');
  expect(verifyLines(lines)).toMatchObject({ ok: true, count: lines.length });
  const contents = await readRunLog(runDir);
  expect(contents).toMatchObject({ count: lines.length, finished: true, tail: undefined });
  // No host path of the run reached the log, not even behind the run directory's stand-in: a
  // mount's host path a tool printed is recorded as the virtual path it stands for.
  expect(text).not.toContain(resolve(runDir));
  expect(text).not.toContain('<run>');
  if (typeof setup.input !== 'function') expect(text).not.toContain(dir);
  if (process.env['SHOW_LOG']) console.log(lines.map((l) => l.slice(0, 400)).join('\n'));
  const events = contents.lines.map((l) => JSON.parse(l) as Event);
  return { dir, events, run, text, workspace: join(runDir, 'workspace') };
}

interface ToolRun {
  readonly pid: string | undefined;
  readonly seq: number;
  readonly tool: string;
  readonly argv: (string | { path: string })[];
  readonly cwd: string | null;
  readonly completion: { readonly seq: number; readonly ok: boolean; readonly value?: ToolValue; readonly error?: { kind: string; message: string } };
}

interface ToolValue {
  readonly exit_code: number;
  readonly stdout?: string | null;
  readonly stderr?: string | null;
  readonly json?: Record<string, unknown>;
  readonly error?: { readonly kind: string; readonly message: string };
}

/** Each tool effect the kernel asked for, with its recorded completion. */
function toolRuns(events: readonly Event[]): ToolRun[] {
  const completions = new Map(events.filter((e) => e.kind === 'effect.completed').map((e) => [e.data?.['effect'], { seq: e.seq, ...e.data }]));
  return events
    .filter((e) => e.kind === 'effect.requested' && e.data?.['op'] === 'tool')
    .map((e) => {
      const request = e.data?.['request'] as { tool: string; argv: (string | { path: string })[]; cwd: string | null };
      const completion = completions.get(e.data?.['effect']) as ToolRun['completion'] | undefined;
      if (completion === undefined) throw new Error(`tool effect ${String(e.data?.['effect'])} has no completion`);
      return { pid: e.pid, seq: e.seq, tool: request.tool, argv: request.argv, cwd: request.cwd, completion };
    });
}

/** The recorded exit of a process: its status and its output (or, failed, its reason). */
function exitOf(events: readonly Event[], pid: string): { status: string; output?: Record<string, ToolValue & Record<string, unknown>>; reason?: Record<string, unknown> } {
  const exited = events.find((e) => e.kind === 'proc.exited' && e.pid === pid);
  if (exited === undefined) throw new Error(`${pid} did not exit`);
  return exited.data as ReturnType<typeof exitOf>;
}

/** The virtual paths a tool request's argv holds. */
const pathsOf = (run: ToolRun): string[] => run.argv.flatMap((item) => (typeof item === 'string' ? [] : [item.path]));

const executable = (file: string): boolean => (statSync(file).mode & 0o111) !== 0;

// The rasterizer's tools, as workflows/rasterizer.aos declares them, but for two things: gxx lists
// PATH, without which g++ finds neither cc1plus nor as and ld; and the timeouts are short.
const TOOLS = `
tool gxx {
  description "Compiles one C++17 translation unit with optimisation."
  argv ["g++", "-O2", "-std=c++17", "-o", $out, $src]
  param src path
  param out path
  timeout 30s
  output_cap 64kb
  env ["PATH"]
  cwd "/shared"
}
tool bench {
  description "Times a rasterizer build; here it prints its argv as JSON and renders one frame."
  argv [$binary, "--bench", "--scenes", $scenes, "--runs", $runs, "--frames", $frames]
  param binary path in "/shared"
  param scenes enum ["smoke", "standard", "stress"]
  param runs int
  param frames path in "/shared"
  timeout 30s
  output_cap 256kb
  cwd "/shared"
}
tool pixel_diff {
  description "Compares every rendered frame with the reference image of the same name."
  argv ["node", "--", $script, "--tolerance", $tolerance, $frames, $reference]
  param script path in "/src"
  param tolerance int
  param frames path in "/shared"
  param reference path in "/src"
  timeout 30s
  output_cap 256kb
}`;

const MODEL = 'model m { id "m" }';
const BUDGET = 'budget { turns 1 tokens 1 time 1m }';

describe('the rasterizer\'s tool paths on the live host', () => {
  it('g++ writes its program into a folder of a shared mount that does not exist yet, and the program runs as a path in "/shared" argv[0]', async () => {
    const source = `workflow build-and-bench version "1"
${MODEL}
${TOOLS}
agent coordinator {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  caps { tools [gxx, bench] }
  ${BUDGET}
  run {
    let built = exec gxx { src: "/src/main.cpp", out: "/shared/baseline/raster" }
    if built.exit_code != 0 { fail built }
    let timed = exec bench { binary: "/shared/baseline/raster", scenes: "smoke", runs: 2, frames: "/shared/baseline/frames" }
    if timed.exit_code != 0 { fail timed }
    exit { built: built, timed: timed }
  }
}
main { let r = call coordinator timeout 1m exit r }`;
    const { events, run, workspace } = await runWorkflow(source);
    expect(run.result).toMatchObject({ status: 'ok', output: { status: 'ok' } });

    const [gxx, bench, ...rest] = toolRuns(events);
    expect(rest).toEqual([]);
    expect(gxx).toMatchObject({ tool: 'gxx', cwd: '/shared', argv: ['g++', '-O2', '-std=c++17', '-o', { path: '/shared/baseline/raster' }, { path: '/src/main.cpp' }] });
    expect(gxx?.completion).toMatchObject({ ok: true, value: { exit_code: 0, stderr: '' } });
    // The program is argv[0] of the next tool, named by its virtual path.
    expect(bench).toMatchObject({ tool: 'bench', argv: [{ path: '/shared/baseline/raster' }, '--bench', '--scenes', 'smoke', '--runs', '2', '--frames', { path: '/shared/baseline/frames' }] });
    expect(bench?.completion).toMatchObject({ ok: true, value: { exit_code: 0 } });
    // It printed the host paths it was given; they are recorded as the virtual paths, the frames
    // folder included, which it made itself.
    expect(bench?.completion.value?.json).toEqual({ argv: ['/shared/baseline/raster', '--bench', '--scenes', 'smoke', '--runs', '2', '--frames', '/shared/baseline/frames'] });

    const baseline = join(workspace, 'shared', 'shared', 'baseline');
    expect(executable(join(baseline, 'raster'))).toBe(true);
    expect(readFileSync(join(baseline, 'frames', 'scene-1.ppm'))).toEqual(REFERENCE_FRAME);
  });

  it('an output into an overlay stays in the overlay until the agent ends well, is then committed (still executable), and is discarded when it fails', async () => {
    const source = `workflow overlay version "1"
${MODEL}
${TOOLS}
tool look {
  argv ["ls", "-R", "--", $dir]
  param dir path
  timeout 10s
  env ["PATH"]
}
tool trial {
  argv [$binary, "--trial"]
  param binary path
  timeout 10s
}
agent writer {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  mount overlay "/work" over "/shared"
  caps { tools [gxx, look, trial] }
  ${BUDGET}
  run {
    let built = exec gxx { src: "/src/main.cpp", out: input.out }
    let base = exec look { dir: "/shared" }
    let own = exec look { dir: input.dir }
    let tried = exec trial { binary: input.trial }
    let report = { built: built.exit_code, base: base.stdout, own: own.stdout, tried: tried }
    if input.fail { fail report }
    exit report
  }
}
agent coordinator {
  model m
  mount shared "/shared"
  caps { spawn [writer] tools [gxx, bench, look, trial] }
  ${BUDGET}
  run {
    let kept = call writer with { fail: false, out: "/work/cand/raster", dir: "/work/cand", trial: "/work/cand/raster" } timeout 1m
    let timed = exec bench { binary: "/shared/cand/raster", scenes: "smoke", runs: 1, frames: "/shared/cand/frames" }
    let dropped = call writer with { fail: true, out: "/work/dropped/raster", dir: "/work/dropped", trial: "/work/cand/raster" } timeout 1m
    let after = exec look { dir: "/shared" }
    exit { kept: kept.status, timed: timed, dropped: dropped.status, after: after.stdout }
  }
}
main { let r = call coordinator timeout 1m exit r }`;
    // What the disk held after each step: is a program in the overlay of writer#N, and in /shared?
    let workspaceDir = '';
    const snapshots: { last: number; overlay: Record<string, boolean>; shared: Record<string, boolean> }[] = [];
    const observe: LiveRunOptions['observe'] = (_kernel, output) => {
      const last = output.events.at(-1)?.seq;
      if (last === undefined || workspaceDir === '') return;
      const overlay = (pid: string, name: string) => existsSync(join(workspaceDir, 'overlays', encodeName(pid), 'work', name, 'raster'));
      const shared = (name: string) => existsSync(join(workspaceDir, 'shared', 'shared', name, 'raster'));
      snapshots.push({ last, overlay: { cand: overlay('writer#1', 'cand'), dropped: overlay('writer#2', 'dropped') }, shared: { cand: shared('cand'), dropped: shared('dropped') } });
    };
    const { events, run, workspace } = await runWorkflow(source, { observe, prepare: (dir) => (workspaceDir = join(dir, 'run', 'workspace')) });
    const at = (seq: number) => snapshots.find((s) => s.last >= seq);

    // writer#1 compiled into /work/cand: there and not in /shared, which listed nothing, until its
    // overlay was committed as it exited ok.
    const runs = toolRuns(events);
    const build1 = runs.find((r) => r.pid === 'writer#1' && r.tool === 'gxx');
    expect(build1?.completion).toMatchObject({ ok: true, value: { exit_code: 0 } });
    expect(at(build1?.completion.seq ?? -1)).toMatchObject({ overlay: { cand: true }, shared: { cand: false } });
    const kept = exitOf(events, 'writer#1');
    expect(kept).toMatchObject({ status: 'ok', output: { built: 0, base: '/shared:\n', own: '/work/cand:\nraster\n', tried: { exit_code: 0 } } });
    expect(kept.output?.['tried']?.json).toEqual({ argv: ['/work/cand/raster', '--trial'] });
    const committed = events.find((e) => e.kind === 'overlay.committed' && e.pid === 'writer#1');
    expect(committed?.data).toMatchObject({ over: '/shared', overlay: '/work' });
    expect(at(committed?.seq ?? -1)).toMatchObject({ shared: { cand: true } });

    // After the commit the program is in /shared, still executable, and runs as bench's argv[0].
    const timed = runs.find((r) => r.pid === 'coordinator#1' && r.tool === 'bench');
    expect(timed?.completion).toMatchObject({ ok: true, value: { exit_code: 0, json: { argv: ['/shared/cand/raster', '--bench', '--scenes', 'smoke', '--runs', '1', '--frames', '/shared/cand/frames'] } } });
    expect(executable(join(workspace, 'shared', 'shared', 'cand', 'raster'))).toBe(true);

    // writer#2 saw the committed program in /shared, ran it through its own overlay (copied up,
    // still executable), compiled into /work/dropped, and failed: its overlay was discarded.
    const dropped = exitOf(events, 'writer#2');
    expect(dropped).toMatchObject({ status: 'failed', reason: { built: 0, base: '/shared:\ncand\n\n/shared/cand:\nframes\nraster\n\n/shared/cand/frames:\nscene-1.ppm\n', own: '/work/dropped:\nraster\n', tried: { exit_code: 0 } } });
    const build2 = runs.find((r) => r.pid === 'writer#2' && r.tool === 'gxx');
    expect(at(build2?.completion.seq ?? -1)).toMatchObject({ overlay: { dropped: true }, shared: { dropped: false } });
    expect(events.filter((e) => e.kind === 'overlay.discarded').map((e) => [e.pid, e.data])).toEqual([['writer#2', { over: '/shared', overlay: '/work' }]]);
    expect(events.some((e) => e.kind === 'overlay.committed' && e.pid === 'writer#2')).toBe(false);
    expect(exitOf(events, 'coordinator#1').output).toMatchObject({ kept: 'ok', dropped: 'failed', after: '/shared:\ncand\n\n/shared/cand:\nframes\nraster\n\n/shared/cand/frames:\nscene-1.ppm\n' });
    expect(existsSync(join(workspace, 'shared', 'shared', 'dropped'))).toBe(false);
    expect(existsSync(join(workspace, 'overlays', encodeName('writer#2'), 'work', 'dropped'))).toBe(false);
    expect(run.result).toMatchObject({ status: 'ok' });
  });

  it('reads inputs from the reference mount, and refuses an output into it with a recorded error result', async () => {
    const source = `workflow reference version "1"
${MODEL}
${TOOLS}
agent builder {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  caps { tools [gxx] }
  ${BUDGET}
  run {
    let new_file = exec gxx { src: "/src/main.cpp", out: input.new_file }
    let new_folder = exec gxx { src: "/src/main.cpp", out: input.new_folder }
    let shared = exec gxx { src: "/src/main.cpp", out: "/shared/raster" }
    exit { new_file: new_file, new_folder: new_folder, shared: shared }
  }
}
main { let r = call builder with input timeout 1m exit r }`;
    const { dir, events, run, workspace } = await runWorkflow(source, { input: { new_file: '/src/raster', new_folder: '/src/bin/raster' } });
    expect(run.result).toMatchObject({ status: 'ok', output: { status: 'ok' } });
    const output = exitOf(events, 'builder#1').output ?? {};

    // Both were refused by the host before g++ started: recorded as failed tool effects, and the
    // agent went on with an error result for each.
    const [newFile, newFolder, shared] = toolRuns(events);
    for (const [refused, path, missing] of [
      [newFile, '/src/raster', '"/src/raster"'],
      [newFolder, '/src/bin/raster', '"/src/bin"'],
    ] as const) {
      expect(pathsOf(refused as ToolRun)).toEqual([path, '/src/main.cpp']);
      expect(refused?.completion).toMatchObject({ ok: false, error: { kind: 'invalid-path' } });
      const message = refused?.completion.error?.message ?? '';
      expect(message).toContain(`tool gxx: path "${path}"`);
      expect(message).toContain(`${missing} does not exist, and reference mount "/src" is read-only`);
    }
    expect(output['new_file']).toEqual({ exit_code: -1, error: newFile?.completion.error });
    expect(output['new_folder']).toEqual({ exit_code: -1, error: newFolder?.completion.error });
    expect(existsSync(join(dir, 'inputs', 'raster', 'raster'))).toBe(false);
    expect(existsSync(join(dir, 'inputs', 'raster', 'bin'))).toBe(false);

    // The same source read from the reference mount compiles into the shared mount.
    expect(shared?.completion).toMatchObject({ ok: true, value: { exit_code: 0 } });
    expect(executable(join(workspace, 'shared', 'shared', 'raster'))).toBe(true);
  });

  it('puts "--" before the path arguments of pixel_diff, and no path argument can become an option', async () => {
    const source = `workflow diff version "1"
${MODEL}
${TOOLS}
tool copy {
  argv ["cp", "--", $from, $to]
  param from path in "/src"
  param to path in "/shared"
  timeout 10s
  env ["PATH"]
}
agent verifier {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  caps { tools [pixel_diff, copy] }
  ${BUDGET}
  run {
    exec copy { from: "/src/reference/scene-1.ppm", to: "/shared/frames/scene-1.ppm" }
    exec copy { from: "/src/reference/scene-1.ppm", to: "/shared/--help/scene-1.ppm" }
    let plain = exec pixel_diff { script: "/src/pixel-diff.mjs", tolerance: 0, frames: "/shared/frames", reference: "/src/reference" }
    let dashed = exec pixel_diff { script: "/src/pixel-diff.mjs", tolerance: 0, frames: "/shared/--help", reference: "/src/reference" }
    let option = exec pixel_diff { script: "/src/pixel-diff.mjs", tolerance: 0, frames: input.option, reference: "/src/reference" }
    let short = exec pixel_diff { script: input.short, tolerance: 0, frames: "/shared/frames", reference: "/src/reference" }
    exit { plain: plain, dashed: dashed, option: option, short: short }
  }
}
main { let r = call verifier with input timeout 1m exit r }`;
    const { events, run } = await runWorkflow(source, { input: { option: '--help', short: '-e' } });
    expect(run.result).toMatchObject({ status: 'ok', output: { status: 'ok' } });
    const diffs = toolRuns(events).filter((r) => r.tool === 'pixel_diff');
    // Only the two well-formed calls ran; in each, "--" comes before every path.
    expect(diffs.map(pathsOf)).toEqual([
      ['/src/pixel-diff.mjs', '/shared/frames', '/src/reference'],
      ['/src/pixel-diff.mjs', '/shared/--help', '/src/reference'],
    ]);
    for (const diff of diffs) {
      expect(diff.argv.slice(0, 2)).toEqual(['node', '--']);
      expect(diff.argv.findIndex((item) => typeof item !== 'string')).toBeGreaterThan(diff.argv.indexOf('--'));
      expect(diff.completion).toMatchObject({ ok: true, value: { exit_code: 0 } });
    }
    // The script got its arguments as given, and a folder named "--help" reached it as a path
    // (node printed no help): host paths, recorded as virtual paths.
    const output = exitOf(events, 'verifier#1').output ?? {};
    expect(output['plain']?.json).toEqual({ script: '/src/pixel-diff.mjs', args: ['--tolerance', '0', '/shared/frames', '/src/reference'], compared: ['scene-1.ppm'], max_diff: 0, passed: true });
    expect(output['dashed']?.json).toEqual({ script: '/src/pixel-diff.mjs', args: ['--tolerance', '0', '/shared/--help', '/src/reference'], compared: ['scene-1.ppm'], max_diff: 0, passed: true });
    // A value starting with "-" is no path at all: refused before anything ran, as an error result.
    expect(output['option']).toMatchObject({ exit_code: -1, error: { kind: 'invalid-argument', message: expect.stringContaining('parameter "frames": path "--help" is not absolute') } });
    expect(output['short']).toMatchObject({ exit_code: -1, error: { kind: 'invalid-argument', message: expect.stringContaining('parameter "script": path "-e" is not absolute') } });
  });

  it('refuses at compile time a path placeholder before "--" and a literal path starting with "-"', () => {
    const compile = (tool: string, call: string) => {
      const source = `workflow options version "1"
${MODEL}
${tool}
agent verifier {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  caps { tools [pixel_diff] }
  ${BUDGET}
  run { let d = exec pixel_diff ${call} exit d }
}
main { let r = call verifier timeout 1m exit r }`;
      const file = join(FIXTURES, '..', 'options.aos');
      return compileSource(source, file, fileHost(file)).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.rule, d.message]);
    };
    const good = '{ script: "/src/pixel-diff.mjs", tolerance: 0, frames: "/shared/frames", reference: "/src/reference" }';
    expect(compile(TOOLS, good)).toEqual([]);
    expect(compile(TOOLS.replace('["node", "--", $script, "--tolerance"', '["node", $script, "--", "--tolerance"'), good)).toEqual([
      ['placeholder-type', 'path param "script" comes before "--" in argv; put paths after it, so one starting with "-" is not read as an option'],
    ]);
    expect(compile(TOOLS, good.replace('"/shared/frames"', '"-e"'))).toEqual([['placeholder-type', 'path "-e" is not absolute']]);
  });

  it('refuses path arguments that escape their mount: "..", host paths, a sibling prefix, NUL, and symbolic links planted in a mount', async () => {
    const source = `workflow escapes version "1"
${MODEL}
${TOOLS}
tool show {
  argv ["cat", "--", $file]
  param file path
  timeout 10s
  env ["PATH"]
}
tool show_shared {
  argv ["cat", "--", $file]
  param file path in "/shared"
  timeout 10s
  env ["PATH"]
}
tool plant {
  argv ["ln", "-s", "--", $target, $link]
  param target string
  param link path in "/shared"
  timeout 10s
  env ["PATH"]
}
agent prober {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  mount shared "/shared-evil"
  caps { tools [gxx, show, show_shared, plant] }
  ${BUDGET}
  run {
    write "/shared/inside.txt" "inside"
    write "/shared-evil/secret.txt" "sibling secret"
    let above_root = exec show { file: input.above_root }
    let dotdot_out = exec show { file: input.dotdot_out }
    let dotdot_sibling = exec show_shared { file: input.dotdot_sibling }
    let host = exec show { file: input.host }
    let host_input = exec show { file: input.host_input }
    let sibling = exec show_shared { file: input.sibling }
    let nul = exec show { file: input.nul }
    exec plant { target: "/etc/passwd", link: "/shared/passwd" }
    let link_file = exec show { file: "/shared/passwd" }
    exec plant { target: "/etc", link: "/shared/etc" }
    let link_dir = exec show { file: "/shared/etc/passwd" }
    exec plant { target: "../shared-evil", link: "/shared/evil" }
    let link_up = exec show { file: "/shared/evil/secret.txt" }
    exec plant { target: input.outside, link: "/shared/dangling" }
    let link_output = exec gxx { src: "/src/main.cpp", out: "/shared/dangling" }
    let link_reference = exec show { file: "/src/leak" }
    exec plant { target: "inside.txt", link: "/shared/inside-link" }
    let link_inside = exec show { file: "/shared/inside-link" }
    exit {
      above_root: above_root, dotdot_out: dotdot_out, dotdot_sibling: dotdot_sibling, host: host,
      host_input: host_input, sibling: sibling, nul: nul, link_file: link_file, link_dir: link_dir,
      link_up: link_up, link_output: link_output, link_reference: link_reference, link_inside: link_inside
    }
  }
}
main { let r = call prober with input timeout 1m exit r }`;
    const input = (dir: string) => ({
      above_root: '/shared/../../etc/passwd',
      dotdot_out: '/shared/../etc/passwd',
      dotdot_sibling: '/shared/../shared-evil/secret.txt',
      host: '/etc/passwd',
      host_input: join(dir, 'inputs', 'raster', 'main.cpp'),
      sibling: '/shared-evil/secret.txt',
      nul: '/shared/inside.txt\u0000/../../etc/passwd',
      outside: join(dir, 'escaped'),
    });
    const { dir, events, run, text } = await runWorkflow(source, {
      input,
      // A symbolic link in the reference mount's folder that points out of it.
      prepare: (folder) => symlinkSync('/etc/passwd', join(folder, 'inputs', 'raster', 'leak')),
    });
    expect(run.result).toMatchObject({ status: 'ok', output: { status: 'ok' } });
    const output = exitOf(events, 'prober#1').output ?? {};
    const refusal = (name: string) => output[name]?.error;

    // Refused by the kernel before any tool ran: the value never names a file in a mount.
    const kernelRefused = {
      above_root: 'goes above the root "/" with ".."',
      dotdot_out: 'path "/shared/../etc/passwd" ("/etc/passwd") lies in no mount',
      dotdot_sibling: '"/shared-evil/secret.txt" is not inside "/shared"',
      host: 'path "/etc/passwd" lies in no mount',
      host_input: 'lies in no mount',
      sibling: '"/shared-evil/secret.txt" is not inside "/shared"',
      nul: 'contains a NUL byte',
    };
    for (const [name, problem] of Object.entries(kernelRefused)) {
      expect(output[name], name).toMatchObject({ exit_code: -1, error: { kind: 'invalid-argument' } });
      expect(refusal(name)?.message, name).toContain(problem);
    }
    const ran = toolRuns(events);
    const given = Object.values(input(dir));
    expect(ran.flatMap(pathsOf).filter((path) => given.includes(path))).toEqual([]);

    // Refused by the host: the link is looked at before the program starts, and recorded as a
    // failed tool effect naming only virtual paths.
    const hostRefused = {
      link_file: ['/shared/passwd', 'symbolic link "/shared/passwd" points outside mount "/shared"'],
      link_dir: ['/shared/etc/passwd', 'symbolic link "/shared/etc" points outside mount "/shared"'],
      link_up: ['/shared/evil/secret.txt', 'a symbolic link leads above mount "/shared"'],
      link_output: ['/shared/dangling', 'symbolic link "/shared/dangling" points outside mount "/shared"'],
      link_reference: ['/src/leak', 'symbolic link "/src/leak" points outside mount "/src"'],
    };
    for (const [name, [path, problem]] of Object.entries(hostRefused)) {
      const effect = ran.find((r) => r.tool !== 'plant' && pathsOf(r)[0] === path);
      expect(effect?.completion, name).toMatchObject({ ok: false, error: { kind: 'invalid-path' } });
      expect(effect?.completion.error?.message, name).toContain(`path "${path}"`);
      expect(effect?.completion.error?.message, name).toContain(problem);
      expect(output[name], name).toEqual({ exit_code: -1, error: effect?.completion.error });
    }
    // Nothing was read through a link, and g++ wrote nothing where the dangling link points.
    expect(text).not.toContain('root:');
    expect(text).not.toContain('sibling secret');
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
    // A link that stays inside its mount is followed.
    expect(output['link_inside']).toMatchObject({ exit_code: 0, stdout: 'inside' });
  });

  it('records a host path a tool printed, of a file it made, as the virtual path', async () => {
    const source = `workflow printed version "1"
${MODEL}
${TOOLS}
tool make_temp {
  argv ["mktemp", "-p", $dir]
  param dir path
  timeout 10s
  env ["PATH"]
}
tool copy_verbose {
  argv ["cp", "-v", "--", $from, $to]
  param from path
  param to path
  timeout 10s
  env ["PATH"]
}
agent writer {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  mount overlay "/work" over "/shared"
  caps { tools [make_temp, copy_verbose] }
  ${BUDGET}
  run {
    let in_shared = exec make_temp { dir: "/shared" }
    let in_overlay = exec make_temp { dir: "/work" }
    let copied = exec copy_verbose { from: "/src/main.cpp", to: "/shared/made/deep/main.cpp" }
    let copied_over = exec copy_verbose { from: "/src/main.cpp", to: "/work/made/main.cpp" }
    exit { in_shared: in_shared, in_overlay: in_overlay, copied: copied, copied_over: copied_over }
  }
}
main { let r = call writer timeout 1m exit r }`;
    const { events, run, workspace } = await runWorkflow(source);
    expect(run.result).toMatchObject({ status: 'ok', output: { status: 'ok' } });
    const output = exitOf(events, 'writer#1').output ?? {};
    // mktemp chose the names and printed the files' host paths.
    const inShared = /^\/shared\/(tmp\.[A-Za-z0-9]+)\n$/.exec(String(output['in_shared']?.stdout));
    const inOverlay = /^\/work\/(tmp\.[A-Za-z0-9]+)\n$/.exec(String(output['in_overlay']?.stdout));
    expect(inShared).not.toBeNull();
    expect(inOverlay).not.toBeNull();
    expect(existsSync(join(workspace, 'shared', 'shared', inShared?.[1] ?? 'none'))).toBe(true);
    expect(output['copied']).toMatchObject({ exit_code: 0, stdout: "'/src/main.cpp' -> '/shared/made/deep/main.cpp'\n" });
    expect(output['copied_over']).toMatchObject({ exit_code: 0, stdout: "'/src/main.cpp' -> '/work/made/main.cpp'\n" });
    // The completions were recorded that way, before the kernel saw them.
    const stdouts = toolRuns(events).map((r) => r.completion.value?.stdout);
    expect(stdouts).toEqual([output['in_shared']?.stdout, output['in_overlay']?.stdout, output['copied']?.stdout, output['copied_over']?.stdout]);
  });

  it('refuses a path in another mount for a `path in "/shared"` parameter, at compile time and at run time', async () => {
    const source = `workflow other-mount version "1"
${MODEL}
${TOOLS}
tool gxx_shared {
  argv ["g++", "-O2", "-std=c++17", "-o", $out, $src]
  param src path
  param out path in "/shared"
  timeout 30s
  env ["PATH"]
  cwd "/shared"
}
agent coordinator {
  model m
  mount reference "/src" from "inputs/raster"
  mount shared "/shared"
  mount overlay "/work" over "/shared"
  caps { tools [gxx_shared, bench, pixel_diff] }
  ${BUDGET}
  run {
    let from_src = exec bench { binary: input.in_src, scenes: "smoke", runs: 1, frames: "/shared/frames" }
    let from_overlay = exec bench { binary: input.in_overlay, scenes: "smoke", runs: 1, frames: "/shared/frames" }
    let frames_in_src = exec bench { binary: "/shared/raster", scenes: "smoke", runs: 1, frames: input.in_src }
    let reference_in_shared = exec pixel_diff { script: "/src/pixel-diff.mjs", tolerance: 0, frames: "/shared/frames", reference: input.in_shared }
    let out_in_src = exec gxx_shared { src: "/src/main.cpp", out: input.in_src }
    exit { from_src: from_src, from_overlay: from_overlay, frames_in_src: frames_in_src, reference_in_shared: reference_in_shared, out_in_src: out_in_src }
  }
}
main { let r = call coordinator with input timeout 1m exit r }`;
    const { dir, events, run } = await runWorkflow(source, { input: { in_src: '/src/main.cpp', in_overlay: '/work/raster', in_shared: '/shared/reference' } });
    expect(run.result).toMatchObject({ status: 'ok', output: { status: 'ok' } });
    // Nothing ran: each call was refused by the kernel, and its error result recorded in the exit.
    expect(toolRuns(events)).toEqual([]);
    const output = exitOf(events, 'coordinator#1').output ?? {};
    const expected = {
      from_src: 'tool bench: parameter "binary": "/src/main.cpp" is not inside "/shared"',
      // An overlay over "/shared" is another mount, though its files end up in "/shared".
      from_overlay: 'tool bench: parameter "binary": "/work/raster" is not inside "/shared"',
      frames_in_src: 'tool bench: parameter "frames": "/src/main.cpp" is not inside "/shared"',
      reference_in_shared: 'tool pixel_diff: parameter "reference": "/shared/reference" is not inside "/src"',
      out_in_src: 'tool gxx_shared: parameter "out": "/src/main.cpp" is not inside "/shared"',
    };
    for (const [name, message] of Object.entries(expected)) expect(output[name], name).toEqual({ exit_code: -1, error: { kind: 'invalid-argument', message } });
    expect(readFileSync(join(dir, 'inputs', 'raster', 'main.cpp'))).toEqual(readFileSync(join(FIXTURES, 'main.cpp')));

    // Written as literals, the same values do not compile.
    const literal = source.replace('binary: input.in_src', 'binary: "/src/main.cpp"').replace('reference: input.in_shared', 'reference: "/shared/reference"');
    const file = join(dir, 'literal.aos');
    const errors = compileSource(literal, file, fileHost(file)).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.rule, d.message])).toEqual([
      ['placeholder-type', 'path "/src/main.cpp" is not inside the param\'s mount "/shared"'],
      ['placeholder-type', 'path "/shared/reference" is not inside the param\'s mount "/src"'],
    ]);
  });
});
