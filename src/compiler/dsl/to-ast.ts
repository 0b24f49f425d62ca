// CST → AST for a whole file: the header, declarations grouped by kind in source order, and
// `main`. Fills the source map as it goes (see AstBuilder); a partial CST gives a partial AST.
import type { Workflow } from '../../generated/workflow.js';
import { agentDecl } from './agent.js';
import type { AstBuilder } from './builder.js';
import type {
  AgentDeclCstNode, ArtifactDeclCstNode, DeclarationsCstChildren, FileCstNode, MainDeclCstNode, ModelDeclCstNode, RetryDeclCstNode,
  SupervisorDeclCstNode, TaskDeclCstNode, ToolDeclCstNode,
} from './cst.generated.js';
import { artifactDecl, modelDecl, retryDecl, supervisorDecl, taskDecl, toolDecl } from './declarations.js';
import { block } from './statements.js';

type Built = Partial<Record<keyof Workflow, unknown>>;
type DeclarationNode = ModelDeclCstNode | ToolDeclCstNode | ArtifactDeclCstNode | AgentDeclCstNode | TaskDeclCstNode | SupervisorDeclCstNode | RetryDeclCstNode | MainDeclCstNode;

function mainDecl(b: AstBuilder, node: MainDeclCstNode): Workflow['main'] {
  const c = node.children;
  b.at('/main', node);
  const supervisor = c.supervisor?.[0];
  const body = c.body?.[0];
  if (!supervisor) return { body: block(b, body, '/main/body') };
  return { supervisor: b.name(supervisor, b.keyAt('/main/supervisor', c.Supervisor?.[0])), body: block(b, body, '/main/body') };
}

/**
 * Builds the AST one declaration at a time, as they are parsed, so a declaration's parse tree
 * can be dropped as soon as it is built. Kinds are grouped into their arrays in source order;
 * an absent kind leaves no key.
 */
export class WorkflowAssembler {
  private readonly groups = {
    models: [] as unknown[],
    tools: [] as unknown[],
    artifacts: [] as unknown[],
    agents: [] as unknown[],
    tasks: [] as unknown[],
    supervisors: [] as unknown[],
    retries: [] as unknown[],
  };
  private main: Workflow['main'] | undefined;
  private readonly header: Built;

  constructor(private readonly b: AstBuilder, cst: FileCstNode) {
    const c = cst.children;
    const keyword = c.Workflow?.[0];
    const version = c.version?.[0];
    b.at('', keyword, version);
    this.header = {
      workflow: b.name(c.name?.[0], b.keyAt('/workflow', keyword)),
      version: b.string(version, b.keyAt('/version', c.Version?.[0])),
    };
    this.addAll(c);
  }

  /** Builds the declarations of one parsed part (the header's, or a later part's), in source order. */
  addAll(c: DeclarationsCstChildren): void {
    const nodes: DeclarationNode[] = [
      ...(c.modelDecl ?? []), ...(c.toolDecl ?? []), ...(c.artifactDecl ?? []), ...(c.agentDecl ?? []),
      ...(c.taskDecl ?? []), ...(c.supervisorDecl ?? []), ...(c.retryDecl ?? []), ...(c.mainDecl ?? []),
    ];
    nodes.sort((x, y) => (x.location?.startOffset ?? 0) - (y.location?.startOffset ?? 0));
    for (const node of nodes) this.add(node);
  }

  private add(node: DeclarationNode): void {
    const b = this.b;
    const g = this.groups;
    switch (node.name) {
      case 'modelDecl':
        g.models.push(modelDecl(b, node, `/models/${g.models.length}`));
        return;
      case 'toolDecl':
        g.tools.push(toolDecl(b, node, `/tools/${g.tools.length}`));
        return;
      case 'artifactDecl':
        g.artifacts.push(artifactDecl(b, node, `/artifacts/${g.artifacts.length}`));
        return;
      case 'agentDecl':
        g.agents.push(agentDecl(b, node, `/agents/${g.agents.length}`));
        return;
      case 'taskDecl':
        g.tasks.push(taskDecl(b, node, `/tasks/${g.tasks.length}`));
        return;
      case 'supervisorDecl':
        g.supervisors.push(supervisorDecl(b, node, `/supervisors/${g.supervisors.length}`));
        return;
      case 'retryDecl':
        g.retries.push(retryDecl(b, node, `/retries/${g.retries.length}`));
        return;
      case 'mainDecl':
        if (!this.main) {
          this.main = mainDecl(b, node);
          return;
        }
        b.report('duplicate-name', 'a workflow has one main block; this is a second', '/main', node.children.Main?.[0], {
          hints: [{ message: 'the first main block', pointer: '/main' }],
        });
    }
  }

  finish(): Workflow {
    const ast: Built = { ...this.header };
    for (const [key, list] of Object.entries(this.groups)) if (list.length > 0) ast[key as keyof Workflow] = list;
    if (this.main) ast.main = this.main;
    return ast as Workflow;
  }
}
