// `aos verify-log` on a real run (docs-merge on its scripted default): exit 0 and the log's count and
// head for a sound log, by run id or by path; exit 1 and the first damaged seq for a damaged one;
// exit 2 for a run that is not there. `aos verify` on the same run and on copies tampered with: one
// line per file, exit 1 on changed or deleted blobs, an edited report, a manifest that denies a
// finished log or is gone; signing with an HMAC or Ed25519 key from the environment, and a
// signature that tells a re-chained log from the recorded one where a replay cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelEvent } from '../../src/bytecode/events.js';
import { main } from '../../src/cli/aos-program.js';
import { HashChain } from '../../src/log/chain.js';
import { completionJson, completionMarkdown } from '../../src/runtime/completion.js';
import type { CompletionReport } from '../../src/generated/completion.js';
import { io } from './capture.js';
import type { RunManifest } from '../../src/log/run-dir.js';

let runsDir: string;
let manifest: RunManifest;
let log: Buffer;

beforeAll(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'aos-verify-cli-'));
  expect(await main(['run', 'workflows/docs-merge.aos', '--runs-dir', runsDir], io())).toBe(0);
  manifest = JSON.parse(readFileSync(join(runsDir, 'docs-merge-test', 'manifest.json'), 'utf8')) as RunManifest;
  log = readFileSync(join(runsDir, 'docs-merge-test', 'events.jsonl'));
});

afterAll(() => {
  rmSync(runsDir, { recursive: true, force: true });
});

/** A copy of the run, named id, with its log replaced by bytes. */
function copyWithLog(id: string, bytes: Buffer): string {
  const dir = join(runsDir, id);
  cpSync(join(runsDir, 'docs-merge-test'), dir, { recursive: true });
  writeFileSync(join(dir, 'events.jsonl'), bytes);
  return dir;
}

/** Where line n starts. */
function lineStart(n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = log.indexOf(10, at) + 1;
  return at;
}

async function verify(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = io();
  const code = await main(['verify-log', ...argv], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

describe('aos verify-log', () => {
  it('passes a finished run, by id in --runs-dir or by path, printing its event count and head', async () => {
    expect(manifest.finished).toBe(true);
    const expected = `verify-log: ok, ${manifest.count} events, head ${manifest.head}\n`;
    expect(await verify('docs-merge-test', '--runs-dir', runsDir)).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(await verify(join(runsDir, 'docs-merge-test'))).toEqual({ code: 0, stdout: expected, stderr: '' });
    const json = await verify('docs-merge-test', '--runs-dir', runsDir, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, count: manifest.count, head: manifest.head, finished: true, manifest, notes: [] });
  });

  it('exits 1 naming the first damaged seq: a changed byte, a lost line, a cut log', async () => {
    const middle = Math.floor(manifest.count / 2);
    const changed = Buffer.from(log);
    const at = lineStart(middle) + 3;
    changed[at] = (changed[at] as number) ^ 0x20;
    copyWithLog('changed', changed);
    const found = await verify('changed', '--runs-dir', runsDir);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(new RegExp(`^verify-log: damaged at seq ${middle}: .* \\[damaged-line\\]\\n$`));

    copyWithLog('lost', Buffer.concat([log.subarray(0, lineStart(middle)), log.subarray(lineStart(middle + 1))]));
    expect(await verify('lost', '--runs-dir', runsDir)).toEqual({ code: 1, stdout: `verify-log: damaged at seq ${middle}: the line there has seq ${middle + 1}: a line is missing or out of order [seq]\n`, stderr: '' });

    copyWithLog('cut', log.subarray(0, lineStart(middle)));
    expect(await verify('cut', '--runs-dir', runsDir)).toEqual({ code: 1, stdout: `verify-log: damaged at seq ${middle}: the log ends after ${middle} lines, but manifest.json pins ${manifest.count} [truncated]\n`, stderr: '' });
  });

  it('warns that a run has not finished, and still exits 0, when its manifest does not say it finished', async () => {
    const last = manifest.count - 1;
    const dir = copyWithLog('unfinished', log.subarray(0, lineStart(last)));
    const head = JSON.parse(log.subarray(lineStart(last - 1), lineStart(last)).toString('utf8')).h as string;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, count: last, finished: false, head }));
    const found = await verify(dir);
    expect(found.code).toBe(0);
    expect(found.stdout).toBe(`verify-log: ok, ${last} events, head ${head}\nverify-log: warning: the log does not end with run.finished: the run is unfinished, or stopped before it could finish [not-finished]\n`);
  });

  it('exits 2 for a run that is not there, or a folder that is not a run directory', async () => {
    const missing = await verify('no-such-run', '--runs-dir', runsDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`aos verify-log: no run "no-such-run" in ${runsDir}, and no run directory no-such-run\n`);
    mkdirSync(join(runsDir, 'empty'));
    const empty = await verify('empty', '--runs-dir', runsDir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/is not a run directory: it has no manifest\.json and no events\.jsonl/);
  });
});

