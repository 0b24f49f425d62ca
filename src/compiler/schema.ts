// The schema pass: the AST against schemas/workflow.schema.json (ajv, draft 2020-12), as
// `schema` diagnostics with JSON pointers — one per problem, with oneOf's noise filtered out.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import workflowSchema from '../../schemas/workflow.schema.json' with { type: 'json' };
import type { Diagnostic } from './diagnostics.js';
import { schemaDiagnostic } from './schema-messages.js';

let compiled: ValidateFunction | undefined;

/** Compiled on first use: a process that never validates never pays for it. */
function validator(): ValidateFunction {
  // verbose: errors carry their parent schema (titles, known properties) and the data found.
  compiled ??= new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false, verbose: true }).compile(workflowSchema);
  return compiled;
}

function isWithin(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(base + '/');
}

/**
 * Drops what only restates another error. For a oneOf (an expression, an argv item), every
 * alternative the value's type rules out reports a type error at the value: those go, and the
 * oneOf's own summary goes too when the alternative that fits the type explains the failure
 * (an object with a known kind reports that kind's errors only). A missing discriminator tag is
 * reported once, as a missing required property.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const oneOf of errors) {
    if (oneOf.keyword !== 'oneOf') continue;
    for (const e of errors) if (e !== oneOf && e.keyword === 'type' && e.instancePath === oneOf.instancePath) dropped.add(e);
    if (errors.some((e) => e !== oneOf && !dropped.has(e) && isWithin(e.instancePath, oneOf.instancePath))) dropped.add(oneOf);
  }
  const missingTags = new Set(errors.filter((e) => e.keyword === 'required').map((e) => `${e.instancePath}/${String(e.params.missingProperty)}`));
  return errors.filter((e) => !dropped.has(e) && !(e.keyword === 'discriminator' && missingTags.has(`${e.instancePath}/${String(e.params.tag)}`)));
}

/** Schema diagnostics for ast, in ajv's (deterministic) order; empty when it conforms. */
export function validateSchema(ast: unknown): Diagnostic[] {
  const validate = validator();
  if (validate(ast)) return [];
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of relevant(validate.errors ?? [])) {
    const d = schemaDiagnostic(error);
    const key = `${d.pointer}\u0000${d.atKey === true}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
