// Prompt and schema files named by a workflow are read once, up front, through the host, so
// that checks can report missing ones and the emitter can inline them into the constant pool:
// a compiled workflow depends on no file.
import type { Workflow } from '../generated/workflow.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { join } from './pointer.js';

/** File access for includes, relative to the workflow's folder. Supplied by the caller (the CLI reads the disk). */
export interface CompileHost {
  readFile(relativePath: string): string | undefined;
}

/** Included file contents by the path written in the workflow. */
export type Includes = ReadonlyMap<string, string>;

interface IncludeRef {
  path: string;
  pointer: string;
  what: 'prompt' | 'schema';
}

function includeRefs(ast: Workflow): IncludeRef[] {
  const refs: IncludeRef[] = [];
  ast.agents?.forEach((a, i) => {
    if (a.promptFile !== undefined) refs.push({ path: a.promptFile, pointer: join('', 'agents', i, 'promptFile'), what: 'prompt' });
  });
  ast.artifacts?.forEach((a, i) => {
    if (a.schemaFile !== undefined) refs.push({ path: a.schemaFile, pointer: join('', 'artifacts', i, 'schemaFile'), what: 'schema' });
  });
  return refs;
}

function portablePathProblem(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return 'is absolute; include paths are relative to the workflow so a compile gives the same bytes on every machine';
  if (path.includes('\\')) return 'uses a backslash; use / as the separator';
  if (path.includes('\0')) return 'contains a NUL byte';
  return undefined;
}

/** Why text is not JSON, or undefined when it is. */
function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Reads each file once, however many references name it; every bad reference is reported. */
export function loadIncludes(ast: Workflow, host: CompileHost): { includes: Includes; diagnostics: Diagnostic[] } {
  const read = new Map<string, string | undefined>();
  const includes = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const ref of includeRefs(ast)) {
    const problem = portablePathProblem(ref.path);
    if (problem) {
      diagnostics.push(diagnostic('include-path', { pointer: ref.pointer, message: `${ref.what} file "${ref.path}" ${problem}` }));
      continue;
    }
    if (!read.has(ref.path)) read.set(ref.path, host.readFile(ref.path));
    const text = read.get(ref.path);
    if (text === undefined) {
      diagnostics.push(diagnostic('include-missing', { pointer: ref.pointer, message: `${ref.what} file "${ref.path}" cannot be read` }));
      continue;
    }
    const notJson = ref.what === 'schema' ? jsonProblem(text) : undefined;
    if (notJson !== undefined) {
      diagnostics.push(diagnostic('include-missing', { pointer: ref.pointer, message: `schema file "${ref.path}" is not valid JSON: ${notJson}` }));
      continue;
    }
    includes.set(ref.path, text);
  }
  return { includes, diagnostics };
}

/**
 * The parsed content of an included schema file, or undefined when there is none to use: the
 * file was missing, or is not JSON (loadIncludes reported it; it may still be loaded as a prompt).
 */
export function includedSchema(includes: Includes, path: string): unknown {
  const text = includes.get(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
