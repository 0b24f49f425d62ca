// Generated from the grammar (parser.ts and its layers) by test/compiler/dsl/cst-types.test.ts;
// run that test with --update to rewrite it. Do not edit. Every child is optional: error
// recovery can leave any of them out.
import type { CstNode, IToken } from 'chevrotain';

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  nots?: (IToken)[];
  operands?: (PrimaryCstNode)[];
  cmpOps?: (IToken)[];
  logicOps?: IToken[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  value?: (IToken)[];
  path?: (IToken)[];
  Dot?: IToken[];
  LParen?: IToken[];
  inner?: ExpressionCstNode[];
  RParen?: IToken[];
  LSquare?: IToken[];
  items?: ExpressionCstNode[];
  Comma?: (IToken)[];
  RSquare?: IToken[];
  LCurly?: IToken[];
  keys?: (IToken)[];
  Colon?: IToken[];
  values?: ExpressionCstNode[];
  RCurly?: IToken[];
};

export interface JsonObjectCstNode extends CstNode {
  name: "jsonObject";
  children: JsonObjectCstChildren;
}

export type JsonObjectCstChildren = {
  LCurly?: IToken[];
  keys?: IToken[];
  Colon?: IToken[];
  values?: JsonValueCstNode[];
  Comma?: IToken[];
  RCurly?: IToken[];
};

export interface JsonArrayCstNode extends CstNode {
  name: "jsonArray";
  children: JsonArrayCstChildren;
}

export type JsonArrayCstChildren = {
  LSquare?: IToken[];
  items?: JsonValueCstNode[];
  Comma?: IToken[];
  RSquare?: IToken[];
};

export interface JsonValueCstNode extends CstNode {
  name: "jsonValue";
  children: JsonValueCstChildren;
}

export type JsonValueCstChildren = {
  value?: (IToken)[];
  object?: JsonObjectCstNode[];
  array?: JsonArrayCstNode[];
};

export interface NameListCstNode extends CstNode {
  name: "nameList";
  children: NameListCstChildren;
}

export type NameListCstChildren = {
  LSquare?: IToken[];
  items?: IToken[];
  Comma?: IToken[];
  RSquare?: IToken[];
};

export interface StringListCstNode extends CstNode {
  name: "stringList";
  children: StringListCstChildren;
}

export type StringListCstChildren = {
  LSquare?: IToken[];
  items?: IToken[];
  Comma?: IToken[];
  RSquare?: IToken[];
};

export interface WordListCstNode extends CstNode {
  name: "wordList";
  children: WordListCstChildren;
}

export type WordListCstChildren = {
  LSquare?: IToken[];
  items?: IToken[];
  Comma?: IToken[];
  RSquare?: IToken[];
};

export interface ArgsCstNode extends CstNode {
  name: "args";
  children: ArgsCstChildren;
}

export type ArgsCstChildren = {
  LCurly?: IToken[];
  name?: IToken[];
  Colon?: IToken[];
  value?: ExpressionCstNode[];
  Comma?: IToken[];
  RCurly?: IToken[];
};

export interface BlockCstNode extends CstNode {
  name: "block";
  children: BlockCstChildren;
}

export type BlockCstChildren = {
  LCurly?: IToken[];
  statements?: (BindStmtCstNode | SpawnStmtCstNode | CallStmtCstNode | AskStmtCstNode | ExecStmtCstNode | RecvStmtCstNode | AwaitStmtCstNode | AcquireStmtCstNode | AttachStmtCstNode | ReadStmtCstNode | VerifyStmtCstNode | SendStmtCstNode | PublishStmtCstNode | SubscribeStmtCstNode | SignalStmtCstNode | RenewStmtCstNode | ReleaseStmtCstNode | SleepStmtCstNode | CheckpointStmtCstNode | WriteStmtCstNode | IfStmtCstNode | ParallelStmtCstNode | LoopStmtCstNode | ExitStmtCstNode | FailStmtCstNode)[];
  RCurly?: IToken[];
};

export interface BindStmtCstNode extends CstNode {
  name: "bindStmt";
  children: BindStmtCstChildren;
}

export type BindStmtCstChildren = {
  key?: (IToken)[];
  name?: IToken[];
  Equals?: IToken[];
  valueStmt?: (SpawnStmtCstNode | CallStmtCstNode | AskStmtCstNode | ExecStmtCstNode | RecvStmtCstNode | AwaitStmtCstNode | AcquireStmtCstNode | AttachStmtCstNode | ReadStmtCstNode | VerifyStmtCstNode)[];
  value?: ExpressionCstNode[];
};

