// The DSL parser: the declaration layer of the grammar on top of statements and expressions, and
// the one instance, reused for every file. Error recovery is on, so one parse reports several
// syntax errors; they come back as data, never thrown.
import type { CstNode, IRecognitionException, IToken, ParserMethod } from 'chevrotain';
import { ITEMS, KEY, LIST, NAME, VALUE } from './expression-grammar.js';
import { StatementGrammar } from './statement-grammar.js';
import {
  AnyWord, BooleanValue, Boundary, Comma, Dollar, DurationValue, Identifier, Integer, K, LCurly, LSquare, MountKind, NumberValue, ParamType,
  RCurly, RestartWord, RoleWord, RSquare, SignalScope, SizeValue, StrategyWord, StringLiteral, W,
} from './tokens.js';

class DslParser extends StatementGrammar {
  constructor() {
    super();
    this.performSelfAnalysis();
  }

  readonly file = this.RULE('file', () => {
    this.CONSUME(K.workflow);
    this.CONSUME(Identifier, NAME);
    this.CONSUME(K.version);
    this.CONSUME(StringLiteral, { LABEL: 'version' });
    this.declarationList();
  });

  /** Declarations without the header: a later part of a large file, parsed on its own. */
  readonly declarations = this.RULE('declarations', () => this.declarationList());

