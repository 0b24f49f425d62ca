// The DSL front end produces documents of schemas/workflow.schema.json, with object keys in the
// schema's property order: the form the JSON front end reads.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { AGENT_ORDER, BUDGET_ORDER, CAPS_ORDER } from '../../../src/compiler/dsl/agent.js';
import { MODEL_ORDER, RETRY_ORDER, SUPERVISOR_ORDER, TASK_ORDER, TOOL_ORDER } from '../../../src/compiler/dsl/declarations.js';
import { parseClean } from './helpers.js';

interface Schema {
  $ref?: string;
  oneOf?: Schema[];
  type?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  $defs?: Record<string, Schema>;
}

const schema = JSON.parse(readFileSync(new URL('../../../schemas/workflow.schema.json', import.meta.url), 'utf8')) as Schema;
const defs = schema.$defs ?? {};
const validate = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false }).compile(schema);

function resolve(s: Schema): Schema {
  return s.$ref ? resolve(defs[s.$ref.replace('#/$defs/', '')] ?? {}) : s;
}

/** The oneOf branch a value belongs to: by JSON type, then by its `kind`. */
function branch(s: Schema, value: unknown): Schema | undefined {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const kind = (value as { kind?: unknown } | null)?.kind;
  for (const option of (s.oneOf ?? []).map(resolve)) {
    if (option.oneOf) {
      const inner = branch(option, value);
      if (inner) return inner;
    } else if (option.type === type || (option.type === 'integer' && type === 'number')) {
      if (!option.properties?.['kind'] || option.properties['kind'].const === kind || option.properties['kind'].enum?.includes(kind)) return option;
    }
  }
  return undefined;
}

/** Pointers of objects whose keys are not in the schema's property order. */
function misordered(value: unknown, at: Schema, pointer = ''): string[] {
  let s = resolve(at);
  if (s.oneOf) s = branch(s, value) ?? {};
  if (Array.isArray(value)) return value.flatMap((v, i) => (s.items ? misordered(v, s.items, `${pointer}/${i}`) : []));
  if (value === null || typeof value !== 'object' || !s.properties) return [];
  const order = Object.keys(s.properties);
  const keys = Object.keys(value);
  const positions = keys.map((k) => order.indexOf(k));
  const bad = positions.some((p, i) => i > 0 && p < (positions[i - 1] ?? -1)) ? [pointer] : [];
  const properties = s.properties;
  return [...bad, ...keys.flatMap((k) => (properties[k] ? misordered((value as Record<string, unknown>)[k], properties[k], `${pointer}/${k}`) : []))];
}

test("each declaration's key order is the schema's property order", () => {
  const order = (def: string) => Object.keys(defs[def]?.properties ?? {});
  expect(MODEL_ORDER).toEqual(order('model'));
  expect(TOOL_ORDER).toEqual(order('tool'));
  expect(AGENT_ORDER).toEqual(order('agent'));
  expect(CAPS_ORDER).toEqual(order('caps'));
  expect(BUDGET_ORDER).toEqual(order('budget'));
  expect(TASK_ORDER).toEqual(order('task'));
  expect(SUPERVISOR_ORDER).toEqual(order('supervisor'));
  expect(RETRY_ORDER).toEqual(order('retry'));
});

const everything = `workflow all version "0.1"
model m { context 8192 max_tokens 512 temperature 0.5 id "x" }
tool t { env ["HOME"] output_cap 1kb timeout 5s param p path in "/w" param e enum ["a"] argv ["run", $p, $e] description "d" cwd "/w" }
artifact a1 schema file "a.json"
artifact a2 schema { "type": "object" }
agent base { role custom }
agent coder extends base {
  run {
    let s = ask "plan" with { n: 1 } returns a2
    set s = spawn helper task k with s
    let c = call helper task k with 1 timeout 1m
    let o = exec t { p: "/w/x", e: "a" }
    let m = recv from helper timeout 1s
    let r = await s timeout 2s
    let l = acquire "lock" ttl 1s timeout 2s
    let at = attach a2 { ok: true }
    let rd = read "/w/x"
    let v = verify k with rd
    send helper [1, 2.5, "three", null, false]
    publish "topic" not (a and b or c)
    subscribe "topic"
    signal s pause
    renew l ttl 3s
    release l
    sleep 10ms
    checkpoint { step: 1 }
    write "/w/y" rd lease l
    if a == 1 { exit } else if b != 2 { exit 2 } else { fail "no" }
    parallel { branch { exit } branch { checkpoint } }
    loop i max 2 until i >= 2 { checkpoint i }
  }
  supervisor sup retry r restart permanent budget { time 1m tokens 10 turns 1 }
  caps { signal descendants leases ["lock"] tools [t] topics ["topic"] send [helper] spawn [helper] }
  mount overlay "/w" over "/src" mount reference "/src" from "src"
  tools [t] prompt "you code" model m
}
agent helper { prompt file "helper.md" }
task k { retry r verify by tool t { p: "/w/z", e: "a" } produces [a2] inputs [a1] description "k" owner helper }
supervisor sup { period 1s intensity 1 restart transient strategy rest_for_one }
retry r { on [crash] max_backoff 1s factor 2 backoff 1ms attempts 2 }
main supervisor sup { let z = call coder task k }
`;

test('the order check catches a misordered object, however deep', () => {
  expect(misordered({ workflow: 'w', main: { body: [] }, version: '1' }, schema)).toEqual(['']);
  const loop = { kind: 'loop', body: [], max: 1 };
  expect(misordered({ workflow: 'w', version: '1', main: { body: [{ kind: 'exit', value: { kind: 'not', arg: { kind: 'list', items: [loop] } } }, loop] } }, schema)).toEqual(['/main/body/1']);
  expect(misordered({ workflow: 'w', version: '1', main: { body: [{ kind: 'exit', value: { kind: 'cmp', left: 1, op: '==', right: 2 } }] } }, schema)).toEqual(['/main/body/0/value']);
});

describe('the AST is a schema-valid document in schema key order', () => {
  test('a workflow using every construct', () => {
    const ast = parseClean(everything);
    expect(validate(ast) ? [] : validate.errors).toEqual([]);
    expect(misordered(ast, schema)).toEqual([]);
  });

  const dir = new URL('../../../workflows/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.aos'))) {
    test(`workflows/${file}`, () => {
      const ast = parseClean(readFileSync(new URL(file, dir), 'utf8'));
      expect(validate(ast) ? [] : validate.errors).toEqual([]);
      expect(misordered(ast, schema)).toEqual([]);
    });
  }
});
