import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compiler/index.js';
import { fileHost } from '../../src/cli/files.js';
import { Workspace } from '../../src/drivers/files.js';
import { loadScript, ScriptedBackend } from '../../src/drivers/scripted.js';
import { RunLog } from '../../src/replay/log-writer.js';
import { verifyLines } from '../../src/replay/chain.js';
import { runLive } from '../../src/runtime/live-host.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function liveRun(file: string, script: string, orderedCompletions = false) {
  const bytecode = compileSource(readFileSync(file, 'utf8'), file, fileHost(file)).bytecode;
  if (bytecode === undefined) throw new Error(`${file} does not compile`);
  const dir = mkdtempSync(join(tmpdir(), 'aos-live-'));
  made.push(dir);
  const log = await RunLog.create(join(dir, 'run'));
  const workspace = await Workspace.create(join(dir, 'run', 'workspace'));
  const backend = new ScriptedBackend(await loadScript(script));
  const run = await runLive({ backend, bytecode, hostEnv: {}, log, options: { orderedCompletions }, seed: '1', workflowDir: dirname(resolve(file)), workspace });
  await log.close();
  return { ...run, dir: join(dir, 'run') };
}

describe('the live host', () => {
  it('runs docs-merge offline on its script: a durable, verifiable log and the merged page on disk', async () => {
    const run = await liveRun('workflows/docs-merge.aos', 'workflows/docs-merge.script.json', true);
    expect(run.result).toMatchObject({ status: 'ok' });
    const lines = readFileSync(join(run.dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    expect(verifyLines(lines)).toMatchObject({ ok: true, count: lines.length });
    const page = readFileSync(join(run.dir, 'workspace', 'shared', 'out', 'merged.html'), 'utf8');
    expect(page).toContain('<h2>Brake test before riding</h2>');
    if (process.env['SHOW_LOG']) console.log(lines.map((l) => l.slice(0, 260)).join('\n'));
  });
});
