// aosc: the workflow compiler's command line — check, compile, disasm.
// Exit codes (as actionlint): 0 clean, 1 problems found, 2 bad usage, 3 internal failure; an error
// ends the command as failures.ts says.
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { compileSource, checkSource, type CheckResult } from '../compiler/index.js';
import { renderJson, renderSummary, renderText } from '../compiler/render.js';
import { disassemble } from '../bytecode/disasm.js';
import { summarize } from '../bytecode/summary.js';
import type { Bytecode } from '../bytecode/format.js';
import { BytecodeFormatError, readBytecode } from '../bytecode/reader.js';
import { canonicalJson } from '../bytecode/canonical.js';
import type { Diagnostic } from '../compiler/diagnostics.js';
import { endOnError, EXIT } from './failures.js';
import { collectWorkflowFiles, fileHost, readSource, UsageError } from './files.js';

type Format = 'text' | 'json';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function report(results: CheckResult[], format: Format, io: Io): void {
  if (format === 'json') {
    const all: Diagnostic[] = results.flatMap((r) => r.diagnostics);
    io.out(renderJson(all) + '\n');
    return;
  }
  for (const r of results) {
    if (r.diagnostics.length > 0) io.err(renderText(r.diagnostics, r.text) + '\n');
  }
  const all = results.flatMap((r) => r.diagnostics);
  if (all.length > 0) io.err(renderSummary(all) + '\n');
}

function countErrors(results: CheckResult[]): number {
  return results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
}

function check(paths: string[], format: Format, io: Io): number {
  const files = collectWorkflowFiles(paths);
  const results = files.map((f) => checkSource(readSource(f), f, fileHost(f)));
  report(results, format, io);
  const problems = results.reduce((n, r) => n + r.diagnostics.length, 0);
  if (format === 'text' && problems === 0) io.out(`checked ${files.length} workflow${files.length === 1 ? '' : 's'}: clean\n`);
  return problems === 0 ? EXIT.ok : EXIT.problems;
}

function defaultOutput(file: string): string {
  return file.replace(/\.(aos|json)$/i, '') + '.aosb.json';
}

function compile(file: string, output: string | undefined, format: Format, io: Io): number {
  const result = compileSource(readSource(file), file, fileHost(file));
  report([result], format, io);
  if (!result.bytecode || countErrors([result]) > 0) return EXIT.problems;
  const out = output ?? defaultOutput(file);
  writeOutput(out, canonicalJson(result.bytecode) + '\n');
  if (format === 'text') io.out(`compiled ${file} -> ${out} (code ${result.bytecode.codeHash.slice(0, 16)})\n`);
  return EXIT.ok;
}

/** Writes the compiled bytecode; a path that cannot be written is bad usage, named. */
function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; name another file with -o`);
  }
}

/** A compiled workflow file; a BytecodeFormatError that names it when it does not read. */
function readBytecodeFile(file: string): Bytecode {
  try {
    return readBytecode(readSource(file).toString());
  } catch (error) {
    if (error instanceof BytecodeFormatError) throw new BytecodeFormatError(error.problem, `${file}: ${error.message}`);
    throw error;
  }
}

function disasm(file: string, summary: boolean, format: Format, io: Io): number {
  let bytecode;
  if (/\.aosb\.json$/i.test(file)) {
    bytecode = readBytecodeFile(file);
  } else {
    const result = compileSource(readSource(file), file, fileHost(file));
    report([result], format, io);
    if (!result.bytecode) return EXIT.problems;
    bytecode = result.bytecode;
  }
  io.out((summary ? summarize(bytecode, basename(file)) : disassemble(bytecode)) + '\n');
  return EXIT.ok;
}

const formatOption = () => new Option('--format <format>', 'output format for diagnostics').choices(['text', 'json']).default('text');

export function buildProgram(io: Io, setCode: (code: number) => void): Command {
  const program = new Command('aosc')
    .description('The AOS workflow compiler: check, compile and disassemble .aos and .json workflows.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('check')
    .description('check workflows (files, or folders searched for .aos files and JSON workflows)')
    .argument('<paths...>', 'workflow files or folders')
    .addOption(formatOption())
    .action((paths: string[], opts: { format: Format }) => setCode(check(paths, opts.format, io)));

  program
    .command('compile')
    .description('compile one workflow to bytecode (.aosb.json)')
    .argument('<file>', 'workflow source (.aos or .json)')
    .option('-o, --output <file>', 'where to write the bytecode (default: beside the source)')
    .addOption(formatOption())
    .action((file: string, opts: { output?: string; format: Format }) => setCode(compile(file, opts.output, opts.format, io)));

  program
    .command('disasm')
    .description('print a clox-style listing of a workflow or a .aosb.json file')
    .argument('<file>', 'workflow source or compiled bytecode')
    .option('--summary', 'print one line per procedure instead of the full listing')
    .addOption(formatOption())
    .action((file: string, opts: { summary?: boolean; format: Format }) => setCode(disasm(file, opts.summary ?? false, opts.format, io)));

  return program;
}

export function main(argv: string[], io: Io = stdio): number {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    program.parse(argv, { from: 'user' });
    return code;
  } catch (e) {
    return endOnError('aosc', e, io.err);
  }
}
