// `aos verify`: everything in a run directory checked against its log. The log's chain and the
// manifest (verify-log), an exact replay of the log against the recorded bytecode, every blob
// against its hash and every blob the replay shows the run referring to, the completion report
// against the report the replay gives, and the signature (run-signature.ts). Reads only.
import { join } from 'node:path';
import type { JsonValue } from '../bytecode/json.js';
import type { Bytecode } from '../bytecode/format.js';
import { readBytecode } from '../bytecode/reader.js';
import type { KernelEvent } from '../bytecode/events.js';
import type { CompletionReport } from '../generated/completion.js';
import { nodeFs } from '../log/durable-fs.js';
import { fileLines, fileCursor } from '../log/lines.js';
import { EVENTS_FILE, MANIFEST_FILE } from '../log/run-dir.js';
import { verifyBlobs, type BlobsVerdict } from '../log/verify-blobs.js';
import { verifyLog, type LogVerdict } from '../log/verify-log.js';
import { fieldDifferences, recordedStart, ReplayDivergenceError, ReplayRefusedError, replayExact, type ReplayResult } from '../replay/replay.js';
import type { StepOutput } from '../vm/kernel.js';
import { COMPLETION_JSON, COMPLETION_MD, completionJson, completionMarkdown, completionReport } from './completion.js';
import { BYTECODE_FILE } from './run.js';
import { checkSignature, SIGNATURE_FILE, type SignatureCheck } from './run-signature.js';
import { checkersFrom, keyName } from './signing-keys.js';

/** ok: the check passed. info and warning: worth knowing, not wrong. problem: the run directory is not as its host left it. */
export type FindingLevel = 'ok' | 'info' | 'warning' | 'problem';

/** One line of the verdict: the file it is about, and what was found there. */
export interface RunFinding {
  readonly file: string;
  readonly level: FindingLevel;
  /** Stable: the problem's kind (verify-log's, blob-hash, completion, signature-invalid, …), or the check that passed. */
  readonly kind: string;
  readonly message: string;
}

export interface RunVerdict {
  /** No finding is a problem. */
  readonly ok: boolean;
  readonly findings: readonly RunFinding[];
  /** undefined when the run's head could not be read to check it against. */
  readonly signature: SignatureCheck | undefined;
}

export interface VerifyRunOptions {
  /** Where the keys that check a signature come from (signing-keys.ts). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** An absent or unchecked signature is a problem, not a note. */
  readonly requireSignature?: boolean;
}

const problem = (file: string, kind: string, message: string): RunFinding => ({ file, kind, level: 'problem', message });

/** What a check gives the next one, or the problem that stops them. */
type Checked<T> = { readonly value: T } | { readonly finding: RunFinding };

function logFindings(verdict: LogVerdict): RunFinding[] {
  if (!verdict.ok) {
    const { kind, seq, message } = verdict.problem;
    const file = kind === 'manifest' || kind === 'not-finished' ? MANIFEST_FILE : EVENTS_FILE;
    return [problem(file, kind, seq === undefined ? message : `damaged at seq ${seq}: ${message}`)];
  }
  const findings: RunFinding[] = [{ file: EVENTS_FILE, kind: 'log', level: 'ok', message: `ok, ${verdict.count} events, head ${verdict.head}` }];
  for (const note of verdict.notes) {
    // A log can be intact without its manifest, but a run directory is not as its host left it.
    if (note.kind === 'no-manifest') findings.push(problem(MANIFEST_FILE, note.kind, note.message));
    else findings.push({ file: EVENTS_FILE, kind: note.kind, level: note.kind === 'extra' ? 'info' : 'warning', message: note.message });
  }
  return findings;
}

async function recordedBytecode(dir: string): Promise<Checked<Bytecode>> {
  const bytes = await nodeFs.readFile(join(dir, BYTECODE_FILE));
  if (bytes === undefined) return { finding: problem(BYTECODE_FILE, 'bytecode', 'it is missing: the run cannot be replayed') };
  try {
    return { value: readBytecode(Buffer.from(bytes).toString('utf8')) };
  } catch (error) {
    return { finding: problem(BYTECODE_FILE, 'bytecode', `it is not bytecode this build reads: ${(error as Error).message}`) };
  }
}

/**
 * The blobs a replay shows the run referring to, each with the seq of the first line that does: the
 * kernel's own (conversations, contents of writes, artifacts) and the bytes a tool's output was
 * kept as. A transition's blobs are stored before any of its lines is committed, so the blobs of
 * one that the log stopped before (an unfinished run) are not required.
 */
