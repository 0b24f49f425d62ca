// One run, start to end: its directory (`manifest.json`, `workflow.aosb.json`, `events.jsonl`,
// `blobs/`, `workspace/`), the live host driving the kernel, and the completion report written
// when the run ends. Nothing in the directory depends on the machine it was made on.
import { join, resolve } from 'node:path';
import { canonicalJson } from '../bytecode/hash.js';
import type { Bytecode } from '../bytecode/format.js';
import type { JsonValue } from '../bytecode/json.js';
import { Workspace } from '../drivers/files.js';
import type { InferenceBackend } from '../drivers/inference.js';
import type { CompletionReport } from '../generated/completion.js';
import { nodeFs, replaceFile } from '../replay/durable-fs.js';
import { RunLog } from '../replay/log-writer.js';
import type { Kernel, StepOutput } from '../vm/kernel.js';
import { completionMarkdown, completionReport } from './completion.js';
import { runLive } from './live-host.js';

export interface RunRequest {
  readonly bytecode: Bytecode;
  readonly runDir: string;
  readonly workflowDir: string;
  readonly seed: string;
  readonly input: JsonValue;
  readonly backend: InferenceBackend;
  readonly scripted: boolean;
  readonly orderedCompletions: boolean;
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  readonly secrets: readonly string[];
  readonly observe?: (kernel: Kernel, output: StepOutput) => void;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

export async function run(request: RunRequest): Promise<CompletionReport> {
  const log = await RunLog.create(request.runDir);
  try {
    await replaceFile(nodeFs, join(request.runDir, 'workflow.aosb.json'), encode(`${canonicalJson(request.bytecode)}\n`));
    const workspace = await Workspace.create(join(request.runDir, 'workspace'));
    const live = await runLive({
      backend: request.backend,
      bytecode: request.bytecode,
      hostEnv: request.hostEnv,
      hostPaths: [{ host: resolve(request.runDir), standIn: '<run>' }],
      input: request.input,
      log,
      options: { orderedCompletions: request.orderedCompletions },
      secrets: request.secrets,
      seed: request.seed,
      workflowDir: request.workflowDir,
      workspace,
      ...(request.observe === undefined ? {} : { observe: request.observe }),
    });
    const report = completionReport({
      backend: { name: request.backend.name, scripted: request.scripted },
      blob: (hash) => {
        const content = live.blobs.get(hash);
        return content === undefined || typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
      },
      bytecode: request.bytecode,
      events: log.count,
      head: log.head,
      kernel: live.kernel,
      seed: request.seed,
    });
    await replaceFile(nodeFs, join(request.runDir, 'completion.json'), encode(`${JSON.stringify(report, null, 2)}\n`));
    await replaceFile(nodeFs, join(request.runDir, 'completion.md'), encode(completionMarkdown(report)));
    return report;
  } finally {
    await log.close();
  }
}
