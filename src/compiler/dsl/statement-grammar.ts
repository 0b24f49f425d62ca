// The grammar's statement layer: blocks and every statement. `else if` chains and `not` chains
// are loops, not recursion, so only brackets (bounded by the pre-scan) deepen the parser's stack.
import type { IOrAlt } from 'chevrotain';
import { ExpressionGrammar, KEY, NAME, VALUE } from './expression-grammar.js';
import { DurationValue, Equals, Identifier, Integer, K, LCurly, RCurly, SignalOp, StringLiteral } from './tokens.js';

const STATEMENTS = { LABEL: 'statements' };

export abstract class StatementGrammar extends ExpressionGrammar {
  /** Every statement kind shares the label `statements`, so the list keeps source order. */
  readonly block = this.RULE('block', () => {
    this.CONSUME(LCurly);
    this.MANY(() =>
      this.OR({
        ERR_MSG: 'a statement',
        DEF: [
          { ALT: () => this.SUBRULE(this.bindStmt, STATEMENTS) },
          ...this.valueStatements(STATEMENTS),
          { ALT: () => this.SUBRULE(this.sendStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.publishStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.subscribeStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.signalStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.renewStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.releaseStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.sleepStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.checkpointStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.writeStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.ifStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.parallelStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.loopStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.exitStmt, STATEMENTS) },
          { ALT: () => this.SUBRULE(this.failStmt, STATEMENTS) },
        ],
      }),
    );
    this.CONSUME(RCurly);
  });

  /** `let x = ...` and `set x = ...`: an expression, or a value statement whose result is kept. */
  readonly bindStmt = this.RULE('bindStmt', () => {
    this.OR([{ ALT: () => this.CONSUME(K.let, KEY) }, { ALT: () => this.CONSUME(K.set, KEY) }]);
    this.CONSUME(Identifier, NAME);
    this.CONSUME(Equals);
    this.OR2({
      ERR_MSG: 'an expression or a value statement (spawn, call, ask, exec, recv, await, acquire, attach, read or verify)',
      DEF: [...this.valueStatements({ LABEL: 'valueStmt' }), { ALT: () => this.SUBRULE(this.expression, VALUE) }],
    });
  });

  readonly spawnStmt = this.RULE('spawnStmt', () => {
    this.CONSUME(K.spawn, KEY);
    this.CONSUME(Identifier, { LABEL: 'agent' });
    this.OPTION(() => {
      this.CONSUME(K.task);
      this.CONSUME2(Identifier, { LABEL: 'task' });
    });
    this.OPTION2(() => {
      this.CONSUME(K.with);
      this.SUBRULE(this.expression, { LABEL: 'input' });
    });
  });

  readonly callStmt = this.RULE('callStmt', () => {
    this.CONSUME(K.call, KEY);
    this.CONSUME(Identifier, { LABEL: 'agent' });
    this.OPTION(() => {
      this.CONSUME(K.task);
      this.CONSUME2(Identifier, { LABEL: 'task' });
    });
    this.OPTION2(() => {
      this.CONSUME(K.with);
      this.SUBRULE(this.expression, { LABEL: 'input' });
    });
    this.OPTION3(() => this.timeout());
  });

  readonly askStmt = this.RULE('askStmt', () => {
    this.CONSUME(K.ask, KEY);
    this.CONSUME(StringLiteral, { LABEL: 'prompt' });
    this.OPTION(() => {
      this.CONSUME(K.with);
      this.SUBRULE(this.expression, { LABEL: 'input' });
    });
    this.OPTION2(() => {
      this.CONSUME(K.returns);
      this.CONSUME(Identifier, { LABEL: 'returns' });
    });
  });

  readonly execStmt = this.RULE('execStmt', () => {
    this.CONSUME(K.exec, KEY);
    this.CONSUME(Identifier, { LABEL: 'tool' });
    this.OPTION(() => this.SUBRULE(this.args, { LABEL: 'args' }));
  });

  readonly recvStmt = this.RULE('recvStmt', () => {
    this.CONSUME(K.recv, KEY);
    this.OPTION(() => {
      this.CONSUME(K.from);
      this.CONSUME(Identifier, { LABEL: 'from' });
    });
    this.OPTION2(() => this.timeout());
  });

  readonly awaitStmt = this.RULE('awaitStmt', () => {
    this.CONSUME(K.await, KEY);
    this.CONSUME(Identifier, { LABEL: 'target' });
    this.OPTION(() => this.timeout());
  });

  readonly acquireStmt = this.RULE('acquireStmt', () => {
    this.CONSUME(K.acquire, KEY);
    this.CONSUME(StringLiteral, { LABEL: 'resource' });
    this.OPTION(() => this.ttl());
    this.OPTION2(() => this.timeout());
  });

  readonly attachStmt = this.RULE('attachStmt', () => {
    this.CONSUME(K.attach, KEY);
    this.CONSUME(Identifier, { LABEL: 'artifact' });
    this.SUBRULE(this.expression, VALUE);
  });

  readonly readStmt = this.RULE('readStmt', () => {
    this.CONSUME(K.read, KEY);
    this.CONSUME(StringLiteral, { LABEL: 'path' });
  });

  readonly verifyStmt = this.RULE('verifyStmt', () => {
    this.CONSUME(K.verify, KEY);
    this.CONSUME(Identifier, { LABEL: 'task' });
    this.OPTION(() => {
      this.CONSUME(K.with);
      this.SUBRULE(this.expression, VALUE);
    });
  });