  private declarationList(): void {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.modelDecl) },
        { ALT: () => this.SUBRULE(this.toolDecl) },
        { ALT: () => this.SUBRULE(this.artifactDecl) },
        { ALT: () => this.SUBRULE(this.agentDecl) },
        { ALT: () => this.SUBRULE(this.taskDecl) },
        { ALT: () => this.SUBRULE(this.supervisorDecl) },
        { ALT: () => this.SUBRULE(this.retryDecl) },
        { ALT: () => this.SUBRULE(this.mainDecl) },
      ]),
    );
  }

  // ---- Declarations: a keyword, a name, then a braced list of properties. Each property is a
  // rule of its own, so error recovery resumes at the next property rather than the next
  // declaration.

  readonly modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(K.model);
    this.CONSUME(Identifier, NAME);
    this.braced(this.modelProp);
  });

  readonly modelProp = this.RULE('modelProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.id, StringLiteral, 1) },
      { ALT: () => this.keyValue(K.temperature, NumberValue, 1) },
      { ALT: () => this.keyValue(K.max_tokens, Integer, 1) },
      { ALT: () => this.keyValue(K.context, Integer, 2) },
    ]);
  });

  readonly toolDecl = this.RULE('toolDecl', () => {
    this.CONSUME(K.tool);
    this.CONSUME(Identifier, NAME);
    this.braced(this.toolProp);
  });

  readonly toolProp = this.RULE('toolProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.description, StringLiteral, 1) },
      { ALT: () => this.keyList(K.argv, this.argvList, 1) },
      { ALT: () => this.param() },
      { ALT: () => this.keyValue(K.timeout, DurationValue, 1) },
      { ALT: () => this.keyValue(K.output_cap, SizeValue, 1) },
      { ALT: () => this.keyList(K.env, this.stringList, 1) },
      { ALT: () => this.keyValue(K.cwd, StringLiteral, 2) },
      { ALT: () => this.keyValue(K.idempotent, BooleanValue, 1) },
    ]);
  });

  readonly argvList = this.RULE('argvList', () => {
    this.CONSUME(LSquare);
    this.AT_LEAST_ONE({
      ERR_MSG: 'a string or $param',
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME(StringLiteral, ITEMS) },
          {
            ALT: () => {
              this.CONSUME(Dollar);
              this.CONSUME(AnyWord, ITEMS);
            },
          },
        ]);
        this.OPTION(() => this.CONSUME(Comma));
      },
    });
    this.CONSUME(RSquare);
  });

  readonly artifactDecl = this.RULE('artifactDecl', () => {
    this.CONSUME(K.artifact);
    this.CONSUME(Identifier, NAME);
    this.OPTION(() => {
      this.CONSUME(K.schema, KEY);
      this.OR({
        ERR_MSG: 'a schema must be a constant JSON object or file "path", found {found}',
        DEF: [
          {
            ALT: () => {
              this.CONSUME(K.file);
              this.CONSUME(StringLiteral, VALUE);
            },
          },
          { ALT: () => this.SUBRULE(this.jsonObject, { LABEL: 'schema' }) },
        ],
      });
    });
  });

  readonly agentDecl = this.RULE('agentDecl', () => {
    this.CONSUME(K.agent);
    this.CONSUME(Identifier, NAME);
    this.OPTION(() => {
      this.CONSUME(K.extends);
      this.CONSUME2(Identifier, { LABEL: 'extends' });
    });
    this.braced(this.agentProp);
  });

  readonly agentProp = this.RULE('agentProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.role, RoleWord, 1) },
      { ALT: () => this.keyValue(K.model, Identifier, 1) },
      {
        ALT: () => {
          this.CONSUME(K.prompt, KEY);
          this.OPTION2(() => this.CONSUME(K.file));
          this.CONSUME(StringLiteral, VALUE);
        },
      },
      { ALT: () => this.keyList(K.tools, this.nameList, 1) },
      { ALT: () => this.mount() },
      {
        ALT: () => {
          this.CONSUME(K.caps, KEY);
          this.SUBRULE(this.capsBlock, { LABEL: 'caps' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.budget, KEY);
          this.SUBRULE(this.budgetBlock, { LABEL: 'budget' });
        },
      },
      { ALT: () => this.keyValue(K.restart, RestartWord, 1) },
      { ALT: () => this.keyValue(K.retry, Identifier, 3) },
      { ALT: () => this.keyValue(K.supervisor, Identifier, 4) },
      {
        ALT: () => {
          this.CONSUME(K.run, KEY);
          this.SUBRULE(this.block, { LABEL: 'program' });
        },
      },
    ]);
  });

  readonly capsBlock = this.RULE('capsBlock', () => {
    this.braced(this.capsProp);
  });

  readonly capsProp = this.RULE('capsProp', () => {
    this.OR([
      { ALT: () => this.keyList(K.spawn, this.nameList, 1) },
      { ALT: () => this.keyList(K.send, this.nameList, 2) },
      { ALT: () => this.keyList(K.topics, this.stringList, 1) },
      { ALT: () => this.keyList(K.tools, this.nameList, 3) },
      { ALT: () => this.keyList(K.leases, this.stringList, 2) },
      { ALT: () => this.keyValue(K.signal, SignalScope, 1) },
    ]);
  });

  readonly budgetBlock = this.RULE('budgetBlock', () => {
    this.braced(this.budgetProp);
  });

  readonly budgetProp = this.RULE('budgetProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.turns, Integer, 1) },
      { ALT: () => this.keyValue(K.tokens, Integer, 2) },
      { ALT: () => this.keyValue(K.time, DurationValue, 1) },
    ]);
  });

  readonly taskDecl = this.RULE('taskDecl', () => {
    this.CONSUME(K.task);
    this.CONSUME(Identifier, NAME);
    this.braced(this.taskProp);
  });

  readonly taskProp = this.RULE('taskProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.owner, Identifier, 1) },
      { ALT: () => this.keyValue(K.description, StringLiteral, 1) },
      { ALT: () => this.keyList(K.inputs, this.nameList, 1) },
      { ALT: () => this.keyList(K.produces, this.nameList, 2) },
      {
        ALT: () => {
          this.CONSUME(K.verify, KEY);
          this.CONSUME(K.by);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(K.agent, { LABEL: 'by' });
                this.CONSUME2(Identifier, VALUE);
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.tool, { LABEL: 'by' });
                this.CONSUME3(Identifier, VALUE);
                this.OPTION(() => this.SUBRULE(this.args, { LABEL: 'args' }));
              },
            },
          ]);
        },
      },
      { ALT: () => this.keyValue(K.retry, Identifier, 4) },
    ]);
  });

  readonly supervisorDecl = this.RULE('supervisorDecl', () => {
    this.CONSUME(K.supervisor);
    this.CONSUME(Identifier, NAME);
    this.braced(this.supervisorProp);
  });

  readonly supervisorProp = this.RULE('supervisorProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.strategy, StrategyWord, 1) },
      { ALT: () => this.keyValue(K.restart, RestartWord, 1) },
      { ALT: () => this.keyValue(K.intensity, Integer, 1) },
      { ALT: () => this.keyValue(K.period, DurationValue, 1) },
    ]);
  });

  readonly retryDecl = this.RULE('retryDecl', () => {
    this.CONSUME(K.retry);
    this.CONSUME(Identifier, NAME);
    this.braced(this.retryProp);
  });

  readonly retryProp = this.RULE('retryProp', () => {
    this.OR([
      { ALT: () => this.keyValue(K.attempts, Integer, 1) },
      { ALT: () => this.keyValue(K.backoff, DurationValue, 1) },
      { ALT: () => this.keyValue(K.factor, Integer, 2) },
      { ALT: () => this.keyValue(K.max_backoff, DurationValue, 2) },
      { ALT: () => this.keyList(K.on, this.wordList, 1) },
    ]);
  });

  readonly mainDecl = this.RULE('mainDecl', () => {
    this.CONSUME(K.main);
    this.OPTION(() => {
      this.CONSUME(K.supervisor);
      this.CONSUME(Identifier, { LABEL: 'supervisor' });
    });
    this.SUBRULE(this.block, { LABEL: 'body' });
  });

  /**
   * `param name type`: part of toolProp, not a rule of its own (one node fewer per parameter),
   * so its occurrence numbers follow toolProp's. A parameter's name may be a keyword
   * (`param file path`): nothing else can stand there.
   */
  private param(): void {
    this.CONSUME(K.param, KEY);
    this.CONSUME(AnyWord, NAME);
    this.OR2({
      ERR_MSG: ParamType.LABEL,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(W.path, { LABEL: 'type' });
            this.OPTION(() => {
              this.CONSUME(K.in);
              this.CONSUME3(StringLiteral, { LABEL: 'mount' });
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(W.enum, { LABEL: 'type' });
            this.SUBRULE2(this.stringList, LIST);
          },
        },
        { ALT: () => this.CONSUME(W.int, { LABEL: 'type' }) },
        { ALT: () => this.CONSUME(W.string, { LABEL: 'type' }) },
      ],
    });
  }

  /** `mount kind "path" (from "source")? (over "over")?`: part of agentProp, not a rule of its own (one node fewer per mount). */
  private mount(): void {
    this.CONSUME(K.mount, KEY);
    this.CONSUME(MountKind, { LABEL: 'kind' });
    this.CONSUME2(StringLiteral, { LABEL: 'path' });
    this.OPTION3(() => {
      this.CONSUME(K.from);
      this.CONSUME3(StringLiteral, { LABEL: 'source' });
    });
    this.OPTION4(() => {
      this.CONSUME(K.over);
      this.CONSUME4(StringLiteral, { LABEL: 'over' });
    });
  }

  /** `{ property* }`. */
  private braced(property: ParserMethod<[], CstNode>): void {
    this.CONSUME(LCurly);
    this.MANY(() => this.SUBRULE(property, { LABEL: 'props' }));
    this.CONSUME(RCurly);
  }
}

