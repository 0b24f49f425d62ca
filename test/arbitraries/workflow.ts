// Random schema-valid workflows for property tests: every declaration kind, agents with
// programs, every statement and expression kind, bounded depth. `workflowArb` draws names
// freely (most references dangle); `wellFormedWorkflowArb` resolves them (resolve.ts), so
// that many of its workflows compile.
import fc from 'fast-check';
import type { Workflow } from '../../src/generated/workflow.js';
import { blockArb, namedArgsArb } from './statements.js';
import { exprArb } from './expressions.js';
import { countArb, decimalArb, durationArb, intArb, nameArb, namesArb, nonEmptyTextArb, plain, textArb } from './primitives.js';
import { resolveNames } from './resolve.js';

/** How deep blocks nest in main and in agent programs. */
const BLOCK_DEPTH = 3;

type Rec = Record<string, fc.Arbitrary<unknown>>;

function rec(model: Rec, required: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(model, { requiredKeys: required, ...plain });
}

/** A declaration list: absent, or one to `max` entries (the DSL has no form for an empty one). */
function some<T>(arb: fc.Arbitrary<T>, max = 3): fc.Arbitrary<T[]> {
  return fc.array(arb, { minLength: 1, maxLength: max });
}

const jsonLeafArb: fc.Arbitrary<unknown> = fc.oneof(textArb, intArb, decimalArb, fc.boolean(), fc.constant(null));

function jsonArb(depth: number): fc.Arbitrary<unknown> {
  let arb = jsonLeafArb;
  for (let d = 1; d <= depth; d++) {
    arb = fc.oneof(jsonLeafArb, fc.array(arb, { maxLength: 3 }), fc.dictionary(textArb, arb, { maxKeys: 3, ...plain }));
  }
  return arb;
}

const modelArb = rec({ name: nameArb, id: nonEmptyTextArb, temperature: decimalArb, maxTokens: countArb, context: countArb }, ['name', 'id']);

const paramArb = fc.oneof(
  rec({ name: nameArb, type: fc.constant('path'), mount: nonEmptyTextArb }, ['name', 'type']),
  rec({ name: nameArb, type: fc.constant('enum'), values: fc.array(textArb, { maxLength: 3 }) }, ['name', 'type', 'values']),
  rec({ name: nameArb, type: fc.constantFrom('int', 'string') }, ['name', 'type']),
);

const toolArb = rec(
  {
    name: nameArb,
    description: textArb,
    argv: fc.array(fc.oneof(textArb, fc.record({ param: nameArb }, plain)), { minLength: 1, maxLength: 4 }),
    params: some(paramArb),
    timeout: durationArb,
    outputCap: countArb,
    env: fc.array(textArb, { maxLength: 2 }),
    cwd: nonEmptyTextArb,
    idempotent: fc.boolean(),
  },
  ['name', 'argv'],
);

const artifactArb = fc.oneof(
  rec({ name: nameArb }, ['name']),
  rec({ name: nameArb, schema: fc.dictionary(textArb, jsonArb(2), { maxKeys: 4, ...plain }) }, ['name', 'schema']),
  rec({ name: nameArb, schemaFile: nonEmptyTextArb }, ['name', 'schemaFile']),
);

const mountArb = rec(
  { kind: fc.constantFrom('scratch', 'shared', 'reference', 'overlay'), path: nonEmptyTextArb, source: textArb, over: nonEmptyTextArb },
  ['kind', 'path'],
);

const capsArb = rec(
  {
    spawn: namesArb,
    send: namesArb,
    topics: fc.array(nonEmptyTextArb, { maxLength: 2 }),
    tools: namesArb,
    leases: fc.array(nonEmptyTextArb, { maxLength: 2 }),
    signal: fc.constantFrom('descendants', 'any'),
  },
  [],
);

const restartArb = fc.constantFrom('permanent', 'transient', 'temporary');

const agentArb = rec(
  {
    name: nameArb,
    extends: nameArb,
    role: fc.constantFrom('planner', 'worker', 'evaluator', 'reviewer', 'custom'),
    model: nameArb,
    prompt: textArb,
    promptFile: nonEmptyTextArb,
    tools: namesArb,
    mounts: some(mountArb),
    caps: capsArb,
    budget: rec({ turns: countArb, tokens: countArb, time: durationArb }, []),
    restart: restartArb,
    retry: nameArb,
    supervisor: nameArb,
    program: blockArb(BLOCK_DEPTH),
  },
  ['name'],
);

const verificationArb = fc.oneof(rec({ agent: nameArb }, ['agent']), rec({ tool: nameArb, args: namedArgsArb(exprArb(2)) }, ['tool']));

const taskArb = rec(
  { name: nameArb, owner: nameArb, description: textArb, inputs: namesArb, produces: namesArb, verify: verificationArb, retry: nameArb },
  ['name', 'owner'],
);

const supervisorArb = rec(
  { name: nameArb, strategy: fc.constantFrom('one_for_one', 'one_for_all', 'rest_for_one'), restart: restartArb, intensity: countArb, period: durationArb },
  ['name', 'strategy'],
);

const retryArb = rec(
  {
    name: nameArb,
    attempts: countArb,
    backoff: durationArb,
    factor: countArb,
    maxBackoff: durationArb,
    on: fc.array(fc.constantFrom('malformed_output', 'tool_failure', 'timeout', 'rejected', 'crash'), { maxLength: 3 }),
  },
  ['name', 'attempts'],
);

/** Any schema-valid workflow the DSL can express. */
export const workflowArb: fc.Arbitrary<Workflow> = rec(
  {
    workflow: nameArb,
    version: nonEmptyTextArb,
    models: some(modelArb),
    tools: some(toolArb),
    artifacts: some(artifactArb),
    agents: some(agentArb),
    tasks: some(taskArb),
    supervisors: some(supervisorArb, 2),
    retries: some(retryArb, 2),
    main: rec({ supervisor: nameArb, body: blockArb(BLOCK_DEPTH, 6) }, ['body']),
  },
  ['workflow', 'version', 'main'],
) as unknown as fc.Arbitrary<Workflow>;

/** Workflows whose names resolve and whose bounds are sane, so that compiles often succeed. */
export const wellFormedWorkflowArb: fc.Arbitrary<Workflow> = workflowArb.map(resolveNames);
