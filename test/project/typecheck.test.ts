// The whole project type-checks in strict mode (src, test, bench, scripts).
import { expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

it('tsc --noEmit reports no errors', () => {
  let output = '';
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--noEmit'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout: string; stderr: string };
    output = err.stdout + err.stderr;
  }
  expect(output).toBe('');
});
