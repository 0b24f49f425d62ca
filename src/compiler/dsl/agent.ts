// Agent declaration CST → AST: simple properties from a table, plus prompts, mounts,
// capabilities, budget and the structured program (`run { ... }`).
import type { AgentDecl, Budget, Capabilities, Mount } from '../../generated/workflow.js';
import type { AstBuilder } from './builder.js';
import type { AgentDeclCstNode, AgentPropCstNode, BudgetBlockCstNode, CapsBlockCstNode } from './cst.generated.js';
import { Properties, type Key, type PropSpecs } from './properties.js';
import { block } from './statements.js';

export const AGENT_ORDER: readonly Key<AgentDecl>[] = [
  'name', 'extends', 'role', 'model', 'prompt', 'promptFile', 'tools', 'mounts', 'caps', 'budget', 'restart', 'retry',
  'supervisor', 'program',
];
const AGENT_PROPS: PropSpecs<AgentDecl> = {
  role: { key: 'role', kind: 'name' },
  model: { key: 'model', kind: 'name' },
  tools: { key: 'tools', kind: 'names' },
  restart: { key: 'restart', kind: 'name' },
  retry: { key: 'retry', kind: 'name' },
  supervisor: { key: 'supervisor', kind: 'name' },
};

export const CAPS_ORDER: readonly Key<Capabilities>[] = ['spawn', 'send', 'topics', 'tools', 'leases', 'signal'];
const CAPS_PROPS: PropSpecs<Capabilities> = {
  spawn: { key: 'spawn', kind: 'names' },
  send: { key: 'send', kind: 'names' },
  topics: { key: 'topics', kind: 'strings' },
  tools: { key: 'tools', kind: 'names' },
  leases: { key: 'leases', kind: 'strings' },
  signal: { key: 'signal', kind: 'name' },
};

export const BUDGET_ORDER: readonly Key<Budget>[] = ['turns', 'tokens', 'time'];
const BUDGET_PROPS: PropSpecs<Budget> = {
  turns: { key: 'turns', kind: 'integer' },
  tokens: { key: 'tokens', kind: 'integer' },
  time: { key: 'time', kind: 'integer' },
};

export function agentDecl(b: AstBuilder, node: AgentDeclCstNode, pointer: string): AgentDecl {
  const c = node.children;
  const props = new Properties<AgentDecl>(b, pointer);
  props.name(c.Agent?.[0], c.name?.[0]);
  const parent = c.extends?.[0];
  if (parent) props.set('extends', b.name(parent, b.keyAt(`${pointer}/extends`, c.Extends?.[0])));
  // The declaration's brace is the first nesting level: it cannot pass the limit.
  b.enter(c.LCurly?.[0]);
  for (const prop of c.props ?? []) if (!props.simple(prop.children, AGENT_PROPS)) agentProp(b, props, prop);
  b.leave();
  b.at(pointer, node);
  return props.ordered(AGENT_ORDER);
}

/** The properties that are not a keyword and one value. */
function agentProp(b: AstBuilder, props: Properties<AgentDecl>, node: AgentPropCstNode): void {
  const c = node.children;
  const keyword = c.key?.[0];
  const caps = c.caps?.[0];
  const budget = c.budget?.[0];
  const program = c.program?.[0];
  if (keyword?.image === 'mount') {
    const mounts = props.list('mounts', keyword);
    mounts.push(mountProp(b, node, `${props.pointer}/mounts/${mounts.length}`));
  } else if (caps) {
    const at = props.claim('caps', keyword);
    if (at !== undefined) props.set('caps', capabilities(b, caps, at));
  } else if (budget) {
    const at = props.claim('budget', keyword);
    if (at !== undefined) props.set('budget', budgetBlock(b, budget, at));
  } else if (program) {
    const at = props.claim('program', keyword);
    if (at !== undefined) props.set('program', block(b, program, at));
  } else if (keyword?.image === 'prompt') {
    // `prompt "..."` or `prompt file "..."`.
    const key = c.File ? 'promptFile' : 'prompt';
    const at = props.claim(key, keyword);
    const value = c.value?.[0];
    if (at !== undefined && value) props.set(key, b.string(value, at));
  }
}

/** `mount ...`, read from the agentProp node it is part of. */
function mountProp(b: AstBuilder, node: AgentPropCstNode, pointer: string): Mount {
  const c = node.children;
  b.at(pointer, node);
  const mount: Mount = { kind: b.name(c.kind?.[0], `${pointer}/kind`) as Mount['kind'], path: b.string(c.path?.[0], `${pointer}/path`) };
  const source = c.source?.[0];
  if (source) mount.source = b.string(source, b.keyAt(`${pointer}/source`, c.From?.[0]));
  const over = c.over?.[0];
  if (over) mount.over = b.string(over, b.keyAt(`${pointer}/over`, c.Over?.[0]));
  return mount;
}

function capabilities(b: AstBuilder, node: CapsBlockCstNode, pointer: string): Capabilities {
  const props = new Properties<Capabilities>(b, pointer);
  props.readAll(node.children.props, CAPS_PROPS);
  b.at(pointer, node);
  return props.ordered(CAPS_ORDER);
}

function budgetBlock(b: AstBuilder, node: BudgetBlockCstNode, pointer: string): Budget {
  const props = new Properties<Budget>(b, pointer);
  props.readAll(node.children.props, BUDGET_PROPS);
  b.at(pointer, node);
  return props.ordered(BUDGET_ORDER);
}
