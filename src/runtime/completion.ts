// The completion report of a run (completion.json, schemas/completion.schema.json, and its
// readable twin completion.md): how main ended, what the run produced, how each task was verified,
// what each agent handed off and what every process spent — read off the kernel at the end.
import { canonicalJson } from '../bytecode/canonical.js';
import { sha256Hex } from '../bytecode/hash.js';
import type { Bytecode } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import type { CompletionReport, ProcessSummary } from '../generated/completion.js';
import type { Kernel } from '../vm/kernel.js';

export const COMPLETION_JSON = 'completion.json';
export const COMPLETION_MD = 'completion.md';

export interface CompletionInput {
  readonly bytecode: Bytecode;
  readonly kernel: Kernel;
  readonly seed: string;
  readonly backend: { readonly name: string; readonly scripted: boolean };
  readonly events: number;
  readonly head: string;
  readonly blob: (hash: string) => string | undefined;
}

const limit = (n: number): number | null => (Number.isFinite(n) ? n : null);

export function completionReport(input: CompletionInput): CompletionReport {
  const { kernel } = input;
  const result = kernel.result;
  const core = kernel.core;
  const report: CompletionReport = {
    artifacts: core.artifacts.all().map((a) => ({
      hash: a.hash,
      id: a.id,
      incarnation: a.incarnation,
      inputs: [...a.inputs],
      kind: a.kind,
      producer: a.producer,
      size: a.size,
      verdicts: a.verdicts.map((v) => ({ by: v.by, passed: v.passed })),
    })),
    backend: { ...input.backend },
    codeHash: input.bytecode.codeHash,
    events: input.events,
    format: 'aos-completion',
    handoffs: core.artifacts
      .all()
      .filter((a) => a.kind === 'handoff')
      .map((a) => {
        const text = input.blob(a.hash);
        return { artifact: a.id, handoff: text === undefined ? null : (JSON.parse(text) as JsonValue), process: a.producer };
      }),
    head: input.head,
    processes: [...core.processes.values()].map((p): ProcessSummary => {
      const summary: ProcessSummary = {
        incarnations: p.incarnation,
        kind: p.kind,
        name: p.name,
        status: p.final ? (p.exit?.status ?? 'unknown') : p.state,
        time: p.budget.used.time,
        tokens: p.budget.used.tokens,
        turns: p.budget.used.turns,
      };
      if (p.kind === 'agent') summary.budget = { time: limit(p.budget.limit.time), tokens: limit(p.budget.limit.tokens), turns: limit(p.budget.limit.turns) };
      return summary;
    }),
    seed: input.seed,
    status: result === null ? 'unfinished' : result.status === 'timeout' ? 'failed' : result.status,
    tasks: core.tasks.all().map((t) => {
      const task = { artifacts: [...t.artifacts], id: t.id, owner: t.owner, state: t.state, task: input.bytecode.code.tasks[t.task]?.name ?? String(t.task) };
      return t.verdict === null ? task : { ...task, verdict: t.verdict };
    }),
    version: 1,
    workflow: { ...input.bytecode.workflow },
  };
  if (result !== null && (result.status === 'ok' || result.status === 'unverified')) {
    report.output = result.output;
    report.outputHash = sha256Hex(canonicalJson(result.output));
  }
  if (result?.reason !== undefined) report.reason = result.reason;
  return report;
}

/** The report as completion.json holds it. */
export function completionJson(report: CompletionReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function cell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return (text.length > 80 ? `${text.slice(0, 77)}...` : text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The report as Markdown, for people. */
export function completionMarkdown(report: CompletionReport): string {
  const lines = [
    `# Run of ${report.workflow.name} ${report.workflow.version}: ${report.status}`,
    '',
    `- Backend: ${report.backend.name}${report.backend.scripted ? ' (scripted: no model produced these replies)' : ''}`,
    `- Seed: ${report.seed}; code hash ${report.codeHash}`,
    `- Log: ${report.events} events, head ${report.head}`,
  ];
  if (report.output !== undefined) lines.push(`- Output (sha256 ${report.outputHash ?? ''}): \`${cell(report.output)}\``);
  if (report.reason !== undefined) lines.push(`- Reason: \`${cell(report.reason)}\``);
  lines.push('', '## Tasks', '', '| id | task | owner | state | verdict |', '| ---: | --- | --- | --- | --- |');
  for (const t of report.tasks) lines.push(`| ${t.id} | ${t.task} | ${t.owner} | ${t.state} | ${t.verdict === undefined ? '' : cell(t.verdict)} |`);
  lines.push('', '## Artifacts', '', '| id | kind | producer | sha256 | verdicts |', '| ---: | --- | --- | --- | --- |');
  for (const a of report.artifacts) lines.push(`| ${a.id} | ${a.kind} | ${a.producer} (incarnation ${a.incarnation}) | ${a.hash.slice(0, 16)}… | ${a.verdicts.map((v) => `${v.by}: ${v.passed ? 'passed' : 'rejected'}`).join(', ')} |`);
  lines.push('', '## Handoffs', '');
  for (const h of report.handoffs) lines.push(`- ${h.process} (artifact ${h.artifact}): \`${cell(h.handoff)}\``);
  lines.push('', '## Processes', '', `| process | status | incarnations | turns | tokens${report.backend.scripted ? ' (scripted)' : ''} | time ms | budget |`, '| --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const p of report.processes) lines.push(`| ${p.name} | ${p.status} | ${p.incarnations} | ${p.turns} | ${p.tokens} | ${p.time} | ${p.budget === undefined || p.budget === null ? '' : `${p.budget.turns ?? '∞'} turns, ${p.budget.tokens ?? '∞'} tokens, ${p.budget.time ?? '∞'} ms`} |`);
  return `${lines.join('\n')}\n`;
}
