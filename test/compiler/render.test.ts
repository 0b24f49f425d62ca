import { describe, expect, it } from 'vitest';
import { hintText, jsonDiagnostics, renderJson, renderSummary, renderText } from '../../src/compiler/render.js';
import { diagnostic, type Diagnostic } from '../../src/compiler/diagnostics.js';
import { LineIndex } from '../../src/compiler/source-map.js';
import { parseJsonWorkflow } from '../../src/compiler/json/index.js';

/** A diagnostic located in text, the way the compiler's locate step leaves it. */
function located(d: Diagnostic, file: string, text: string, start: number, end: number): Diagnostic {
  return { ...d, file, span: new LineIndex(text).span(start, end) };
}

const triage = [
  'workflow triage version "1.0.0"',
  '',
  'model default { id "m" }',
  '',
  '// The agent the call below misspells:',
  '  agent summarizer {',
  '    role worker',
  '  }',
  '',
  'main {',
  '  let a = 1',
  '  let b = 2',
  '  if a == b {',
  '    call sumarizer with "merge the notes"',
  '  }',
  '}',
].join('\n');

describe('text output', () => {
  it('matches the documented shape: location, source line, underline, hint', () => {
    const lines = new LineIndex(triage);
    const declaration = triage.indexOf('agent summarizer');
    const at = triage.indexOf('sumarizer');
    const d = located(
      diagnostic('unknown-agent', {
        pointer: '/main/body/2/then/0/agent',
        message: 'agent "sumarizer" is not declared',
        hints: [{ message: 'did you mean "summarizer"?', span: lines.span(declaration, declaration + 'agent summarizer'.length) }],
      }),
      'workflows/triage.aos',
      triage,
      at,
      at + 'sumarizer'.length,
    );
    expect(renderText([d], triage)).toBe(
      [
        'workflows/triage.aos:14:10: error: agent "sumarizer" is not declared [unknown-agent]',
        '   |',
        '14 |     call sumarizer with "merge the notes"',
        '   |          ^~~~~~~~~',
        '   = hint: did you mean "summarizer" (declared at 6:3)?',
      ].join('\n'),
    );
  });

  it('renders front-end diagnostics end to end, separated by a blank line', () => {
    const text = '{\n  "a": 9007199254740993,\n  "a": 1\n}';
    const { diagnostics } = parseJsonWorkflow(text, 'w.json');
    for (const d of diagnostics) d.file = 'w.json';
    expect(renderText(diagnostics, text)).toBe(
      [
        'w.json:2:8: error: integer 9007199254740993 is not a safe integer (beyond ±9007199254740991, it would be rounded to 9007199254740992) [unsafe-integer]',
        '  |',
        '2 |   "a": 9007199254740993,',
        '  |        ^~~~~~~~~~~~~~~~',
        '',
        'w.json:3:3: error: duplicate key "a" [duplicate-key]',
        '  |',
        '3 |   "a": 1',
        '  |   ^~~',
        '  = hint: first defined at 2:3',
      ].join('\n'),
    );
  });

  it('keeps tabs under the caret so it lines up with the source', () => {
    const text = '\tcall\t"x"';
    const start = text.indexOf('"x"');
    const d = located(diagnostic('syntax-error', { pointer: '', message: 'bad' }), 'a.aos', text, start, start + 3);
    expect(renderText([d], text).split('\n').slice(2)).toEqual(['1 | \tcall\t"x"', '  | \t    \t^~~']);
  });

  it('sizes the gutter to wide line numbers', () => {
    const text = 'x\n'.repeat(1233) + 'let y = z\n';
    const start = text.lastIndexOf('z');
    const d = located(diagnostic('unknown-variable', { pointer: '', message: 'no z' }), 'big.aos', text, start, start + 1);
    expect(renderText([d], new LineIndex(text))).toBe(
      ['big.aos:1234:9: error: no z [unknown-variable]', '     |', '1234 | let y = z', '     |         ^'].join('\n'),
    );
  });

  it('underlines to the end of the line when the span continues on the next', () => {
    const text = 'a = """\nmore\n"""';
    const d = located(diagnostic('syntax-error', { pointer: '', message: 'm' }), 'a.aos', text, 4, text.length);
    expect(renderText([d], text).split('\n')[3]).toBe('  |     ^~~');
  });

  it('puts a caret after the last character for a span at the end of a line', () => {
    const text = '{"a": 1';
    const { diagnostics } = parseJsonWorkflow(text, 'w.json');
    expect(renderText(diagnostics, text).split('\n').slice(2)).toEqual(['1 | {"a": 1', '  |        ^']);
  });

  it('shows only the header and hints without a span or source', () => {
    const d = diagnostic('schema', { pointer: '', message: 'whole file', hints: [{ message: 'fix it' }] });
    expect(renderText([{ ...d, file: 'f.json' }])).toBe('f.json: error: whole file [schema]\n  = hint: fix it');
  });
});

