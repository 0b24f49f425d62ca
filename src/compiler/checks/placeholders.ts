// placeholder-unbound and placeholder-type in tool declarations: every argv placeholder names a
// param, an enum param lists its values, and when argv has a "--" separator every path param
// comes after it (so a path starting with "-" cannot be read as an option).
import type { ToolDecl } from '../../generated/workflow.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { join } from '../pointer.js';
import type { CheckContext } from './context.js';
import { suggestionHints } from './unknown.js';

function paramPointers(tool: ToolDecl, at: string): Map<string, { pointer: string; type: string }> {
  const params = new Map<string, { pointer: string; type: string }>();
  tool.params?.forEach((p, j) => {
    if (!params.has(p.name)) params.set(p.name, { pointer: join(at, 'params', j, 'name'), type: p.type });
  });
  return params;
}

function argvProblems(tool: ToolDecl, at: string, out: Diagnostic[]): void {
  const params = paramPointers(tool, at);
  const separator = tool.argv.indexOf('--');
  tool.argv.forEach((item, j) => {
    if (typeof item === 'string') return;
    const param = params.get(item.param);
    if (!param) {
      out.push(
        diagnostic('placeholder-unbound', {
          pointer: join(at, 'argv', j, 'param'),
          message: `placeholder $${item.param} of tool "${tool.name}" has no param`,
          hints: suggestionHints(item.param, params),
          params: { name: item.param },
        }),
      );
    } else if (param.type === 'path' && j < separator) {
      out.push(
        diagnostic('placeholder-type', {
          pointer: join(at, 'argv', j),
          message: `path param "${item.param}" comes before "--" in argv; put paths after it, so one starting with "-" is not read as an option`,
        }),
      );
    }
  });
}

function paramProblems(tool: ToolDecl, at: string, out: Diagnostic[]): void {
  tool.params?.forEach((p, j) => {
    if (p.type === 'enum' && (p.values ?? []).length === 0) {
      out.push(diagnostic('placeholder-type', { pointer: join(at, 'params', j), message: `enum param "${p.name}" lists no values` }));
    }
  });
}

export function checkToolPlaceholders(ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  ctx.ast.tools?.forEach((tool, i) => {
    const at = join('', 'tools', i);
    argvProblems(tool, at, out);
    paramProblems(tool, at, out);
  });
  return out;
}