export interface SpawnStmtCstNode extends CstNode {
  name: "spawnStmt";
  children: SpawnStmtCstChildren;
}

export type SpawnStmtCstChildren = {
  key?: IToken[];
  agent?: IToken[];
  Task?: IToken[];
  task?: IToken[];
  With?: IToken[];
  input?: ExpressionCstNode[];
};

export interface CallStmtCstNode extends CstNode {
  name: "callStmt";
  children: CallStmtCstChildren;
}

export type CallStmtCstChildren = {
  key?: IToken[];
  agent?: IToken[];
  Task?: IToken[];
  task?: IToken[];
  With?: IToken[];
  input?: ExpressionCstNode[];
  Timeout?: IToken[];
  timeout?: IToken[];
};

export interface AskStmtCstNode extends CstNode {
  name: "askStmt";
  children: AskStmtCstChildren;
}

export type AskStmtCstChildren = {
  key?: IToken[];
  prompt?: IToken[];
  With?: IToken[];
  input?: ExpressionCstNode[];
  Returns?: IToken[];
  returns?: IToken[];
};

export interface ExecStmtCstNode extends CstNode {
  name: "execStmt";
  children: ExecStmtCstChildren;
}

export type ExecStmtCstChildren = {
  key?: IToken[];
  tool?: IToken[];
  args?: ArgsCstNode[];
};

export interface RecvStmtCstNode extends CstNode {
  name: "recvStmt";
  children: RecvStmtCstChildren;
}

export type RecvStmtCstChildren = {
  key?: IToken[];
  From?: IToken[];
  from?: IToken[];
  Timeout?: IToken[];
  timeout?: IToken[];
};

export interface AwaitStmtCstNode extends CstNode {
  name: "awaitStmt";
  children: AwaitStmtCstChildren;
}

export type AwaitStmtCstChildren = {
  key?: IToken[];
  target?: IToken[];
  Timeout?: IToken[];
  timeout?: IToken[];
};

export interface AcquireStmtCstNode extends CstNode {
  name: "acquireStmt";
  children: AcquireStmtCstChildren;
}

export type AcquireStmtCstChildren = {
  key?: IToken[];
  resource?: IToken[];
  Ttl?: IToken[];
  ttl?: IToken[];
  Timeout?: IToken[];
  timeout?: IToken[];
};

export interface AttachStmtCstNode extends CstNode {
  name: "attachStmt";
  children: AttachStmtCstChildren;
}

export type AttachStmtCstChildren = {
  key?: IToken[];
  artifact?: IToken[];
  value?: ExpressionCstNode[];
};

export interface ReadStmtCstNode extends CstNode {
  name: "readStmt";
  children: ReadStmtCstChildren;
}

export type ReadStmtCstChildren = {
  key?: IToken[];
  path?: IToken[];
};

export interface VerifyStmtCstNode extends CstNode {
  name: "verifyStmt";
  children: VerifyStmtCstChildren;
}

export type VerifyStmtCstChildren = {
  key?: IToken[];
  task?: IToken[];
  With?: IToken[];
  value?: ExpressionCstNode[];
};

export interface SendStmtCstNode extends CstNode {
  name: "sendStmt";
  children: SendStmtCstChildren;
}

export type SendStmtCstChildren = {
  key?: IToken[];
  to?: IToken[];
  value?: ExpressionCstNode[];
};

export interface PublishStmtCstNode extends CstNode {
  name: "publishStmt";
  children: PublishStmtCstChildren;
}

export type PublishStmtCstChildren = {
  key?: IToken[];
  topic?: IToken[];
  value?: ExpressionCstNode[];
};

export interface SubscribeStmtCstNode extends CstNode {
  name: "subscribeStmt";
  children: SubscribeStmtCstChildren;
}

export type SubscribeStmtCstChildren = {
  key?: IToken[];
  topic?: IToken[];
};

export interface SignalStmtCstNode extends CstNode {
  name: "signalStmt";
  children: SignalStmtCstChildren;
}

export type SignalStmtCstChildren = {
  key?: IToken[];
  target?: IToken[];
  op?: IToken[];
};

export interface RenewStmtCstNode extends CstNode {
  name: "renewStmt";
  children: RenewStmtCstChildren;
}

export type RenewStmtCstChildren = {
  key?: IToken[];
  lease?: IToken[];
  Ttl?: IToken[];
  ttl?: IToken[];
};

export interface ReleaseStmtCstNode extends CstNode {
  name: "releaseStmt";
  children: ReleaseStmtCstChildren;
}

export type ReleaseStmtCstChildren = {
  key?: IToken[];
  lease?: IToken[];
};

