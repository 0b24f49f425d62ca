// Reads a .aosb.json document and refuses anything the kernel should not run: another format
// or version, a shape outside schemas/bytecode.schema.json, a code hash that does not match
// the code, or code that breaks the structural rules of check-tables and check-procedure.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schemas/bytecode.schema.json' with { type: 'json' };
import { AosError } from './errors.js';
import { BYTECODE_FORMAT, BYTECODE_VERSION, type Bytecode } from './format.js';
import { codeHash } from './hash.js';
import { tableProblems } from './check-tables.js';
import { procedureProblems } from './check-procedure.js';

export type BytecodeFormatProblem = 'json' | 'format' | 'version' | 'schema' | 'hash' | 'structure';

/** The document is not bytecode this reader accepts; `problem` says which check refused it, the code is `bytecode.<problem>`. */
export class BytecodeFormatError extends AosError {
  constructor(
    readonly problem: BytecodeFormatProblem,
    message: string,
  ) {
    super(`bytecode.${problem}`, message);
  }
}

let validator: ValidateFunction | undefined;

function validate(document: unknown): ErrorObject[] {
  validator ??= new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true }).compile(schema);
  return validator(document) ? [] : (validator.errors ?? []);
}

function checkEnvelope(document: unknown): void {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new BytecodeFormatError('format', 'bytecode must be a JSON object');
  }
  const { format, version } = document as Record<string, unknown>;
  if (format !== BYTECODE_FORMAT) {
    throw new BytecodeFormatError('format', `not AOS bytecode: format is ${JSON.stringify(format)}, expected "${BYTECODE_FORMAT}"`);
  }
  if (version !== BYTECODE_VERSION) {
    throw new BytecodeFormatError('version', `bytecode format version ${JSON.stringify(version)} is not supported: this reader reads version ${BYTECODE_VERSION}`);
  }
}

/** Checks an already parsed document; returns it typed, or throws BytecodeFormatError. */
export function checkBytecode(document: unknown): Bytecode {
  checkEnvelope(document);
  const errors = validate(document);
  if (errors.length > 0) {
    const first = errors[0] as ErrorObject;
    throw new BytecodeFormatError('schema', `bytecode does not match schemas/bytecode.schema.json: ${first.instancePath || '/'} ${first.message ?? 'is invalid'}`);
  }
  const bytecode = document as Bytecode;
  const computed = codeHash(bytecode.code);
  if (computed !== bytecode.codeHash) {
    throw new BytecodeFormatError('hash', `code hash mismatch: the document records ${bytecode.codeHash}, its code hashes to ${computed}`);
  }
  const problems = tableProblems(bytecode);
  for (let i = 0; i < bytecode.code.procedures.length && problems.length === 0; i++) problems.push(...procedureProblems(bytecode.code, i));
  if (problems.length > 0) {
    throw new BytecodeFormatError('structure', `malformed bytecode: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
  }
  return bytecode;
}

/** Parses and checks a .aosb.json text. */
export function readBytecode(text: string): Bytecode {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new BytecodeFormatError('json', `bytecode is not valid JSON: ${(e as Error).message}`);
  }
  return checkBytecode(document);
}
