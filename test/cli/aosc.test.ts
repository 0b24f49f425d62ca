// The aosc command line as a person uses it: exit codes, text and JSON diagnostics, compile
// output that the reader accepts, listings, and folder search.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readBytecode } from '../../src/bytecode/reader.js';
import { compileSource } from '../../src/compiler/index.js';
import { fileHost } from '../../src/cli/files.js';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/cli/fixtures');
const aosc = join(root, 'dist/cli/aosc.js');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [aosc, ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aosc check', () => {
  it('exits 0 and says clean for a clean workflow', () => {
    const r = run('check', join(fixtures, 'folder/one.aos'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('checked 1 workflow: clean');
    expect(r.status).toBe(0);
  });

  it('exits 1 with file:line:col, the source line and a did-you-mean hint', () => {
    const r = run('check', 'test/cli/fixtures/unknown-variable.aos');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('test/cli/fixtures/unknown-variable.aos:4:8: error:');
    expect(r.stderr).toContain('[unknown-variable]');
    expect(r.stderr).toContain('4 |   exit cuont');
    expect(r.stderr).toMatch(/\^~~~~/);
    expect(r.stderr).toContain('did you mean "count"');
  });

  it('emits the same diagnostics as JSON objects with --format json', () => {
    const r = run('check', '--format', 'json', 'test/cli/fixtures/unknown-variable.aos');
    expect(r.status).toBe(1);
    const diagnostics = JSON.parse(r.stdout) as { rule: string; severity: string; start: { line: number; col: number }; pointer: string }[];
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'unknown-variable', severity: 'error', start: { line: 4, col: 8 } });
    expect(diagnostics[0]?.pointer).toBe('/main/body/1/value/path/0');
  });

  it('searches folders for .aos files and JSON workflows, skipping other JSON', () => {
    const r = run('check', join(fixtures, 'folder'));
    expect(r.stdout).toContain('checked 2 workflows: clean');
    expect(r.status).toBe(0);
  });

  it('exits 2 for a missing file and for an unknown option', () => {
    const missing = run('check', 'no/such/file.aos');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read no/such/file.aos');
    expect(run('check', '--bogus', 'x.aos').status).toBe(2);
    expect(run('frobnicate').status).toBe(2);
  });
});

describe('aosc compile and disasm', () => {
  it('writes bytecode that the reader accepts, with the same code hash as the library', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aosc-'));
    try {
      const out = join(dir, 'one.aosb.json');
      const r = run('compile', join(fixtures, 'folder/one.aos'), '-o', out);
      expect(r.status).toBe(0);
      const bytecode = readBytecode(readFileSync(out, 'utf8'));
      const file = join(fixtures, 'folder/one.aos');
      const direct = compileSource(readFileSync(file), file, fileHost(file));
      expect(bytecode.codeHash).toBe(direct.bytecode?.codeHash);
      const listing = run('disasm', out);
      expect(listing.status).toBe(0);
      expect(listing.stdout).toContain('EXIT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to compile a workflow with errors and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aosc-'));
    try {
      const out = join(dir, 'broken.aosb.json');
      const r = run('compile', 'test/cli/fixtures/unknown-variable.aos', '-o', out);
      expect(r.status).toBe(1);
      expect(() => readFileSync(out)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists a source file with offsets, lines and opcodes', () => {
    const r = run('disasm', join(fixtures, 'folder/one.aos'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/0000\s+3:3\s+CONST/);
    expect(r.stdout).toMatch(/0001\s+\|\s+STORE/);
    expect(r.stdout).toMatch(/0002\s+4:3\s+LOAD/);
  });
});