describe('hint locations', () => {
  const span = { start: { line: 6, col: 3, offset: 40 }, end: { line: 6, col: 9, offset: 46 } };

  it('names a suggestion\'s declaration, before the closing punctuation', () => {
    expect(hintText({ message: 'did you mean "x"?', span })).toBe('did you mean "x" (declared at 6:3)?');
  });

  it('names any other place plainly, at the end', () => {
    expect(hintText({ message: 'the other mount is here', span })).toBe('the other mount is here (at 6:3)');
    expect(hintText({ message: 'the process ends here.', span })).toBe('the process ends here (at 6:3).');
  });

  it('is not repeated when the message already names it, nor added without a span', () => {
    expect(hintText({ message: 'first defined at 6:3', span })).toBe('first defined at 6:3');
    expect(hintText({ message: 'did you mean "x"?' })).toBe('did you mean "x"?');
  });
});

it('summarises errors and warnings', () => {
  const error = diagnostic('unknown-agent', { pointer: '', message: 'e' });
  const warning = diagnostic('unused-agent', { pointer: '', message: 'w' });
  expect(renderSummary([error, error, warning])).toBe('2 errors, 1 warning');
  expect(renderSummary([error])).toBe('1 error');
  expect(renderSummary([warning, warning])).toBe('2 warnings');
  expect(renderSummary([])).toBe('no problems');
});

describe('JSON output', () => {
  const text = '{\n  "name": "a",\n  "name": "b"\n}';
  const { diagnostics } = parseJsonWorkflow(text, 'w.json');
  for (const d of diagnostics) d.file = 'w.json';

  it('has the documented fields in a stable order, with hint locations', () => {
    const [out] = jsonDiagnostics(diagnostics);
    expect(out).toEqual({
      file: 'w.json',
      severity: 'error',
      rule: 'duplicate-key',
      message: 'duplicate key "name"',
      pointer: '/name',
      start: { line: 3, col: 3 },
      end: { line: 3, col: 9 },
      hints: [{ message: 'first defined at 2:3', start: { line: 2, col: 3 }, end: { line: 2, col: 9 } }],
    });
    expect(Object.keys(out as object)).toEqual(['file', 'severity', 'rule', 'message', 'pointer', 'start', 'end', 'hints']);
  });

  it('leaves out start and end when a diagnostic has no span', () => {
    const [out] = jsonDiagnostics([diagnostic('schema', { pointer: '/x', message: 'm', hints: [{ message: 'h' }] })]);
    expect(out).toEqual({ file: '<input>', severity: 'error', rule: 'schema', message: 'm', pointer: '/x', hints: [{ message: 'h' }] });
  });

  it('renders as a JSON array that parses back to the same objects', () => {
    expect(JSON.parse(renderJson(diagnostics))).toEqual(jsonDiagnostics(diagnostics));
  });
});