  readonly sendStmt = this.RULE('sendStmt', () => {
    this.CONSUME(K.send, KEY);
    this.CONSUME(Identifier, { LABEL: 'to' });
    this.SUBRULE(this.expression, VALUE);
  });

  readonly publishStmt = this.RULE('publishStmt', () => {
    this.CONSUME(K.publish, KEY);
    this.CONSUME(StringLiteral, { LABEL: 'topic' });
    this.SUBRULE(this.expression, VALUE);
  });

  readonly subscribeStmt = this.RULE('subscribeStmt', () => {
    this.CONSUME(K.subscribe, KEY);
    this.CONSUME(StringLiteral, { LABEL: 'topic' });
  });

  readonly signalStmt = this.RULE('signalStmt', () => {
    this.CONSUME(K.signal, KEY);
    this.CONSUME(Identifier, { LABEL: 'target' });
    this.CONSUME(SignalOp, { LABEL: 'op' });
  });

  readonly renewStmt = this.RULE('renewStmt', () => {
    this.CONSUME(K.renew, KEY);
    this.CONSUME(Identifier, { LABEL: 'lease' });
    this.OPTION(() => this.ttl());
  });

  readonly releaseStmt = this.RULE('releaseStmt', () => {
    this.CONSUME(K.release, KEY);
    this.CONSUME(Identifier, { LABEL: 'lease' });
  });

  readonly sleepStmt = this.RULE('sleepStmt', () => {
    this.CONSUME(K.sleep, KEY);
    this.CONSUME(DurationValue, { LABEL: 'duration' });
  });

  readonly checkpointStmt = this.RULE('checkpointStmt', () => {
    this.CONSUME(K.checkpoint, KEY);
    this.OPTION(() => this.SUBRULE(this.expression, VALUE));
  });

  readonly writeStmt = this.RULE('writeStmt', () => {
    this.CONSUME(K.write, KEY);
    this.CONSUME(StringLiteral, { LABEL: 'path' });
    this.SUBRULE(this.expression, VALUE);
    this.OPTION(() => {
      this.CONSUME(K.lease);
      this.CONSUME(Identifier, { LABEL: 'lease' });
    });
  });

  /** `else if` chains are read by a loop, not by recursion, so a long chain cannot exhaust the stack. */
  readonly ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(K.if, KEY);
    this.SUBRULE(this.expression, { LABEL: 'cond' });
    this.SUBRULE(this.block, { LABEL: 'then' });
    this.MANY(() => {
      this.CONSUME(K.else, { LABEL: 'elseIf' });
      this.CONSUME2(K.if, { LABEL: 'elseIf' });
      this.SUBRULE2(this.expression, { LABEL: 'cond' });
      this.SUBRULE2(this.block, { LABEL: 'then' });
    });
    this.OPTION(() => {
      this.CONSUME2(K.else);
      this.SUBRULE3(this.block, { LABEL: 'otherwise' });
    });
  });

  readonly parallelStmt = this.RULE('parallelStmt', () => {
    this.CONSUME(K.parallel, KEY);
    this.CONSUME(LCurly);
    this.AT_LEAST_ONE(() => {
      this.CONSUME(K.branch);
      this.SUBRULE(this.block, { LABEL: 'branches' });
    });
    this.CONSUME(RCurly);
  });

  readonly loopStmt = this.RULE('loopStmt', () => {
    this.CONSUME(K.loop, KEY);
    this.OPTION(() => this.CONSUME(Identifier, { LABEL: 'as' }));
    this.OPTION2(() => {
      this.CONSUME(K.max);
      this.CONSUME(Integer, { LABEL: 'max' });
    });
    this.OPTION3(() => {
      this.CONSUME(K.until);
      this.SUBRULE(this.expression, { LABEL: 'until' });
    });
    this.SUBRULE(this.block, { LABEL: 'body' });
  });

  readonly exitStmt = this.RULE('exitStmt', () => {
    this.CONSUME(K.exit, KEY);
    this.OPTION(() => this.SUBRULE(this.expression, VALUE));
  });

  readonly failStmt = this.RULE('failStmt', () => {
    this.CONSUME(K.fail, KEY);
    this.SUBRULE(this.expression, VALUE);
  });

  // ---- Building blocks.

  private timeout(): void {
    this.CONSUME(K.timeout);
    this.CONSUME(DurationValue, { LABEL: 'timeout' });
  }

  private ttl(): void {
    this.CONSUME(K.ttl);
    this.CONSUME2(DurationValue, { LABEL: 'ttl' });
  }

  private valueStatements(label: { LABEL: string }): IOrAlt<unknown>[] {
    return [
      { ALT: () => this.SUBRULE(this.spawnStmt, label) },
      { ALT: () => this.SUBRULE(this.callStmt, label) },
      { ALT: () => this.SUBRULE(this.askStmt, label) },
      { ALT: () => this.SUBRULE(this.execStmt, label) },
      { ALT: () => this.SUBRULE(this.recvStmt, label) },
      { ALT: () => this.SUBRULE(this.awaitStmt, label) },
      { ALT: () => this.SUBRULE(this.acquireStmt, label) },
      { ALT: () => this.SUBRULE(this.attachStmt, label) },
      { ALT: () => this.SUBRULE(this.readStmt, label) },
      { ALT: () => this.SUBRULE(this.verifyStmt, label) },
    ];
  }
}
