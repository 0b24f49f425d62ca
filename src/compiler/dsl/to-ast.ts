// CST → AST for a whole file: the header, declarations grouped by kind in source order, and
// `main`. Fills the source map as it goes (see AstBuilder); a partial CST gives a partial AST.
import type { Workflow } from '../../generated/workflow.js';
import { agentDecl } from './agent.js';
import type { AstBuilder } from './builder.js';
import type { FileCstNode, MainDeclCstNode } from './cst.generated.js';
import { artifactDecl, modelDecl, retryDecl, supervisorDecl, taskDecl, toolDecl } from './declarations.js';
import { block } from './statements.js';

type Built = Partial<Record<keyof Workflow, unknown>>;

/** Builds each node of a kind into ast[key], at /key/i; an absent kind leaves no key. */
function group<N>(b: AstBuilder, ast: Built, key: keyof Workflow, nodes: N[] | undefined, build: (b: AstBuilder, node: N, pointer: string) => unknown): void {
  if (!nodes) return;
  const out: unknown[] = [];
  for (let i = 0; i < nodes.length; i++) out.push(build(b, nodes[i] as N, `/${key}/${i}`));
  ast[key] = out;
}

function mainDecl(b: AstBuilder, node: MainDeclCstNode): Workflow['main'] {
  const c = node.children;
  b.at('/main', node);
  const supervisor = c.supervisor?.[0];
  const body = c.body?.[0];
  if (!supervisor) return { body: block(b, body, '/main/body') };
  return { supervisor: b.name(supervisor, b.keyAt('/main/supervisor', c.Supervisor?.[0])), body: block(b, body, '/main/body') };
}

export function buildWorkflow(b: AstBuilder, cst: FileCstNode): Workflow {
  const c = cst.children;
  const keyword = c.Workflow?.[0];
  const version = c.version?.[0];
  b.at('', keyword, version);
  const ast: Built = {
    workflow: b.name(c.name?.[0], b.keyAt('/workflow', keyword)),
    version: b.string(version, b.keyAt('/version', c.Version?.[0])),
  };
  group(b, ast, 'models', c.modelDecl, modelDecl);
  group(b, ast, 'tools', c.toolDecl, toolDecl);
  group(b, ast, 'artifacts', c.artifactDecl, artifactDecl);
  group(b, ast, 'agents', c.agentDecl, agentDecl);
  group(b, ast, 'tasks', c.taskDecl, taskDecl);
  group(b, ast, 'supervisors', c.supervisorDecl, supervisorDecl);
  group(b, ast, 'retries', c.retryDecl, retryDecl);
  const [main, ...extra] = c.mainDecl ?? [];
  if (main) ast.main = mainDecl(b, main);
  for (const again of extra) {
    b.report('duplicate-name', 'a workflow has one main block; this is a second', '/main', again.children.Main?.[0], {
      hints: [{ message: 'the first main block', pointer: '/main' }],
    });
  }
  return ast as Workflow;
}
