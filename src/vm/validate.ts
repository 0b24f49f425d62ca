// JSON Schema validation of values a program or a model hands the kernel (artifact contents,
// structured model replies, tool arguments), with one compiled validator per schema constant.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonValue } from '../bytecode/json.js';

interface Compiled {
  readonly ajv: Ajv2020;
  readonly validators: Map<number, ValidateFunction>;
}

/**
 * Compiling a schema costs far more than a short run, so every run of one bytecode shares its
 * validators; they are pure functions of the schema and go away with the bytecode's constants.
 */
const compiledByConstants = new WeakMap<readonly JsonValue[], Compiled>();

export class SchemaValidator {
  private readonly compiled: Compiled;

  constructor(private readonly constants: readonly JsonValue[]) {
    let compiled = compiledByConstants.get(constants);
    if (compiled === undefined) {
      compiled = { ajv: new Ajv2020({ strict: false, allErrors: false, allowUnionTypes: true }), validators: new Map() };
      compiledByConstants.set(constants, compiled);
    }
    this.compiled = compiled;
  }

  /** Undefined when the value conforms to the schema at constant `index`; else what is wrong and where. */
  problem(index: number, value: JsonValue): string | undefined {
    const { ajv, validators } = this.compiled;
    let validate = validators.get(index);
    if (validate === undefined) {
      validate = ajv.compile(this.constants[index] as object);
      validators.set(index, validate);
    }
    return validate(value) ? undefined : describe(validate.errors ?? []);
  }
}

function describe(errors: readonly ErrorObject[]): string {
  const first = errors[0];
  if (first === undefined) return 'the value does not match its schema';
  const at = first.instancePath === '' ? 'the value' : `at ${first.instancePath}`;
  return `${at}: ${first.message ?? 'does not match its schema'}`;
}
