// The grammar's base layer: expressions, lists, named arguments and inline JSON, plus the small
// building blocks the statement and declaration layers share. The layers are classes extended in
// turn (chevrotain grammar inheritance); parser.ts holds the last one and the one instance.
import { CstParser, type CstNode, type ParserMethod, type TokenType } from 'chevrotain';
import { MESSAGES } from './messages.js';
import {
  AnyWord, Colon, Comma, CmpOp, Dot, Identifier, K, LCurly, LogicOp, LParen, LSquare, NumberValue,
  RCurly, RParen, RSquare, StringLiteral, VOCABULARY,
} from './tokens.js';

// Labels name what to-ast reads: `key` is a property's keyword, `value` its single token or
// expression, `list` its list node.
export const KEY = { LABEL: 'key' };
export const VALUE = { LABEL: 'value' };
export const NAME = { LABEL: 'name' };
export const LIST = { LABEL: 'list' };
export const ITEMS = { LABEL: 'items' };

export abstract class ExpressionGrammar extends CstParser {
  constructor() {
    super(VOCABULARY, {
      recoveryEnabled: true,
      nodeLocationTracking: 'onlyOffset',
      maxLookahead: 2,
      errorMessageProvider: MESSAGES,
    });
  }

  // ---- Expressions. One node per expression: operands are primaries; `not`s, comparison
  // operators and `and`/`or` are tokens placed between them by offset (see expressions.ts).
  // `and` binds tighter than `or` there. Loops, not recursion, read `not` chains and operand lists.

  readonly expression = this.RULE('expression', () => {
    this.operand(1);
    this.MANY(() => {
      this.CONSUME(LogicOp, { LABEL: 'logicOps' });
      this.operand(2);
    });
  });

  readonly primary = this.RULE('primary', () => {
    this.OR({
      ERR_MSG: 'an expression',
      DEF: [
        { ALT: () => this.CONSUME(StringLiteral, VALUE) },
        { ALT: () => this.CONSUME(NumberValue, VALUE) },
        { ALT: () => this.CONSUME(K.true, VALUE) },
        { ALT: () => this.CONSUME(K.false, VALUE) },
        { ALT: () => this.CONSUME(K.null, VALUE) },
        {
          ALT: () => {
            this.CONSUME(Identifier, { LABEL: 'path' });
            this.MANY(() => {
              this.CONSUME(Dot);
              this.CONSUME(AnyWord, { LABEL: 'path' });
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(LParen);
            this.SUBRULE(this.expression, { LABEL: 'inner' });
            this.CONSUME(RParen);
          },
        },
        { ALT: () => this.listItems() },
        { ALT: () => this.objectFields() },
      ],
    });
  });

  // ---- Inline JSON (artifact schemas): constants only.

  readonly jsonObject = this.RULE('jsonObject', () => {
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.CONSUME(StringLiteral, { LABEL: 'keys' });
      this.CONSUME(Colon);
      this.SUBRULE(this.jsonValue, { LABEL: 'values' });
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.CONSUME(RCurly);
  });

  readonly jsonArray = this.RULE('jsonArray', () => {
    this.CONSUME(LSquare);
    this.MANY(() => {
      this.SUBRULE(this.jsonValue, ITEMS);
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.CONSUME(RSquare);
  });

  readonly jsonValue = this.RULE('jsonValue', () => {
    this.OR({
      ERR_MSG: 'a schema must be a constant JSON object: expected a string, number, true, false, null, object or array, found {found}',
      DEF: [
        { ALT: () => this.CONSUME(StringLiteral, VALUE) },
        { ALT: () => this.CONSUME(NumberValue, VALUE) },
        { ALT: () => this.CONSUME(K.true, VALUE) },
        { ALT: () => this.CONSUME(K.false, VALUE) },
        { ALT: () => this.CONSUME(K.null, VALUE) },
        { ALT: () => this.SUBRULE(this.jsonObject, { LABEL: 'object' }) },
        { ALT: () => this.SUBRULE(this.jsonArray, { LABEL: 'array' }) },
      ],
    });
  });

  // ---- Lists and arguments; commas between items are optional.

  readonly nameList = this.RULE('nameList', () => this.list(Identifier));
  readonly stringList = this.RULE('stringList', () => this.list(StringLiteral));
  /** Names that may be keywords: retry conditions include `timeout`. */
  readonly wordList = this.RULE('wordList', () => this.list(AnyWord));

  /** Argument names are tool parameter names, so they too may be keywords. */
  readonly args = this.RULE('args', () => {
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.CONSUME(AnyWord, NAME);
      this.CONSUME(Colon);
      this.SUBRULE(this.expression, VALUE);
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.CONSUME(RCurly);
  });

  // ---- Building blocks. `idx` keeps chevrotain's occurrence numbers unique within a rule.

  protected keyValue(keyword: TokenType, value: TokenType, idx: number): void {
    this.consume(idx, keyword, KEY);
    this.consume(idx, value, VALUE);
  }

  protected keyList(keyword: TokenType, list: ParserMethod<[], CstNode>, idx: number): void {
    this.consume(idx, keyword, KEY);
    this.subrule(idx, list, LIST);
  }

  private list(item: TokenType): void {
    this.CONSUME(LSquare);
    this.MANY(() => {
      this.CONSUME(item, ITEMS);
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.CONSUME(RSquare);
  }

  // List and object literals are alternatives of primary, not rules of their own: one node fewer
  // per literal. Their occurrence numbers follow primary's own (one of each is taken there).

  /** `[ expression,* ]`. */
  private listItems(): void {
    this.CONSUME(LSquare);
    this.MANY2(() => {
      this.SUBRULE2(this.expression, ITEMS);
      this.OPTION(() => this.CONSUME(Comma));
    });
    this.CONSUME(RSquare);
  }

  /** `{ (name | "key"): expression,* }`. */
  private objectFields(): void {
    this.CONSUME(LCurly);
    this.MANY3(() => {
      this.OR2([{ ALT: () => this.CONSUME2(AnyWord, { LABEL: 'keys' }) }, { ALT: () => this.CONSUME2(StringLiteral, { LABEL: 'keys' }) }]);
      this.CONSUME(Colon);
      this.SUBRULE3(this.expression, { LABEL: 'values' });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RCurly);
  }

  /** `not* primary (op primary)?`; idx keeps the two call sites' occurrence numbers apart. */
  private operand(idx: number): void {
    this.many(idx, () => this.consume(idx, K.not, { LABEL: 'nots' }));
    this.subrule(idx, this.primary, { LABEL: 'operands' });
    this.option(idx, () => {
      this.consume(idx, CmpOp, { LABEL: 'cmpOps' });
      this.subrule(idx + 2, this.primary, { LABEL: 'operands' });
    });
  }
}
