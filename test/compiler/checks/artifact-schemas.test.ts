import { describe, expect, it } from 'vitest';
import type { ArtifactDecl } from '../../../src/generated/workflow.js';
import { found, workflow } from './helpers.js';

const withArtifacts = (artifacts: ArtifactDecl[]) => workflow({ artifacts });

describe('invalid-artifact-schema', () => {
  it('reports an inline schema that does not compile', () => {
    const ds = found(withArtifacts([{ name: 'facts', schema: { type: 'objekt' } }]), 'invalid-artifact-schema');
    expect(ds).toEqual([expect.objectContaining({ severity: 'error', pointer: '/artifacts/0/schema', message: expect.stringContaining('the schema of artifact "facts" is not a valid JSON Schema: ') })]);
  });

  it('reports an unknown keyword, such as a misspelt one', () => {
    const ds = found(withArtifacts([{ name: 'facts', schema: { type: 'object', requierd: ['x'] } }]), 'invalid-artifact-schema');
    expect(ds.map((d) => d.message)).toEqual([expect.stringContaining('requierd')]);
  });

  it('reports a schema file that does not compile, at the file name', () => {
    const includes = new Map([['schemas/facts.json', '{"$ref": "#/$defs/missing"}']]);
    const ds = found(withArtifacts([{ name: 'facts', schemaFile: 'schemas/facts.json' }]), 'invalid-artifact-schema', includes);
    expect(ds.map((d) => d.pointer)).toEqual(['/artifacts/0/schemaFile']);
    expect(ds[0]?.message).toMatch(/^the schema file "schemas\/facts.json" of artifact "facts" is not a valid JSON Schema: .*missing/);
  });

  it('reports an artifact with both an inline schema and a file', () => {
    const ds = found(withArtifacts([{ name: 'facts', schema: {}, schemaFile: 'f.json' }]), 'invalid-artifact-schema');
    expect(ds.map((d) => [d.pointer, d.message])).toEqual([['/artifacts/0/schemaFile', 'artifact "facts" has both an inline schema and a schema file; keep one']]);
  });

  it('accepts valid schemas, shared $ids, formats, boolean files, and leaves missing files to include-missing', () => {
    const schema = { $id: 'https://example.com/facts', type: 'object', properties: { at: { type: 'string', format: 'date-time' } } };
    const includes = new Map([['t.json', 'true']]);
    const ast = withArtifacts([{ name: 'a', schema }, { name: 'b', schema: { ...schema } }, { name: 'c', schemaFile: 't.json' }, { name: 'd', schemaFile: 'missing.json' }, { name: 'e' }]);
    expect(found(ast, 'invalid-artifact-schema', includes)).toEqual([]);
  });
});

describe('invalid-artifact-schema: what the meta-schema cannot see', () => {
  const problemOf = (schema: Record<string, unknown>): string | undefined =>
    found(withArtifacts([{ name: 'facts', schema }]), 'invalid-artifact-schema')[0]?.message;

  it('finds a misspelt keyword deep inside subschemas, with its location', () => {
    expect(problemOf({ type: 'object', properties: { a: { items: { minimun: 1 } } } })).toMatch(/unknown keyword "minimun" at \/properties\/a\/items/);
  });

  it('accepts local references to $defs and anchors, and rejects dangling or remote ones', () => {
    expect(problemOf({ $defs: { n: { type: 'number' } }, properties: { a: { $ref: '#/$defs/n' } } })).toBeUndefined();
    expect(problemOf({ $defs: { n: { $anchor: 'num', type: 'number' } }, properties: { a: { $ref: '#num' } } })).toBeUndefined();
    expect(problemOf({ properties: { a: { $ref: '#/$defs/nope' } } })).toMatch(/resolves to nothing/);
    expect(problemOf({ properties: { a: { $ref: '#nope' } } })).toMatch(/names no \$anchor/);
    expect(problemOf({ $ref: 'https://example.com/s.json' })).toMatch(/self-contained/);
  });
});