export interface SleepStmtCstNode extends CstNode {
  name: "sleepStmt";
  children: SleepStmtCstChildren;
}

export type SleepStmtCstChildren = {
  key?: IToken[];
  duration?: IToken[];
};

export interface CheckpointStmtCstNode extends CstNode {
  name: "checkpointStmt";
  children: CheckpointStmtCstChildren;
}

export type CheckpointStmtCstChildren = {
  key?: IToken[];
  value?: ExpressionCstNode[];
};

export interface WriteStmtCstNode extends CstNode {
  name: "writeStmt";
  children: WriteStmtCstChildren;
}

export type WriteStmtCstChildren = {
  key?: IToken[];
  path?: IToken[];
  value?: ExpressionCstNode[];
  Lease?: IToken[];
  lease?: IToken[];
};

export interface IfStmtCstNode extends CstNode {
  name: "ifStmt";
  children: IfStmtCstChildren;
}

export type IfStmtCstChildren = {
  key?: IToken[];
  cond?: (ExpressionCstNode)[];
  then?: (BlockCstNode)[];
  elseIf?: (IToken)[];
  Else?: IToken[];
  otherwise?: BlockCstNode[];
};

export interface ParallelStmtCstNode extends CstNode {
  name: "parallelStmt";
  children: ParallelStmtCstChildren;
}

export type ParallelStmtCstChildren = {
  key?: IToken[];
  LCurly?: IToken[];
  Branch?: IToken[];
  branches?: BlockCstNode[];
  RCurly?: IToken[];
};

export interface LoopStmtCstNode extends CstNode {
  name: "loopStmt";
  children: LoopStmtCstChildren;
}

export type LoopStmtCstChildren = {
  key?: IToken[];
  as?: IToken[];
  Max?: IToken[];
  max?: IToken[];
  Until?: IToken[];
  until?: ExpressionCstNode[];
  body?: BlockCstNode[];
};

export interface ExitStmtCstNode extends CstNode {
  name: "exitStmt";
  children: ExitStmtCstChildren;
}

export type ExitStmtCstChildren = {
  key?: IToken[];
  value?: ExpressionCstNode[];
};

export interface FailStmtCstNode extends CstNode {
  name: "failStmt";
  children: FailStmtCstChildren;
}

export type FailStmtCstChildren = {
  key?: IToken[];
  value?: ExpressionCstNode[];
};

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  Workflow?: IToken[];
  name?: IToken[];
  Version?: IToken[];
  version?: IToken[];
  modelDecl?: ModelDeclCstNode[];
  toolDecl?: ToolDeclCstNode[];
  artifactDecl?: ArtifactDeclCstNode[];
  agentDecl?: AgentDeclCstNode[];
  taskDecl?: TaskDeclCstNode[];
  supervisorDecl?: SupervisorDeclCstNode[];
  retryDecl?: RetryDeclCstNode[];
  mainDecl?: MainDeclCstNode[];
};

export interface DeclarationsCstNode extends CstNode {
  name: "declarations";
  children: DeclarationsCstChildren;
}

export type DeclarationsCstChildren = {
  modelDecl?: ModelDeclCstNode[];
  toolDecl?: ToolDeclCstNode[];
  artifactDecl?: ArtifactDeclCstNode[];
  agentDecl?: AgentDeclCstNode[];
  taskDecl?: TaskDeclCstNode[];
  supervisorDecl?: SupervisorDeclCstNode[];
  retryDecl?: RetryDeclCstNode[];
  mainDecl?: MainDeclCstNode[];
};

export interface ModelDeclCstNode extends CstNode {
  name: "modelDecl";
  children: ModelDeclCstChildren;
}

export type ModelDeclCstChildren = {
  Model?: IToken[];
  name?: IToken[];
  LCurly?: IToken[];
  props?: ModelPropCstNode[];
  RCurly?: IToken[];
};

export interface ModelPropCstNode extends CstNode {
  name: "modelProp";
  children: ModelPropCstChildren;
}

export type ModelPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
};

export interface ToolDeclCstNode extends CstNode {
  name: "toolDecl";
  children: ToolDeclCstChildren;
}

export type ToolDeclCstChildren = {
  Tool?: IToken[];
  name?: IToken[];
  LCurly?: IToken[];
  props?: ToolPropCstNode[];
  RCurly?: IToken[];
};

export interface ToolPropCstNode extends CstNode {
  name: "toolProp";
  children: ToolPropCstChildren;
}

export type ToolPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
  list?: (ArgvListCstNode | StringListCstNode)[];
  name?: IToken[];
  type?: (IToken)[];
  In?: IToken[];
  mount?: IToken[];
};