class BlobReferences {
  readonly #firstSeq = new Map<string, number>();
  readonly #toolEffects = new Set<string>();

  observe(output: StepOutput): void {
    for (const request of output.requests) if (request.op === 'tool') this.#toolEffects.add(request.effect);
    const first = output.events[0]?.seq;
    if (first === undefined) return;
    for (const blob of output.blobs) this.#refer(blob.hash, first);
    for (const event of output.events) for (const name of this.#toolOutputBlobs(event)) this.#refer(name, event.seq);
  }

  /** The references from the first count lines. */
  within(count: number): Map<string, number> {
    return new Map([...this.#firstSeq].filter(([, seq]) => seq < count));
  }

  #refer(name: string, seq: number): void {
    if (!this.#firstSeq.has(name)) this.#firstSeq.set(name, seq);
  }

  /** A tool's stdout and stderr kept as bytes (drivers/tools.ts), named in its completion. */
  #toolOutputBlobs(event: KernelEvent): string[] {
    if (event.kind !== 'effect.completed' || event.data?.['ok'] !== true || !this.#toolEffects.has(String(event.data['effect']))) return [];
    const value = event.data['value'];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    return [value['stdout_blob'], value['stderr_blob']].filter((name): name is string => typeof name === 'string');
  }
}

interface Replayed {
  readonly result: ReplayResult;
  readonly required: ReadonlyMap<string, number>;
}

function replayed(dir: string, bytecode: Bytecode): Checked<Replayed> {
  const references = new BlobReferences();
  try {
    const result = replayExact(bytecode, () => fileCursor(join(dir, EVENTS_FILE)), { observe: (_kernel, output) => references.observe(output) });
    return { value: { required: references.within(result.events), result } };
  } catch (error) {
    if (error instanceof ReplayRefusedError) return { finding: problem(EVENTS_FILE, 'refused', `the replay is refused (${error.reason}): ${error.message}`) };
    if (error instanceof ReplayDivergenceError) return { finding: problem(EVENTS_FILE, 'diverged', `the replay diverged at seq ${error.details.seq}: ${error.details.summary}`) };
    throw error;
  }
}

function blobFindings(verdict: BlobsVerdict, referencesKnown: boolean): RunFinding[] {
  if (verdict.problems.length > 0) return verdict.problems.map((p) => problem(`blobs/${p.hash}`, p.kind, p.message));
  const referred = referencesKnown ? '; every blob the log refers to is there' : '';
  const held = verdict.count === 0 ? 'no blobs' : `${verdict.count} blob${verdict.count === 1 ? '' : 's'}, each holding the bytes its name hashes`;
  return [{ file: 'blobs/', kind: 'blobs', level: 'ok', message: `ok, ${held}${referred}` }];
}

function firstLine(path: string): string | undefined {
  for (const line of fileLines(path)) return line;
  return undefined;
}

/** The completion report the replay gives, as the host that finished the run wrote it. */
function reportOf(dir: string, bytecode: Bytecode, replay: ReplayResult, head: string): CompletionReport {
  const start = recordedStart(firstLine(join(dir, EVENTS_FILE)));
  const name = start.backend?.name ?? '';
  return completionReport({
    // The scripted backend is the one whose replies are scripted (backend-config.ts).
    backend: { name, scripted: name === 'scripted' },
    blob: (hash) => replay.blobs.get(hash),
    bytecode,
    events: replay.events,
    head,
    kernel: replay.kernel,
    seed: start.seed,
  });
}

function jsonFinding(bytes: Uint8Array, expected: CompletionReport): RunFinding {
  const text = completionJson(expected);
  const found = Buffer.from(bytes).toString('utf8');
  if (found === text) return { file: COMPLETION_JSON, kind: 'completion', level: 'ok', message: 'ok, the report the log gives' };
  let recorded: JsonValue;
  try {
    recorded = JSON.parse(found) as JsonValue;
  } catch (error) {
    return problem(COMPLETION_JSON, 'completion', `it is not JSON: ${(error as Error).message}`);
  }
  const differences = fieldDifferences(JSON.parse(text) as JsonValue, recorded);
  const first = differences[0];
  if (first === undefined) return problem(COMPLETION_JSON, 'completion', 'it holds the report the log gives, but not in the bytes the host writes');
  const more = differences.length > 1 ? ` (and ${differences.length - 1} more differences)` : '';
  return problem(COMPLETION_JSON, 'completion', `${first.path} is ${JSON.stringify(first.produced) ?? 'absent'}, and the log gives ${JSON.stringify(first.expected) ?? 'nothing'}${more}`);
}

function markdownFinding(bytes: Uint8Array, expected: CompletionReport): RunFinding {
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  const wanted = completionMarkdown(expected).split('\n');
  const differs = wanted.findIndex((line, i) => lines[i] !== line);
  if (differs < 0 && lines.length === wanted.length) return { file: COMPLETION_MD, kind: 'completion', level: 'ok', message: 'ok, the report the log gives' };
  return problem(COMPLETION_MD, 'completion', `it is not the report the log gives, from line ${(differs < 0 ? wanted.length : differs) + 1}`);
}

function completionFindings(json: Uint8Array | undefined, md: Uint8Array | undefined, expected: CompletionReport, finished: boolean): RunFinding[] {
  if (json === undefined) {
    const why = finished ? 'the log finished, and its report was never written; `aos resume` writes it' : 'the run has not finished';
    return [{ file: COMPLETION_JSON, kind: 'no-completion', level: finished ? 'warning' : 'info', message: `absent: ${why}` }];
  }
  const findings = [jsonFinding(json, expected)];
  if (md === undefined) findings.push({ file: COMPLETION_MD, kind: 'no-completion', level: 'warning', message: 'absent: the report stopped after completion.json; `aos resume` writes it' });
  else findings.push(markdownFinding(md, expected));
  return findings;
}

function signatureFinding(check: SignatureCheck | undefined, required: boolean): RunFinding {
  const file = SIGNATURE_FILE;
  const unsure = required ? 'problem' : 'warning';
  if (check === undefined) return { file, kind: 'signature-unchecked', level: unsure, message: 'not checked: the run\'s log or bytecode cannot be read' };
  switch (check.state) {
    case 'valid':
      return { file, kind: 'signature-valid', level: 'ok', message: `valid, signed with ${keyName(check)}` };
    case 'absent':
      return { file, kind: 'signature-absent', level: required ? 'problem' : 'info', message: 'absent: the run is not signed' };
    case 'unchecked':
      return { file, kind: 'signature-unchecked', level: unsure, message: `not checked: ${check.message}` };
    case 'invalid':
      return problem(file, 'signature-invalid', `invalid: ${check.message}`);
  }
}

/** Checks the run directory dir whole; every finding, the files in the order above. */
export async function verifyRun(dir: string, options: VerifyRunOptions): Promise<RunVerdict> {
  // Keys that cannot be used are refused before any work.
  const checkers = checkersFrom(options.env);
  const log = await verifyLog(dir);
  const findings = logFindings(log);
  const code = await recordedBytecode(dir);
  const bytecode = 'value' in code ? code.value : undefined;
  // A damaged log explains a divergence better than the divergence does: it is not replayed.
  const replay = log.ok && bytecode !== undefined ? replayed(dir, bytecode) : undefined;
  const run = replay !== undefined && 'value' in replay ? replay.value : undefined;
  for (const checked of [code, replay]) if (checked !== undefined && 'finding' in checked) findings.push(checked.finding);
  if (run !== undefined) findings.push({ file: EVENTS_FILE, kind: 'replay', level: 'ok', message: `replays identically${run.result.finished ? '' : ', up to its last line: the run has not finished'}` });
  findings.push(...blobFindings(await verifyBlobs(dir, run?.required), run !== undefined));
  const json = await nodeFs.readFile(join(dir, COMPLETION_JSON));
  const md = await nodeFs.readFile(join(dir, COMPLETION_MD));
  if (log.ok && bytecode !== undefined && run !== undefined) findings.push(...completionFindings(json, md, reportOf(dir, bytecode, run.result, log.head), run.result.finished));
  let signature: SignatureCheck | undefined;
  if (log.ok && bytecode !== undefined) {
    const { count, finished, head } = log.manifest;
    signature = await checkSignature(nodeFs, dir, { codeHash: bytecode.codeHash, completionJson: json, completionMd: md, count, finished, head }, checkers);
  }
  findings.push(signatureFinding(signature, options.requireSignature === true));
  return { findings, ok: findings.every((finding) => finding.level !== 'problem'), signature };
}
