// The CST types in src/compiler/dsl/cst.generated.ts come from the grammar. This test fails when
// they are stale; `npx vitest run test/compiler/dsl/cst-types.test.ts --update` rewrites them.
import { generateCstDts } from 'chevrotain';
import { expect, test } from 'vitest';
import { grammarProductions } from '../../../src/compiler/dsl/parser.js';

const HEADER = `// Generated from the grammar (parser.ts and its layers) by test/compiler/dsl/cst-types.test.ts;
// run that test with --update to rewrite it. Do not edit. Every child is optional: error
// recovery can leave any of them out.
`;

function cstTypes(): string {
  const dts = generateCstDts(grammarProductions(), { includeVisitorInterface: false });
  return (
    HEADER +
    dts
      .replace('import type { CstNode, ICstVisitor, IToken } from "chevrotain";', "import type { CstNode, IToken } from 'chevrotain';")
      .replace(/^( {2}(?!name: "|children: )\w+): /gm, '$1?: ')
  );
}

test('the CST types match the grammar', async () => {
  await expect(cstTypes()).toMatchFileSnapshot('../../../src/compiler/dsl/cst.generated.ts');
});
