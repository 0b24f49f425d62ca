// Which model backend a run uses: command-line flags first, then AOS_LLM_BACKEND, AOS_LLM_BASE_URL,
// AOS_LLM_MODEL and AOS_LLM_API_KEY, else the workflow's scripted default (`NAME.script.json`
// beside the workflow), which runs offline. The environment is checked with zod, and a value it
// refuses is named in the error.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { AosError } from '../bytecode/errors.js';
import type { InferenceBackend } from '../drivers/inference.js';
import { loadScript, ScriptedBackend } from '../drivers/scripted.js';

export const BACKEND_NAMES = ['scripted', 'openai-compatible', 'ollama', 'replay'] as const;

const environment = z.object({
  AOS_LLM_BACKEND: z.enum(BACKEND_NAMES).optional(),
  AOS_LLM_BASE_URL: z.url().optional(),
  AOS_LLM_MODEL: z.string().min(1).optional(),
  AOS_LLM_API_KEY: z.string().min(1).optional(),
});

/**
 * environment: an AOS_LLM_* value is invalid. unknown-backend: no backend has that name.
 * unavailable: the backend is not in this version. no-script: the scripted backend's script is missing.
 */
export type BackendConfigProblem = 'environment' | 'unknown-backend' | 'unavailable' | 'no-script';

/** The backend settings name no backend this run can use; its code is `backend-config.<problem>`. */
export class BackendConfigError extends AosError {
  constructor(problem: BackendConfigProblem, message: string) {
    super(`backend-config.${problem}`, message);
  }
}

export interface BackendChoice {
  readonly backend: InferenceBackend;
  readonly scripted: boolean;
  /** Says how it was chosen, for the run's summary. */
  readonly description: string;
  /** Values that must never reach the log. */
  readonly secrets: readonly string[];
}

export interface BackendFlags {
  readonly backend?: string;
  readonly script?: string;
}

/** The scripted default of a workflow: `docs-merge.aos` → `docs-merge.script.json` beside it. */
export function defaultScript(workflowFile: string): string {
  return join(dirname(workflowFile), `${basename(workflowFile).replace(/\.(aos|json)$/, '')}.script.json`);
}

export function chooseBackend(workflowFile: string, flags: BackendFlags, env: Readonly<Record<string, string | undefined>>): BackendChoice {
  const parsed = environment.safeParse(Object.fromEntries(Object.keys(environment.shape).map((k) => [k, env[k] === '' ? undefined : env[k]])));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendConfigError('environment', `${String(issue?.path[0] ?? 'AOS_LLM_*')}: ${issue?.message ?? 'invalid'}`);
  }
  const settings = parsed.data;
  const name = flags.backend ?? (flags.script !== undefined ? 'scripted' : settings.AOS_LLM_BACKEND) ?? 'scripted';
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new BackendConfigError('unknown-backend', `unknown backend ${JSON.stringify(name)}: expected one of ${BACKEND_NAMES.join(', ')}`);
  const secrets = settings.AOS_LLM_API_KEY === undefined ? [] : [settings.AOS_LLM_API_KEY];
  if (name !== 'scripted') throw new BackendConfigError('unavailable', `the ${name} backend is not available in this version; use --backend scripted --script FILE`);
  const explicit = flags.script !== undefined || flags.backend !== undefined || settings.AOS_LLM_BACKEND !== undefined;
  const script = flags.script ?? defaultScript(workflowFile);
  if (!existsSync(script)) throw new BackendConfigError('no-script', `no script ${JSON.stringify(script)}: give one with --script FILE`);
  const description = explicit ? `scripted, from ${script}` : `scripted, offline: no AOS_LLM_* settings and no --backend, so the workflow's scripted default ${script}`;
  return { backend: new ScriptedBackend(loadScript(script)), description, scripted: true, secrets };
}