/** A copy of the run, named id, as its host left it. */
function copyRun(id: string, from = join(runsDir, 'docs-merge-test')): string {
  const dir = join(runsDir, id);
  cpSync(from, dir, { recursive: true });
  return dir;
}

async function verifyRun(dir: string, env: Record<string, string | undefined> = {}, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = io(env);
  const code = await main(['verify', dir, ...flags], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

/** The lines of `aos verify` that are not ok: problems, warnings and notes. */
function notOk(stdout: string): string[] {
  return stdout.split('\n').filter((line) => / (problem|warning|info): /.test(line));
}

function blobNames(dir: string): string[] {
  return readdirSync(join(dir, 'blobs')).sort();
}

describe('aos verify', () => {
  it('passes a run as its host left it, one line per file it checked', async () => {
    const dir = join(runsDir, 'docs-merge-test');
    const blobs = blobNames(dir).length;
    expect(blobs).toBeGreaterThan(1);
    const found = await verifyRun(dir);
    expect(found).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `verify: events.jsonl: ok, ${manifest.count} events, head ${manifest.head}`,
        'verify: events.jsonl: replays identically',
        `verify: blobs/: ok, ${blobs} blobs, each holding the bytes its name hashes; every blob the log refers to is there`,
        'verify: completion.json: ok, the report the log gives',
        'verify: completion.md: ok, the report the log gives',
        'verify: signature.json: info: absent: the run is not signed [signature-absent]',
        'verify: ok',
        '',
      ].join('\n'),
    });
    const json = await verifyRun(dir, {}, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, signature: { state: 'absent' } });
    expect((await verifyRun(dir, {}, '--require-signature')).code).toBe(1);
  });

  it('passes every golden run whole: its report is the one its replay gives', async () => {
    for (const name of readdirSync('golden/runs').sort()) {
      const found = await verifyRun(join('golden/runs', name));
      expect(found.code, `${name}: ${found.stdout}`).toBe(0);
      expect(found.stdout, name).toContain('verify: completion.json: ok, the report the log gives\n');
    }
  });

  it('finds changed blob bytes and deleted blobs, one line each naming the blob', async () => {
    const dir = copyRun('blobs-tampered');
    const [changed, deleted] = blobNames(dir) as [string, string];
    writeFileSync(join(dir, 'blobs', changed), Buffer.concat([readFileSync(join(dir, 'blobs', changed)), Buffer.from(' ')]));
    unlinkSync(join(dir, 'blobs', deleted));
    const found = await verifyRun(dir);
    expect(found.code).toBe(1);
    expect(notOk(found.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^verify: blobs/${changed}: problem: its bytes hash to [0-9a-f]{64}, not to its name: it was changed after it was stored \\[blob-hash\\]$`)),
      expect.stringMatching(new RegExp(`^verify: blobs/${deleted}: problem: it is missing, and the log refers to it from seq \\d+ \\[blob-missing\\]$`)),
      'verify: signature.json: info: absent: the run is not signed [signature-absent]',
    ]);
    expect(found.stdout.endsWith('verify: 2 problems\n')).toBe(true);
  });

  it('finds an edited completion report, naming the field and what the log gives', async () => {
    const dir = copyRun('report-edited');
    const report = JSON.parse(readFileSync(join(dir, 'completion.json'), 'utf8')) as CompletionReport;
    expect(report.status).toBe('ok');
    writeFileSync(join(dir, 'completion.json'), completionJson({ ...report, status: 'failed' }));
    writeFileSync(join(dir, 'completion.md'), completionMarkdown({ ...report, status: 'failed' }));
    const found = await verifyRun(dir);
    expect(found.code).toBe(1);
    expect(notOk(found.stdout).slice(0, 2)).toEqual([
      'verify: completion.json: problem: status is "failed", and the log gives "ok" [completion]',
      'verify: completion.md: problem: it is not the report the log gives, from line 1 [completion]',
    ]);
    // Only its layout changed: the values match, the bytes do not.
    writeFileSync(join(dir, 'completion.json'), JSON.stringify(report));
    expect(notOk((await verifyRun(dir)).stdout)[0]).toBe('verify: completion.json: problem: it holds the report the log gives, but not in the bytes the host writes [completion]');
  });

  it('finds a manifest saying the run has not finished of a finished log, in verify and verify-log', async () => {
    const dir = copyRun('manifest-unfinished');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, finished: false }));
    const last = manifest.count - 1;
    const found = await verifyRun(dir);
    expect(found.code).toBe(1);
    expect(notOk(found.stdout)[0]).toBe(`verify: manifest.json: problem: damaged at seq ${last}: manifest.json says the run has not finished, but line ${last}, the last it pins, is run.finished [manifest]`);
    expect(await verify(dir)).toEqual({ code: 1, stderr: '', stdout: `verify-log: damaged at seq ${last}: manifest.json says the run has not finished, but line ${last}, the last it pins, is run.finished [manifest]\n` });
  });

  it('finds a deleted manifest; aos resume rebuilds it from the log with a warning, and the run verifies again', async () => {
    const dir = copyRun('manifest-deleted');
    unlinkSync(join(dir, 'manifest.json'));
    const found = await verifyRun(dir);
    expect(found.code).toBe(1);
    expect(notOk(found.stdout)[0]).toBe(`verify: manifest.json: problem: there is no manifest.json: the log's chain verifies, and \`aos resume\` rebuilds the manifest from its ${manifest.count} lines; without it, a log cut at a line boundary cannot be told [no-manifest]`);
    const logOnly = await verify(dir);
    expect(logOnly.code).toBe(0);
    expect(logOnly.stdout).toContain('verify-log: warning: there is no manifest.json');
    // A finished run has nothing to resume; taking it up rebuilds its manifest all the same.
    const out = io();
    expect(await main(['resume', dir, '--workflow', 'workflows/docs-merge.aos'], out)).toBe(1);
    expect(out.stderr).toBe(
      `aos resume: warning: run directory ${dir} had no manifest.json: rebuilt from the ${manifest.count} lines of events.jsonl, whose chain verifies (head ${manifest.head})\n` +
        `aos resume: the run in ${dir} has finished: there is nothing to resume\n`,
    );
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(readFileSync(join(runsDir, 'docs-merge-test', 'manifest.json'), 'utf8'));
    expect((await verifyRun(dir)).code).toBe(0);
  });
});

