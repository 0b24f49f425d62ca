// docs/language.md stays true to the compiler: every example in it compiles without errors, the
// JSON-form example is exactly the AST of the DSL example before it, and every diagnostic rule is
// listed. A floor on the number of examples keeps them from being dropped silently.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileSource, parseSource, type CompileHost, type CompileResult } from '../../src/compiler/index.js';
import { RULES } from '../../src/compiler/rules.js';
import { RESERVED_WORDS } from '../../src/compiler/dsl/tokens.js';

const root = resolve(import.meta.dirname, '../..');
const docPath = join(root, 'docs/language.md');
const doc = readFileSync(docPath, 'utf8');

/** Examples name the prompt and schema files shipped with the workflows. */
const workflowsHost: CompileHost = {
  readFile(relativePath) {
    try {
      return readFileSync(join(root, 'workflows', relativePath), 'utf8');
    } catch {
      return undefined;
    }
  },
};

type ExampleKind = 'aos' | 'aos fragment' | 'aos decls' | 'json';

interface Example {
  kind: ExampleKind;
  /** 1-based line of the opening fence in docs/language.md. */
  line: number;
  code: string;
}

const KINDS: readonly string[] = ['aos', 'aos fragment', 'aos decls', 'json'];

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every fenced block whose info string starts with aos or is json, in document order. */
function extractExamples(markdown: string): Example[] {
  const fence = /^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm;
  const examples: Example[] = [];
  for (const m of markdown.matchAll(fence)) {
    const info = (m[1] as string).trim();
    if (info !== 'json' && !info.startsWith('aos')) continue;
    examples.push({ kind: info as ExampleKind, line: lineAt(markdown, m.index), code: m[2] as string });
  }
  return examples;
}

/** The complete workflow source the test compiles for an example, and its file name. */
function sourceOf(example: Example): { text: string; file: string } {
  switch (example.kind) {
    case 'aos':
      return { text: example.code, file: 'example.aos' };
    case 'aos fragment':
      return { text: `workflow example version "1"\nmain {\n${example.code}}\n`, file: 'example.aos' };
    case 'aos decls':
      return { text: `workflow example version "1"\n${example.code}main {\n}\n`, file: 'example.aos' };
    case 'json':
      return { text: example.code, file: 'example.json' };
  }
}

function compileExample(example: Example): CompileResult {
  const { text, file } = sourceOf(example);
  return compileSource(text, file, workflowsHost);
}

function describeErrors(result: CompileResult): string[] {
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.span ? `${d.span.start.line}:${d.span.start.col}` : d.pointer}: ${d.message} [${d.rule}]`);
}

const examples = extractExamples(doc);

describe('docs/language.md examples', () => {
  it('has at least 40 examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(40);
  });

  it('marks every example with a known kind', () => {
    const unknown = examples.filter((e) => !KINDS.includes(e.kind)).map((e) => `line ${e.line}: \`\`\`${e.kind}`);
    expect(unknown).toEqual([]);
  });

  it('has examples of every kind', () => {
    expect(new Set(examples.map((e) => e.kind))).toEqual(new Set(KINDS));
  });

  it.each(examples.filter((e) => KINDS.includes(e.kind)).map((e) => [`line ${e.line} (${e.kind})`, e] as const))(
    'the example at %s compiles without errors',
    (_label, example) => {
      const result = compileExample(example);
      expect(describeErrors(result)).toEqual([]);
      expect(result.bytecode).toBeDefined();
    },
  );
});

describe('the JSON-form section', () => {
  it('shows the exact AST of the DSL example before it, which compiles to the same code', () => {
    const jsonIndex = examples.findIndex((e) => e.kind === 'json');
    const dsl = examples[jsonIndex - 1];
    const json = examples[jsonIndex];
    expect(dsl?.kind).toBe('aos');
    if (!dsl || !json) return;
    expect(JSON.parse(json.code)).toEqual(parseSource(dsl.code, 'example.aos').ast);
    const fromDsl = compileExample(dsl).bytecode;
    const fromJson = compileExample(json).bytecode;
    expect(fromJson?.codeHash).toBe(fromDsl?.codeHash);
  });
});

describe('the diagnostics table', () => {
  it('lists every rule id once, with its severity', () => {
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]]);
    const expected = Object.entries(RULES).map(([id, info]) => [id, info.severity]);
    expect(rows).toEqual(expected);
  });
});

describe('the reserved words section', () => {
  it('lists exactly the words the lexer reserves', () => {
    const section = doc.slice(doc.indexOf('## Reserved words'), doc.indexOf('## Limits'));
    const block = /```text\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(block.split(/\s+/).filter((w) => w !== '').sort()).toEqual([...RESERVED_WORDS].sort());
  });
});
