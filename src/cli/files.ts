// Finding workflow files and reading them for the compiler: the only place aosc touches the disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AosError } from '../bytecode/errors.js';
import type { CompileHost } from '../compiler/index.js';

/** A mistake in how the command was called (code `usage`, exit 2), as opposed to a problem in a workflow. */
export class UsageError extends AosError {
  constructor(message: string) {
    super('usage', message);
  }
}

export function readSource(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Includes (prompt and schema files) are read relative to the workflow's folder. */
export function fileHost(workflowFile: string): CompileHost {
  const base = dirname(resolve(workflowFile));
  return {
    readFile(relativePath: string): string | undefined {
      try {
        return readFileSync(join(base, relativePath), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** A JSON file in a folder counts as a workflow when its top-level object has a "workflow" key. */
function isJsonWorkflow(file: string): boolean {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'workflow' in value;
  } catch {
    return false;
  }
}

function walk(folder: string, out: string[]): void {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.name.endsWith('.aos')) out.push(path);
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.aosb.json') && isJsonWorkflow(path)) out.push(path);
  }
}

/** Named files are taken as they are; folders are searched for .aos files and JSON workflows. */
export function collectWorkflowFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (isDir) walk(p, files);
    else files.push(p);
  }
  if (files.length === 0) throw new UsageError(`no workflow files found in ${paths.join(', ')}`);
  return files;
}
