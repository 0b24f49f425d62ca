// The keywords of JSON Schema 2020-12 (core, applicator, unevaluated, validation, meta-data,
// format-annotation and content vocabularies), and where subschemas sit. The meta-schema
// allows any extra keyword, so a typo such as "requried" would pass it silently: this walk
// finds such keywords.
import { isObject } from '../../bytecode/json.js';

/** Keywords whose value is one subschema. */
const SUBSCHEMA = new Set(['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema']);
/** Keywords whose value maps names to subschemas. */
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);
/** Keywords whose value is a list of subschemas. */
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

const OTHER = [
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', '$comment',
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains',
  'maxProperties', 'minProperties', 'required', 'dependentRequired',
  'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples',
  'format', 'contentEncoding', 'contentMediaType',
];

const KNOWN = new Set([...SUBSCHEMA, ...SUBSCHEMA_MAP, ...SUBSCHEMA_LIST, ...OTHER]);

function resolvePointer(root: unknown, fragment: string): boolean {
  let node = root;
  for (const raw of fragment.split('/').slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) node = node[token];
    else if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < node.length) node = node[Number(token)];
    else return false;
  }
  return true;
}

/** Why a $ref cannot be resolved inside the schema itself (artifact schemas are self-contained), or undefined. */
function refProblem(root: unknown, ref: string, anchors: ReadonlySet<string>): string | undefined {
  if (!ref.startsWith('#')) return `$ref "${ref}" points outside the schema; artifact schemas must be self-contained`;
  if (ref === '#' || ref.startsWith('#/')) return resolvePointer(root, ref.slice(1)) ? undefined : `$ref "${ref}" resolves to nothing`;
  return anchors.has(ref.slice(1)) ? undefined : `$ref "${ref}" names no $anchor`;
}

/**
 * The first problem the meta-schema cannot see: an unknown keyword (with its JSON pointer
 * inside the schema, in document order), or a $ref that resolves to nothing. Iterative.
 */
export function schemaStructureProblem(schema: unknown): string | undefined {
  const refs: string[] = [];
  const anchors = new Set<string>();
  const stack: [unknown, string][] = [[schema, '']];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [unknown, string];
    if (!isObject(node)) continue;
    const pending: [unknown, string][] = [];
    for (const key of Object.keys(node)) {
      if (!KNOWN.has(key)) return `unknown keyword "${key}" at ${at === '' ? 'the top level' : at}`;
      if (key === '$ref' && typeof node[key] === 'string') refs.push(node[key] as string);
      if ((key === '$anchor' || key === '$dynamicAnchor') && typeof node[key] === 'string') anchors.add(node[key] as string);
      const value = node[key];
      const here = `${at}/${key}`;
      if (SUBSCHEMA.has(key)) pending.push([value, here]);
      else if (SUBSCHEMA_MAP.has(key) && isObject(value)) for (const name of Object.keys(value)) pending.push([value[name], `${here}/${name}`]);
      else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) value.forEach((v, i) => pending.push([v, `${here}/${i}`]));
    }
    for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i] as [unknown, string]);
  }
  for (const ref of refs) {
    const problem = refProblem(schema, ref, anchors);
    if (problem) return problem;
  }
  return undefined;
}
