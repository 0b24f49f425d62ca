// placeholder-option: an int placeholder in a tool's argv that a program could read as an option.
// An int may be negative, and `ls -1` lists one name a line where `ls -- -1` lists a file named
// -1: a value the model chooses must not turn into a flag. Strings may not start with "-" and paths
// are absolute, so only ints can; enum values are the author's own. An int is safe after "--", or
// right after an option item ("-n", $count), whose value it is.
import type { ToolDecl } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';

/** The value of the item before it is that option's argument (`"-n", $count`). */
function followsOption(argv: ToolDecl['argv'], index: number): boolean {
  const before = argv[index - 1];
  return typeof before === 'string' && before.startsWith('-');
}

function toolProblems(tool: ToolDecl, at: string, out: Diagnostic[]): void {
  const ints = new Set((tool.params ?? []).filter((p) => p.type === 'int').map((p) => p.name));
  const separator = tool.argv.indexOf('--');
  tool.argv.forEach((item, j) => {
    if (typeof item === 'string' || !ints.has(item.param) || (separator >= 0 && separator < j) || followsOption(tool.argv, j)) return;
    out.push(
      diagnostic('placeholder-option', {
        pointer: join(at, 'argv', j),
        message: `int param "${item.param}" of tool "${tool.name}" can be negative, and a program reads a value like -1 here as an option; put "--" before it, or give it as an option's value ("-n", $${item.param})`,
        params: { name: item.param },
      }),
    );
  });
}

export function checkPlaceholderOptions(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  ctx.ast.tools?.forEach((tool, i) => toolProblems(tool, join('', 'tools', i), out));
  return out;
}