export interface ArgvListCstNode extends CstNode {
  name: "argvList";
  children: ArgvListCstChildren;
}

export type ArgvListCstChildren = {
  LSquare?: IToken[];
  items?: (IToken)[];
  Dollar?: IToken[];
  Comma?: IToken[];
  RSquare?: IToken[];
};

export interface ArtifactDeclCstNode extends CstNode {
  name: "artifactDecl";
  children: ArtifactDeclCstChildren;
}

export type ArtifactDeclCstChildren = {
  Artifact?: IToken[];
  name?: IToken[];
  key?: IToken[];
  File?: IToken[];
  value?: IToken[];
  schema?: JsonObjectCstNode[];
};

export interface AgentDeclCstNode extends CstNode {
  name: "agentDecl";
  children: AgentDeclCstChildren;
}

export type AgentDeclCstChildren = {
  Agent?: IToken[];
  name?: IToken[];
  Extends?: IToken[];
  extends?: IToken[];
  LCurly?: IToken[];
  props?: AgentPropCstNode[];
  RCurly?: IToken[];
};

export interface AgentPropCstNode extends CstNode {
  name: "agentProp";
  children: AgentPropCstChildren;
}

export type AgentPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
  File?: IToken[];
  list?: NameListCstNode[];
  kind?: IToken[];
  path?: IToken[];
  From?: IToken[];
  source?: IToken[];
  Over?: IToken[];
  over?: IToken[];
  caps?: CapsBlockCstNode[];
  budget?: BudgetBlockCstNode[];
  program?: BlockCstNode[];
};

export interface CapsBlockCstNode extends CstNode {
  name: "capsBlock";
  children: CapsBlockCstChildren;
}

export type CapsBlockCstChildren = {
  LCurly?: IToken[];
  props?: CapsPropCstNode[];
  RCurly?: IToken[];
};

export interface CapsPropCstNode extends CstNode {
  name: "capsProp";
  children: CapsPropCstChildren;
}

export type CapsPropCstChildren = {
  key?: (IToken)[];
  list?: (NameListCstNode | StringListCstNode)[];
  value?: IToken[];
};

export interface BudgetBlockCstNode extends CstNode {
  name: "budgetBlock";
  children: BudgetBlockCstChildren;
}

export type BudgetBlockCstChildren = {
  LCurly?: IToken[];
  props?: BudgetPropCstNode[];
  RCurly?: IToken[];
};

export interface BudgetPropCstNode extends CstNode {
  name: "budgetProp";
  children: BudgetPropCstChildren;
}

export type BudgetPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
};

export interface TaskDeclCstNode extends CstNode {
  name: "taskDecl";
  children: TaskDeclCstChildren;
}

export type TaskDeclCstChildren = {
  Task?: IToken[];
  name?: IToken[];
  LCurly?: IToken[];
  props?: TaskPropCstNode[];
  RCurly?: IToken[];
};

export interface TaskPropCstNode extends CstNode {
  name: "taskProp";
  children: TaskPropCstChildren;
}

export type TaskPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
  list?: (NameListCstNode)[];
  By?: IToken[];
  by?: (IToken)[];
  args?: ArgsCstNode[];
};

export interface SupervisorDeclCstNode extends CstNode {
  name: "supervisorDecl";
  children: SupervisorDeclCstChildren;
}

export type SupervisorDeclCstChildren = {
  Supervisor?: IToken[];
  name?: IToken[];
  LCurly?: IToken[];
  props?: SupervisorPropCstNode[];
  RCurly?: IToken[];
};

export interface SupervisorPropCstNode extends CstNode {
  name: "supervisorProp";
  children: SupervisorPropCstChildren;
}

export type SupervisorPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
};

export interface RetryDeclCstNode extends CstNode {
  name: "retryDecl";
  children: RetryDeclCstChildren;
}

export type RetryDeclCstChildren = {
  Retry?: IToken[];
  name?: IToken[];
  LCurly?: IToken[];
  props?: RetryPropCstNode[];
  RCurly?: IToken[];
};

export interface RetryPropCstNode extends CstNode {
  name: "retryProp";
  children: RetryPropCstChildren;
}

export type RetryPropCstChildren = {
  key?: (IToken)[];
  value?: (IToken)[];
  list?: WordListCstNode[];
};

export interface MainDeclCstNode extends CstNode {
  name: "mainDecl";
  children: MainDeclCstChildren;
}

export type MainDeclCstChildren = {
  Main?: IToken[];
  Supervisor?: IToken[];
  supervisor?: IToken[];
  body?: BlockCstNode[];
};