const HMAC_KEY = 'the-signing-hosts-shared-secret-0123456789';

/** Runs docs-merge into the run directory id, with env; what it printed. */
async function runWith(id: string, env: Record<string, string | undefined>): Promise<{ code: number; dir: string; printed: string }> {
  const out = io(env, () => id);
  const code = await main(['run', 'workflows/docs-merge.aos', '--runs-dir', runsDir], out);
  return { code, dir: join(runsDir, id), printed: out.stdout + out.stderr };
}

/** Every file under dir, as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'));
}

function signatureLine(stdout: string): string | undefined {
  return stdout.split('\n').find((line) => line.startsWith('verify: signature.json: '));
}

describe('signing a run', () => {
  it('signs a finished run with AOS_SIGNING_KEY; verify names the key, and finds no key, another key, an edit', async () => {
    const { code, dir, printed } = await runWith('signed-hmac', { AOS_SIGNING_KEY: HMAC_KEY });
    expect(code).toBe(0);
    const signature = JSON.parse(readFileSync(join(dir, 'signature.json'), 'utf8')) as { algorithm: string; keyId: string; signed: { count: number; head: string; finished: boolean } };
    expect(signature).toMatchObject({ algorithm: 'hmac-sha256', format: 'aos-signature', keyId: expect.stringMatching(/^[0-9a-f]{16}$/), signed: { count: manifest.count, finished: true }, version: 1 });
    // The secret is neither printed nor written.
    expect(printed).not.toContain(HMAC_KEY);
    for (const text of filesUnder(dir)) expect(text).not.toContain(HMAC_KEY);

    const valid = await verifyRun(dir, { AOS_SIGNING_KEY: HMAC_KEY }, '--require-signature');
    expect(valid.code).toBe(0);
    expect(signatureLine(valid.stdout)).toBe(`verify: signature.json: valid, signed with hmac-sha256 key ${signature.keyId}`);
    expect(valid.stdout + valid.stderr).not.toContain(HMAC_KEY);

    const noKey = await verifyRun(dir);
    expect(noKey.code).toBe(0);
    expect(signatureLine(noKey.stdout)).toBe(`verify: signature.json: warning: not checked: signed with hmac-sha256 key ${signature.keyId}, and no hmac-sha256 key was given to check it (AOS_SIGNING_KEY) [signature-unchecked]`);
    expect((await verifyRun(dir, {}, '--require-signature')).code).toBe(1);

    const other = await verifyRun(dir, { AOS_SIGNING_KEY: `another-${HMAC_KEY}` });
    expect(other.code).toBe(1);
    expect(signatureLine(other.stdout)).toMatch(new RegExp(`^verify: signature\\.json: problem: invalid: signed with hmac-sha256 key ${signature.keyId}, not with the key given \\(AOS_SIGNING_KEY: hmac-sha256 key [0-9a-f]{16}\\) \\[signature-invalid\\]$`));

    const flipped = copyRun('signed-hmac-flipped', dir);
    const text = readFileSync(join(flipped, 'signature.json'), 'utf8');
    writeFileSync(join(flipped, 'signature.json'), text.replace('"finished":true', '"finished":false').replace(/"signature":"(.)/, (_, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`));
    expect(signatureLine((await verifyRun(flipped, { AOS_SIGNING_KEY: HMAC_KEY })).stdout)).toBe('verify: signature.json: problem: invalid: it signs a run that had not finished, and manifest.json says the run finished [signature-invalid]');
    writeFileSync(join(flipped, 'signature.json'), text.replace(/"signature":"(.)/, (_, c: string) => `"signature":"${c === 'A' ? 'B' : 'A'}`));
    expect(signatureLine((await verifyRun(flipped, { AOS_SIGNING_KEY: HMAC_KEY })).stdout)).toBe(
      `verify: signature.json: problem: invalid: its signature does not match what it signs under hmac-sha256 key ${signature.keyId}: the file was changed after it was signed [signature-invalid]`,
    );

    const edited = copyRun('signed-hmac-edited', dir);
    writeFileSync(join(edited, 'completion.md'), `${readFileSync(join(edited, 'completion.md'), 'utf8')}\nAll good.\n`);
    const found = await verifyRun(edited, { AOS_SIGNING_KEY: HMAC_KEY });
    expect(found.code).toBe(1);
    expect(notOk(found.stdout)).toEqual([
      expect.stringMatching(/^verify: completion\.md: problem: it is not the report the log gives, from line \d+ \[completion\]$/),
      expect.stringMatching(/^verify: signature\.json: problem: invalid: it signs a completion\.md of sha256 [0-9a-f]{64}, and completion\.md has sha256 [0-9a-f]{64} \[signature-invalid\]$/),
    ]);
  });

  it('signs with an Ed25519 private key (a PEM file) and checks with its public key (PEM text)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = join(runsDir, 'signing-key.pem');
    const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    writeFileSync(keyFile, privatePem);
    const { code, dir, printed } = await runWith('signed-ed25519', { AOS_SIGNING_PRIVATE_KEY: keyFile });
    expect(code).toBe(0);
    expect(printed).not.toContain(privatePem.trim());
    for (const text of filesUnder(dir)) expect(text).not.toContain('PRIVATE KEY');
    const { keyId } = JSON.parse(readFileSync(join(dir, 'signature.json'), 'utf8')) as { keyId: string };
    const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const env of [{ AOS_SIGNING_PUBLIC_KEY: publicPem }, { AOS_SIGNING_PRIVATE_KEY: keyFile }]) {
      const found = await verifyRun(dir, env, '--require-signature');
      expect(found.code).toBe(0);
      expect(signatureLine(found.stdout)).toBe(`verify: signature.json: valid, signed with ed25519 key ${keyId}`);
    }
    const stranger = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(signatureLine((await verifyRun(dir, { AOS_SIGNING_PUBLIC_KEY: stranger })).stdout)).toMatch(
      new RegExp(`^verify: signature\\.json: problem: invalid: signed with ed25519 key ${keyId}, not with the key given \\(AOS_SIGNING_PUBLIC_KEY: ed25519 key [0-9a-f]{16}\\) \\[signature-invalid\\]$`),
    );
  });

  it('tells a re-chained log that relabels scripted replies as a model\'s, which replays identically', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const { dir: signed } = await runWith('signed-forged-from', { AOS_SIGNING_PRIVATE_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() });
    const dir = copyRun('forged', signed);
    // The forger rewrites run.started's backend, chains every line again, and writes the manifest
    // and the report that follow from the new log.
    const chain = new HashChain();
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    const relabelled = lines.map((line, seq) => {
      const { h: _h, ...event } = JSON.parse(line) as KernelEvent & { h: string };
      if (seq === 0) (event.data as { backend: { name: string } }).backend.name = 'openai-compatible';
      return chain.append(event) + '\n';
    });
    writeFileSync(join(dir, 'events.jsonl'), relabelled.join(''));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, head: chain.head }));
    const report = JSON.parse(readFileSync(join(dir, 'completion.json'), 'utf8')) as CompletionReport;
    const forged: CompletionReport = { ...report, backend: { name: 'openai-compatible', scripted: false }, head: chain.head };
    writeFileSync(join(dir, 'completion.json'), completionJson(forged));
    writeFileSync(join(dir, 'completion.md'), completionMarkdown(forged));
    const env = { AOS_SIGNING_PUBLIC_KEY: publicKey.export({ format: 'pem', type: 'spki' }).toString() };

    const found = await verifyRun(dir, env);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('verify: events.jsonl: replays identically\n');
    expect(notOk(found.stdout)).toEqual([`verify: signature.json: problem: invalid: it signs ${manifest.count} lines ending at ${manifest.head}, and the log holds ${manifest.count} ending at ${chain.head} [signature-invalid]`]);
    // Without its signature the forgery is a sound, deterministic run: only requiring one tells.
    unlinkSync(join(dir, 'signature.json'));
    expect((await verifyRun(dir, env)).code).toBe(0);
    expect(notOk((await verifyRun(dir, env, '--require-signature')).stdout)).toEqual(['verify: signature.json: problem: absent: the run is not signed [signature-absent]']);
  });

  it('refuses signing settings it cannot use, naming the variable, before a run starts', async () => {
    const short = await runWith('signed-short', { AOS_SIGNING_KEY: 'short' });
    expect(short.code).toBe(2);
    expect(short.printed).toContain('aos run: AOS_SIGNING_KEY must be at least 16 characters\n');
    expect(short.printed).not.toContain('short\n');
    expect(existsSync(short.dir)).toBe(false);
    const both = await runWith('signed-both', { AOS_SIGNING_KEY: HMAC_KEY, AOS_SIGNING_PRIVATE_KEY: join(runsDir, 'signing-key.pem') });
    expect(both.code).toBe(2);
    expect(both.printed).toContain('aos run: both AOS_SIGNING_KEY and AOS_SIGNING_PRIVATE_KEY are set: a run is signed with one key, so set one\n');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const notEd = await verifyRun(join(runsDir, 'docs-merge-test'), { AOS_SIGNING_PUBLIC_KEY: rsa });
    expect(notEd).toEqual({ code: 2, stderr: 'aos verify: AOS_SIGNING_PUBLIC_KEY holds an rsa key; signing takes an Ed25519 key\n', stdout: '' });
    const missing = await verifyRun(join(runsDir, 'docs-merge-test'), { AOS_SIGNING_PUBLIC_KEY: join(runsDir, 'no-such.pem') });
    expect(missing).toEqual({ code: 2, stderr: 'aos verify: AOS_SIGNING_PUBLIC_KEY is neither PEM text nor a readable PEM file: ENOENT\n', stdout: '' });
  });
});
