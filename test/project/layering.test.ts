// The one-way dependencies of DESIGN.md section 2 hold, and the checker that enforces them
// really rejects a forbidden import.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');

function cruise(cwd: string): { status: number; output: string } {
  try {
    const output = execFileSync(depcruise, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, output };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, output: err.stdout + err.stderr };
  }
}

describe('layering', () => {
  it('src follows the one-way dependency rules', () => {
    const { status, output } = cruise(root);
    expect(output).not.toMatch(/error/i);
    expect(status).toBe(0);
  });

  /** Cruises a tree holding only `files` (path → source) under the project's rules. */
  function cruiseFiles(files: Record<string, string>): { status: number; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'aos-layering-'));
    try {
      cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
      writeFileSync(join(dir, 'tsconfig.json'), '{"compilerOptions":{"module":"NodeNext","moduleResolution":"NodeNext"}}');
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      return cruise(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const importing = (from: string, target: string): Record<string, string> => ({
    [`src/${target}.ts`]: 'export const x = 1;\n',
    [`src/${from}.ts`]: `import { x } from '${'../'.repeat(from.split('/').length - 1)}${target}.js';\nexport const y = x;\n`,
  });

  it.each([
    ['compiler/bad', 'vm/kernel', 'compiler-imports-only-bytecode'],
    ['vm/bad', 'log/chain', 'vm-imports-only-bytecode'],
    ['log/bad', 'vm/kernel', 'log-imports-only-bytecode'],
    ['replay/bad', 'drivers/tools', 'replay-imports-only-bytecode-vm-log'],
    ['inspect/bad', 'runtime/run', 'inspect-imports-only-bytecode-log-replay-vm'],
    ['inspect/bad', 'vm/core', 'inspect-sees-only-the-kernels-public-face'],
    ['sim/bad', 'runtime/live-host', 'sim-imports-only-bytecode-vm-log-replay'],
    ['runtime/bad', 'compiler/index', 'runtime-imports-only-bytecode-vm-log-replay-drivers'],
    ['drivers/bad', 'vm/kernel', 'drivers-imports-only-bytecode'],
    ['bytecode/bad', 'log/chain', 'bytecode-imports-only-itself'],
    ['vm/bad', 'newfolder/thing', 'vm-imports-only-bytecode'],
  ])('%s importing %s is rejected by %s', (from, target, rule) => {
    const { status, output } = cruiseFiles(importing(from, target));
    expect(status).not.toBe(0);
    expect(output).toContain(rule);
  });

  it.each([
    ['inspect/ok', 'vm/kernel'],
    ['inspect/ok', 'vm/rules'],
    ['replay/ok', 'log/chain'],
    ['runtime/ok', 'replay/replay'],
    ['cli/ok', 'sim/sweep'],
  ])('%s importing %s is allowed', (from, target) => {
    const { status, output } = cruiseFiles(importing(from, target));
    expect(output).not.toMatch(/error/i);
    expect(status).toBe(0);
  });
});
