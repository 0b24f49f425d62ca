// JSON Schema validation of values a program or a model hands the kernel (artifact contents,
// structured model replies, tool arguments), with one compiled validator per schema constant.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonValue } from './json.js';

export class SchemaValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, allowUnionTypes: true });
  private readonly compiled = new Map<number, ValidateFunction>();

  constructor(private readonly constants: readonly JsonValue[]) {}

  /** Undefined when the value conforms to the schema at constant `index`; else what is wrong and where. */
  problem(index: number, value: JsonValue): string | undefined {
    let validate = this.compiled.get(index);
    if (validate === undefined) {
      validate = this.ajv.compile(this.constants[index] as object);
      this.compiled.set(index, validate);
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
