// An inspection (fold.ts) as text for people: one aligned section each for the run, its
// processes, tasks, messages, artifacts, budgets, effects and result. `aos inspect --json` prints
// the inspection itself instead.
import { isObject } from '../bytecode/json.js';
import type { Budget, JsonValue } from '../generated/event.js';
import type { ArtifactView, FailureSite, FailureView, Inspection, ProcessView, TaskView, VerdictView } from './model.js';

/** Rows under a header row, each column as wide as its widest cell, indented by two spaces. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

/** A JSON value on one line, cut short. */
export function brief(value: JsonValue | undefined, max = 100): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Milliseconds in the largest unit that keeps them short: 250ms, 1.5s, 30m, 2h. */
export function duration(ms: number): string {
  const units: [number, string][] = [
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Number((ms / size).toFixed(2))}${unit}`;
  return `${ms}ms`;
}

const dash = (items: readonly (string | number)[]): string => (items.length === 0 ? '-' : items.join(' '));
const limit = (n: number | null, show: (n: number) => string = String): string => (n === null ? '∞' : show(n));

function header(ins: Inspection, title: string): string[] {
  const lines = [`run ${title}`];
  const { run, log } = ins;
  const rows: string[][] = [];
  if (run === null) rows.push(['workflow', '(the log is empty: no run.started)']);
  else {
    const scripted = ins.effects.scriptedReplies > 0 || run.backend?.name === 'scripted';
    rows.push(['workflow', `${run.workflow.name} ${run.workflow.version} (code ${run.codeHash.slice(0, 12)})`]);
    rows.push(['seed', run.seed]);
    rows.push(['kernel', `${run.kernel}, event format ${run.format}, ${run.options.policy} scheduling, quantum ${run.options.quantum}${run.options.orderedCompletions ? ', ordered completions' : ''}`]);
    rows.push(['backend', run.backend === null ? 'none' : `${run.backend.name}${scripted ? ' — replies are scripted, not a model\'s' : ''}`]);
    rows.push(['input', brief(run.input)]);
  }
  let logText = `${log.events} events${log.head === null ? '' : `, head ${log.head.slice(0, 16)}`}`;
  if (log.committed !== null && log.committed < log.events) logText += ` (${log.events - log.committed} after the ${log.committed} the manifest pins)`;
  if (log.tornTail !== null) logText += `; a torn tail of ${log.tornTail.bytes} bytes at seq ${log.tornTail.seq} (${log.tornTail.problem}) is ignored`;
  rows.push(['log', logText]);
  const { mismatches } = log;
  if (mismatches.length > 0) {
    const shown = mismatches.slice(0, 3).map((m) => `seq ${m.seq}: ${m.problem}`);
    const more = mismatches.length > shown.length ? `; and ${mismatches.length - shown.length} more` : '';
    rows.push(['schema', `${mismatches.length} event${mismatches.length === 1 ? '' : 's'} left out, not matching schemas/event.schema.json: ${shown.join('; ')}${more}`]);
  }
  rows.push(['status', ins.result.status]);
  return [...lines, ...table(rows)];
}

function lifecycle(p: ProcessView): { seq: number; text: string }[] {
  const items: { seq: number; text: string }[] = [];
  for (const x of p.exits) {
    if (x.status === 'ok' && x.reason === undefined && p.exits.length === 1) continue;
    items.push({ seq: x.seq, text: `incarnation ${x.incarnation} exited ${x.status}${x.reason === undefined ? '' : `: ${brief(x.reason)}`}` });
  }
  for (const r of p.restarts) {
    const detail = [r.cause, r.attempt === undefined ? '' : `attempt ${r.attempt}`, r.checkpoint === undefined ? '' : `from checkpoint #${r.checkpoint}`].filter((s) => s !== '');
    items.push({ seq: r.seq, text: `restarted as incarnation ${r.incarnation} (${detail.join(', ')})` });
  }
  for (const s of p.signals) items.push({ seq: s.seq, text: `signalled ${s.op} by ${s.from}` });
  for (const r of p.retries) items.push({ seq: r.seq, text: `retry after ${r.on}: attempt ${r.attempt} after ${duration(r.backoff)}` });
  for (const e of p.escalations) items.push({ seq: e.seq, text: `supervisor ${e.policy} escalated after ${e.restarts} restart${e.restarts === 1 ? '' : 's'} (child ${e.child})` });
  return items.sort((a, b) => a.seq - b.seq);
}