const parser = new DslParser();

export interface ParseResult {
  cst: CstNode;
  errors: IRecognitionException[];
}

/**
 * Parses a token vector (already checked by the pre-scan) into a CST. When `next` is given, the
 * tokens are a prefix of the file and `next` follows them as lookahead only (see parseDeclaration).
 */
export function parseTokens(tokens: IToken[], next?: IToken): ParseResult {
  const stop = next && boundary(next);
  parser.input = stop ? [...tokens, stop] : tokens;
  const cst = parser.file();
  const errors = stop ? withoutBoundary(parser.errors, stop) : parser.errors;
  // The shared instance must not keep a file's tokens alive until the next parse.
  parser.input = [];
  return { cst, errors };
}

/**
 * Parses the declarations in tokens[start, end), a later part of the file that begins at a
 * top-level declaration. The token at `end` (the next part's first keyword) follows as
 * lookahead only, so an error at the boundary reads as it does in a whole-file parse, and the
 * input left there is the next part's, not an error.
 */
export function parseDeclarations(tokens: IToken[], start: number, end: number): ParseResult {
  const next = tokens[end];
  const stop = next && boundary(next);
  const part = tokens.slice(start, end);
  if (stop) part.push(stop);
  parser.input = part;
  const cst = parser.declarations();
  const errors = stop ? withoutBoundary(parser.errors, stop) : parser.errors;
  parser.input = [];
  return { cst, errors };
}

function boundary(next: IToken): IToken {
  return { ...next, tokenType: Boundary, tokenTypeIdx: Boundary.tokenTypeIdx as number };
}

/** The input left at the boundary is the next declaration's, not an error. */
function withoutBoundary(errors: IRecognitionException[], stop: IToken): IRecognitionException[] {
  return errors.filter((e) => !(e.name === 'NotAllInputParsedException' && e.token === stop));
}

/** The grammar, for generating the CST types (cst.generated.ts). */
export function grammarProductions(): ReturnType<DslParser['getGAstProductions']> {
  return parser.getGAstProductions();
}
