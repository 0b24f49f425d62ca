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

  it('a compiler module importing the kernel is rejected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-layering-'));
    try {
      cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
      writeFileSync(join(dir, 'tsconfig.json'), '{"compilerOptions":{"module":"NodeNext","moduleResolution":"NodeNext"}}');
      mkdirSync(join(dir, 'src/compiler'), { recursive: true });
      mkdirSync(join(dir, 'src/vm'), { recursive: true });
      writeFileSync(join(dir, 'src/vm/kernel.ts'), 'export const kernel = 1;\n');
      writeFileSync(join(dir, 'src/compiler/bad.ts'), "import { kernel } from '../vm/kernel.js';\nexport const k = kernel;\n");
      const { status, output } = cruise(dir);
      expect(status).not.toBe(0);
      expect(output).toContain('compiler-not-to-vm');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
