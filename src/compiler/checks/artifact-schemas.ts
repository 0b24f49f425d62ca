// invalid-artifact-schema: an artifact's schema, inline or from its schema file, must compile
// as a JSON Schema (draft 2020-12), since the kernel validates artifacts against it. Equal
// schemas are compiled once, and only when some artifact has one.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ArtifactDecl } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';

class SchemaCompiler {
  private ajv: Ajv2020 | undefined;
  private readonly verdicts = new Map<string, string | undefined>();

  /** Why the schema does not compile, or undefined when it does. */
  problem(schema: unknown): string | undefined {
    const key = JSON.stringify(schema);
    if (this.verdicts.has(key)) return this.verdicts.get(key);
    const verdict = this.compile(schema);
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private compile(schema: unknown): string | undefined {
    // Formats are left to the kernel's validator; unknown keywords are errors, since a typo such as "require" would otherwise pass silently.
    this.ajv ??= new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: false, logger: false });
    if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) return 'a schema is an object or a boolean';
    try {
      this.ajv.compile(schema);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    } finally {
      // Schemas with an $id stay registered after compiling; drop them so two artifacts may share one.
      if (typeof schema === 'object') this.ajv.removeSchema(schema as object);
    }
  }
}

function schemaOf(artifact: ArtifactDecl, at: string, ctx: CheckContext): { schema: unknown; pointer: string; what: string } | undefined {
  if (artifact.schema !== undefined) return { schema: artifact.schema, pointer: join(at, 'schema'), what: 'schema' };
  if (artifact.schemaFile === undefined) return undefined;
  const text = ctx.includes.get(artifact.schemaFile);
  // A missing or unparsable file is already reported as include-missing.
  if (text === undefined) return undefined;
  return { schema: JSON.parse(text) as unknown, pointer: join(at, 'schemaFile'), what: `schema file "${artifact.schemaFile}"` };
}

export function checkArtifactSchemas(ctx: CheckContext): Diagnostic[] {
  const compiler = new SchemaCompiler();
  const out: Diagnostic[] = [];
  ctx.ast.artifacts?.forEach((artifact, i) => {
    const at = join('', 'artifacts', i);
    if (artifact.schema !== undefined && artifact.schemaFile !== undefined) {
      out.push(diagnostic('invalid-artifact-schema', { pointer: join(at, 'schemaFile'), message: `artifact "${artifact.name}" has both an inline schema and a schema file; keep one` }));
      return;
    }
    const found = schemaOf(artifact, at, ctx);
    const problem = found && compiler.problem(found.schema);
    if (found && problem) {
      out.push(diagnostic('invalid-artifact-schema', { pointer: found.pointer, message: `the ${found.what} of artifact "${artifact.name}" is not a valid JSON Schema: ${problem}` }));
    }
  });
  return out;
}
