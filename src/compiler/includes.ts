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

export const noFiles: CompileHost = { readFile: () => undefined };

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

export function loadIncludes(ast: Workflow, host: CompileHost): { includes: Includes; diagnostics: Diagnostic[] } {
  const includes = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const ref of includeRefs(ast)) {
    const problem = portablePathProblem(ref.path);
    if (problem) {
      diagnostics.push(diagnostic('include-path', { pointer: ref.pointer, message: `${ref.what} file "${ref.path}" ${problem}` }));
      continue;
    }
    if (includes.has(ref.path)) continue;
    const text = host.readFile(ref.path);
    if (text === undefined) {
      diagnostics.push(diagnostic('include-missing', { pointer: ref.pointer, message: `${ref.what} file "${ref.path}" cannot be read` }));
      continue;
    }
    if (ref.what === 'schema') {
      try {
        JSON.parse(text);
      } catch (e) {
        diagnostics.push(
          diagnostic('include-missing', {
            pointer: ref.pointer,
            message: `schema file "${ref.path}" is not valid JSON: ${(e as Error).message}`,
          }),
        );
        continue;
      }
    }
    includes.set(ref.path, text);
  }
  return { includes, diagnostics };
}