function processes(ins: Inspection): string[] {
  if (ins.processes.length === 0) return ['processes: none'];
  const rows = [['process', 'kind', 'spec', 'spawned by', 'seq', 'task', 'incarnations', 'status', 'exit', 'turns', 'tokens']];
  for (const p of ins.processes) {
    const exit = p.exits.at(-1);
    const last = exit !== undefined && (p.status === exit.status || p.status === 'restarting') ? `seq ${exit.seq}` : '-';
    rows.push([p.name, p.kind, p.spec, p.parent ?? '-', String(p.spawned), p.task === null ? '-' : String(p.task), String(p.incarnations), p.status, last, String(p.turns), String(p.tokens)]);
  }
  const events = ins.processes.flatMap((p) => lifecycle(p).map((item) => ({ ...item, name: p.name })));
  const lines = [`processes (${ins.processes.length})`, ...table(rows)];
  if (events.length > 0) {
    events.sort((a, b) => a.seq - b.seq);
    lines.push('lifecycle', ...table(events.map((e) => [`seq ${e.seq}`, e.name, e.text])));
  }
  return lines;
}

function verdictText(v: Pick<VerdictView, 'passed' | 'by' | 'seq'>): string {
  return `${v.passed ? 'passed' : 'rejected'} by ${v.by} at seq ${v.seq}`;
}

function taskVerification(t: TaskView): string {
  const last = t.verdicts.at(-1);
  if (t.failed !== null) return `failed at seq ${t.failed.seq}: ${brief(t.failed.reason, 60)}`;
  if (last === undefined) return t.state === 'produced' ? 'not judged' : '-';
  return t.verdicts.length === 1 ? verdictText(last) : `${t.verdicts.length} verdicts, last ${verdictText(last)}`;
}

function tasks(ins: Inspection): string[] {
  if (ins.tasks.length === 0 && ins.verdictsWithoutTask.length === 0) return ['tasks: none'];
  const rows = [['id', 'task', 'owner', 'opened by', 'seq', 'state', 'artifacts', 'verification']];
  for (const t of ins.tasks) rows.push([String(t.id), t.name, t.owner, t.openedBy ?? '-', String(t.opened), t.state, dash(t.artifacts.map((a) => `#${a}`)), taskVerification(t)]);
  const lines = [`tasks (${ins.tasks.length})`, ...table(rows)];
  const verdicts = [...ins.tasks.flatMap((t) => t.verdicts), ...ins.verdictsWithoutTask].sort((a, b) => a.seq - b.seq);
  if (verdicts.length > 0) {
    lines.push('verdicts');
    lines.push(...table(verdicts.map((v) => [`seq ${v.seq}`, ins.tasks.some((t) => t.id === v.task) ? `task ${v.task}` : 'no task', `${v.passed ? 'passed' : 'rejected'} by ${v.by} for ${v.judgedFor}`, brief(v.verdict)])));
  }
  return lines;
}

function messages(ins: Inspection): string[] {
  const m = ins.messages;
  if (m.sent === 0 && m.dead === 0 && m.topics.length === 0) return ['messages: none'];
  const lines = [`messages: ${m.sent} sent, ${m.received} received, ${m.dead} dead letter${m.dead === 1 ? '' : 's'}, ${m.unreceived} never received`];
  lines.push(...table([['from', 'to', 'sent', 'received', 'dead'], ...m.pairs.map((p) => [p.from, p.to, String(p.sent), String(p.received), String(p.dead)])]));
  if (m.deadLetters.length > 0) {
    lines.push(`dead letters (${m.deadLetters.length})`);
    lines.push(...table(m.deadLetters.map((d) => [`seq ${d.seq}`, `${d.from} → ${d.to}`, `message ${d.msg}`, brief(d.value)])));
  }
  if (m.topics.length > 0) {
    lines.push('topics');
    lines.push(...table(m.topics.map((t) => [t.topic, `${t.published} published`, `subscribers ${dash(t.subscribers)}`])));
  }
  return lines;
}

function artifactKind(a: ArtifactView): string {
  return a.checkpoint === null ? a.kind : `${a.kind} (pc ${a.checkpoint})`;
}

function artifacts(ins: Inspection): string[] {
  if (ins.artifacts.length === 0) return ['artifacts: none'];
  const rows = [['id', 'kind', 'producer', 'seq', 'size', 'sha256', 'inputs', 'used by', 'verdicts']];
  for (const a of ins.artifacts) {
    const verdicts = a.verdicts.map((v) => `${v.passed ? 'passed' : 'rejected'} by ${v.by} (task ${v.task})`);
    rows.push([`#${a.id}`, artifactKind(a), `${a.producer} (incarnation ${a.incarnation})`, String(a.recorded), `${a.size} B`, a.hash.slice(0, 12), dash(a.inputs.map((i) => `#${i}`)), dash(a.usedBy.map((i) => `#${i}`)), verdicts.length === 0 ? '-' : verdicts.join(', ')]);
  }
  return [`artifacts (${ins.artifacts.length})`, ...table(rows)];
}

