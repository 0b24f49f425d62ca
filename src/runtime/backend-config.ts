// Which model backend a run uses: command-line flags first, then AOS_LLM_BACKEND, AOS_LLM_BASE_URL,
// AOS_LLM_MODEL and AOS_LLM_API_KEY, else the workflow's scripted default (`NAME.script.json`
// beside the workflow), which runs offline. The environment is checked with zod, and a value it
// refuses is named in the error. A resumed run goes on with the backend and script it began with.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { AosError } from '../bytecode/errors.js';
import { sha256Hex } from '../bytecode/hash.js';
import type { InferenceBackend } from '../drivers/inference.js';
import { loadScript, ScriptedBackend } from '../drivers/scripted.js';
import type { BackendInfo, BackendScript } from '../generated/event.js';

export const BACKEND_NAMES = ['scripted', 'openai-compatible', 'ollama', 'replay'] as const;

/** The settings of a live backend, which none but a named backend reads. */
const LIVE_SETTINGS = ['AOS_LLM_BASE_URL', 'AOS_LLM_MODEL', 'AOS_LLM_API_KEY'] as const;

const environment = z.object({
  AOS_LLM_BACKEND: z.enum(BACKEND_NAMES).optional(),
  AOS_LLM_BASE_URL: z.url().optional(),
  AOS_LLM_MODEL: z.string().min(1).optional(),
  AOS_LLM_API_KEY: z.string().min(1).optional(),
});

/**
 * environment: an AOS_LLM_* value is invalid. no-backend: settings of a live backend are given,
 * but no backend is named. unknown-backend: no backend has that name. unavailable: the backend
 * is not in this version. no-script: the scripted backend's script is missing.
 * script-changed: the script a resumed run began with is not the same file any more.
 */
export type BackendConfigProblem = 'environment' | 'no-backend' | 'unknown-backend' | 'unavailable' | 'no-script' | 'script-changed';

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
  /** The scripted backend's script as `run.started` records it. */
  readonly script?: BackendScript;
}

export interface BackendFlags {
  readonly backend?: string;
  readonly script?: string;
}

/** The scripted default of a workflow: `docs-merge.aos` → `docs-merge.script.json` beside it. */
export function defaultScript(workflowFile: string): string {
  return join(dirname(workflowFile), `${basename(workflowFile).replace(/\.(aos|json)$/, '')}.script.json`);
}

type Settings = z.infer<typeof environment>;

/**
 * The backend when nothing names one: the scripted default, unless a live backend's settings are
 * given — a run that quietly ran on scripted replies would then not be the run they asked for.
 */
function unnamed(settings: Settings): 'scripted' {
  const given = LIVE_SETTINGS.filter((name) => settings[name] !== undefined);
  if (given.length > 0) {
    throw new BackendConfigError('no-backend', `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set, but no backend is named: set AOS_LLM_BACKEND (or --backend) to the backend ${given.length === 1 ? 'it is' : 'they are'} for, or unset ${given.length === 1 ? 'it' : 'them'} to run on the workflow's scripted default`);
  }
  return 'scripted';
}

function settingsOf(env: Readonly<Record<string, string | undefined>>): Settings {
  const parsed = environment.safeParse(Object.fromEntries(Object.keys(environment.shape).map((k) => [k, env[k] === '' ? undefined : env[k]])));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendConfigError('environment', `${String(issue?.path[0] ?? 'AOS_LLM_*')}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const secretsOf = (settings: Settings): string[] => (settings.AOS_LLM_API_KEY === undefined ? [] : [settings.AOS_LLM_API_KEY]);

/** The scripted backend on the script at path, which the run records by its path from the workflow's folder and its hash. */
function scripted(workflowFile: string, path: string, description: string, secrets: readonly string[]): BackendChoice {
  const backend = new ScriptedBackend(loadScript(path));
  const script = { path: relative(dirname(resolve(workflowFile)), resolve(path)).split(sep).join('/'), sha256: sha256Hex(readFileSync(path)) };
  return { backend, description, scripted: true, script, secrets };
}

export function chooseBackend(workflowFile: string, flags: BackendFlags, env: Readonly<Record<string, string | undefined>>): BackendChoice {
  const settings = settingsOf(env);
  const name = flags.backend ?? (flags.script !== undefined ? 'scripted' : settings.AOS_LLM_BACKEND) ?? unnamed(settings);
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new BackendConfigError('unknown-backend', `unknown backend ${JSON.stringify(name)}: expected one of ${BACKEND_NAMES.join(', ')}`);
  if (name !== 'scripted') throw new BackendConfigError('unavailable', `the ${name} backend is not available in this version; use --backend scripted --script FILE`);
  const explicit = flags.script !== undefined || flags.backend !== undefined || settings.AOS_LLM_BACKEND !== undefined;
  const script = flags.script ?? defaultScript(workflowFile);
  if (!existsSync(script)) throw new BackendConfigError('no-script', `no script ${JSON.stringify(script)}: give one with --script FILE`);
  const description = explicit ? `scripted, from ${script}` : `scripted, offline: no AOS_LLM_* settings and no --backend, so the workflow's scripted default ${script}`;
  return scripted(workflowFile, script, description, secretsOf(settings));
}

/**
 * The backend a resumed run goes on with: the scripted backend on the script its `run.started`
 * recorded, found from the workflow's folder, and refused when its bytes have changed, since the
 * replies still to come would then not be the ones the run began with. `--backend` or `--script`
 * choose instead, as for `aos run`; so does a run that recorded no script.
 */
export function resumeBackend(recorded: BackendInfo | null, workflowFile: string, flags: BackendFlags, env: Readonly<Record<string, string | undefined>>): BackendChoice {
  const recordedScript = recorded?.script;
  if (flags.backend !== undefined || flags.script !== undefined || recordedScript === undefined) return chooseBackend(workflowFile, flags, env);
  const path = join(dirname(workflowFile), recordedScript.path);
  if (!existsSync(path)) throw new BackendConfigError('no-script', `the run's script ${JSON.stringify(path)} is missing: put it back, or give another with --script FILE`);
  const now = sha256Hex(readFileSync(path));
  if (now !== recordedScript.sha256) {
    throw new BackendConfigError('script-changed', `the run's script ${path} has changed since the run began (sha256 ${recordedScript.sha256.slice(0, 12)} then, ${now.slice(0, 12)} now): put it back, or resume with --script FILE to answer from another`);
  }
  return scripted(workflowFile, path, `scripted, from ${path}, the script the run began with`, secretsOf(settingsOf(env)));
}
