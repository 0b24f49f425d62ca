// invalid-artifact-schema: an artifact's schema, inline or from its schema file, must be a valid
// JSON Schema 2020-12 (its meta-schema) with no unknown keyword, since the kernel validates
// artifacts against it and a misspelt keyword would otherwise check nothing.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ArtifactDecl } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { includedSchema } from '../includes.js';
import { join } from '../pointer.js';
import { schemaStructureProblem } from './schema-keywords.js';
import type { CheckContext } from './context.js';

/** One validator of schemas for the process: the meta-schema is compiled once, on first use. */
let metaValidator: Ajv2020 | undefined;

/** Why the schema is not a valid JSON Schema 2020-12, or undefined when it is. */
function schemaProblem(schema: unknown): string | undefined {
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) return 'a schema is an object or a boolean';
  metaValidator ??= new Ajv2020({ validateFormats: false, logger: false });
  if (!metaValidator.validateSchema(schema)) return `schema is invalid: ${metaValidator.errorsText(metaValidator.errors)}`;
  return schemaStructureProblem(schema);
}

function schemaOf(artifact: ArtifactDecl, at: string, ctx: CheckContext): { schema: unknown; pointer: string; what: string } | undefined {
  if (artifact.schema !== undefined) return { schema: artifact.schema, pointer: join(at, 'schema'), what: 'schema' };
  if (artifact.schemaFile === undefined) return undefined;
  const schema = includedSchema(ctx.includes, artifact.schemaFile);
  // A missing or unparsable file is already reported as include-missing.
  if (schema === undefined) return undefined;
  return { schema, pointer: join(at, 'schemaFile'), what: `schema file "${artifact.schemaFile}"` };
}

export function checkArtifactSchemas(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  ctx.ast.artifacts?.forEach((artifact, i) => {
    const at = join('', 'artifacts', i);
    if (artifact.schema !== undefined && artifact.schemaFile !== undefined) {
      out.push(diagnostic('invalid-artifact-schema', { pointer: join(at, 'schemaFile'), message: `artifact "${artifact.name}" has both an inline schema and a schema file; keep one` }));
      return;
    }
    const found = schemaOf(artifact, at, ctx);
    const problem = found && schemaProblem(found.schema);
    if (found && problem) {
      out.push(diagnostic('invalid-artifact-schema', { pointer: found.pointer, message: `the ${found.what} of artifact "${artifact.name}" is not a valid JSON Schema: ${problem}` }));
    }
  });
  return out;
}