function budgets(ins: Inspection): string[] {
  if (ins.budgets.length === 0) return ['budgets: none granted'];
  const scripted = ins.effects.scriptedReplies > 0;
  const rows = [['process', 'turns', `tokens${scripted ? ' (scripted counts)' : ''}`, 'time', 'exhausted']];
  const of = (used: number, granted: Budget[keyof Budget], show: (n: number) => string = String) => `${show(used)} / ${limit(granted, show)}`;
  for (const b of ins.budgets) {
    rows.push([b.process, of(b.used.turns, b.granted.turns), of(b.used.tokens, b.granted.tokens), of(b.used.time, b.granted.time, duration), b.exhausted === null ? '-' : `${b.exhausted.limit} at seq ${b.exhausted.seq}`]);
  }
  return ['budgets (used / granted)', ...table(rows)];
}

/** Where a failure happened: its source position as clox prints a runtime error's, else its instruction. */
function where(site: FailureSite): string {
  if (site.source !== null) return ` at ${site.source.file}:${site.source.line}:${site.source.column}`;
  return site.at === null ? '' : ` at procedure ${site.at.procedure}, offset ${site.at.offset}`;
}

/** A failed exit's reason; a deadlock's names what each process waits for. */
function reasonText(reason: JsonValue): string {
  if (!isObject(reason) || reason['kind'] !== 'deadlock' || !Array.isArray(reason['blocked'])) return brief(reason, 60);
  const waits = reason['blocked'].map((b) => (isObject(b) ? `${String(b['pid'])} (${String(b['wait'] ?? b['state'])})` : brief(b)));
  return `deadlock: every process waits for something that never comes: ${waits.join(', ')}`;
}

function failureText(f: FailureView): string {
  switch (f.kind) {
    case 'effect':
      return `effect ${f.effect}${f.op === null ? '' : ` (${f.op})`} failed: ${f.error.kind}: ${f.error.message}`;
    case 'malformed-output':
      return `malformed output from ${f.effect}: ${f.error}`;
    case 'cap-denied':
      return `capability denied: ${f.op} ${brief(f.detail, 60)}${where(f)}`;
    case 'budget-exhausted':
      return `budget exhausted: ${f.limit}`;
    case 'lease-refused':
      return `lease ${f.resource} refused: ${f.reason}`;
    case 'failed':
      return `failed: ${reasonText(f.reason)}${where(f)}`;
  }
}

function effects(ins: Inspection): string[] {
  const e = ins.effects;
  const rows = [['op', 'requested', 'ok', 'failed', 'cancelled', 'discarded', 'pending']];
  for (const c of e.byOp) rows.push([c.op, String(c.requested), String(c.ok), String(c.failed), String(c.cancelled), String(c.discarded), String(c.pending)]);
  const scripted = e.scriptedReplies > 0 ? ` (scripted counts: ${e.scriptedReplies} replies are scripted)` : '';
  const lines = ['effects', ...(e.byOp.length === 0 ? ['  none requested'] : table(rows))];
  const tools = e.byOp.find((c) => c.op === 'tool')?.requested ?? 0;
  lines.push(`  model calls ${e.modelCalls}, tokens ${e.tokens}${scripted}; tool calls ${tools}; tool calls asked for by model replies ${e.toolCallsAsked}`);
  if (e.failures.length === 0) lines.push('failures: none');
  else lines.push(`failures (${e.failures.length})`, ...table(e.failures.map((f) => [`seq ${f.seq}`, f.pid, failureText(f)])));
  return lines;
}

function result(ins: Inspection): string[] {
  const r = ins.result;
  if (r.seq === null) return ['result: unfinished (the log has no run.finished)'];
  const rows: string[][] = [];
  if (r.output !== undefined) rows.push(['output', brief(r.output, 200)]);
  if (r.reason !== undefined) rows.push(['reason', brief(r.reason, 200)]);
  return [`result: ${r.status} at seq ${r.seq}`, ...table(rows)];
}

/** The inspection as aligned sections of text, under a title (the run's id or directory). */
export function renderInspection(ins: Inspection, title: string): string {
  const sections = [header(ins, title), processes(ins), tasks(ins), messages(ins), artifacts(ins), budgets(ins), effects(ins), result(ins)];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
