// Readable syntax-error messages: what was expected, named by class ("a duration such as 30s",
// "an agent property (role, model, ...)"), and what was found instead.
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { AnyWord, Identifier, RCurly, RESERVED_WORDS, RSquare, StringLiteral } from './tokens.js';

/** What a rule repeats, for "expected <item> or '}'" when its closing bracket is missing. */
const REPEATED_ITEM: Readonly<Record<string, string>> = {
  modelDecl: 'a model property (id, temperature, max_tokens or context)',
  toolDecl: 'a tool property (description, argv, param, timeout, output_cap, env, cwd or idempotent)',
  agentDecl: 'an agent property (role, model, prompt, tools, mount, caps, budget, restart, retry, supervisor or run)',
  capsBlock: 'a capability (spawn, send, topics, tools, leases or signal)',
  budgetBlock: 'a budget limit (turns, tokens or time)',
  taskDecl: 'a task property (owner, description, inputs, produces, verify or retry)',
  supervisorDecl: 'a supervisor property (strategy, restart, intensity or period)',
  retryDecl: 'a retry property (attempts, backoff, factor, max_backoff or on)',
  block: 'a statement',
  parallelStmt: "'branch'",
  args: 'an argument (name: value)',
  nameList: 'a name',
  stringList: 'a string',
  wordList: 'a name',
  argvList: 'a string or $param',
  jsonObject: 'a member ("key": value)',
  jsonArray: 'a JSON value',
};

/** A primary holds list and object literals (expression-grammar.ts), told apart by their closer. */
function repeatedItem(ruleName: string, closer: TokenType): string | undefined {
  if (ruleName === 'primary') return closer === RSquare ? 'an expression' : 'a field (name: value)';
  return REPEATED_ITEM[ruleName];
}

const DECLARATION = 'a declaration (model, tool, artifact, agent, task, supervisor, retry or main)';

function label(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function firstLine(image: string): string {
  const line = image.split(/\r?\n|\r/, 1)[0] ?? '';
  const short = line.length > 40 ? line.slice(0, 40) : line;
  return short.length < image.length ? `${short}...` : short;
}

/** The token found, in words; names the reserved word when a name was wanted. */
function describeFound(token: IToken | undefined, wantedName = false): string {
  if (!token || token.tokenType === EOF) return 'the end of the file';
  if (wantedName && RESERVED_WORDS.has(token.image)) return `'${token.image}', which is a reserved word`;
  if (tokenMatcher(token, StringLiteral)) return `the string ${firstLine(token.image)}`;
  return `'${firstLine(token.image)}'`;
}

function wantsName(types: readonly TokenType[]): boolean {
  return types.some((t) => t === Identifier || t === AnyWord);
}

/** Labels in first-seen order, without repeats, as "a, b or c". */
function oneOf(types: readonly TokenType[]): string {
  const labels = [...new Set(types.map(label))];
  if (labels.length <= 1) return labels[0] ?? 'something else';
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}

function firstTokens(paths: readonly TokenType[][]): TokenType[] {
  return paths.flatMap((p) => (p[0] ? [p[0]] : []));
}

export const MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    // Input left after the declarations (error recovery can ask for the end of the file).
    if (expected === EOF) return `expected ${DECLARATION}, found ${describeFound(actual)}`;
    const closing = expected === RCurly || expected === RSquare;
    const item = closing ? repeatedItem(ruleName, expected) : undefined;
    const wanted = item ? `${item} or ${label(expected)}` : label(expected);
    return `expected ${wanted}, found ${describeFound(actual, wantsName([expected]))}`;
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${DECLARATION}, found ${describeFound(firstRedundant)}`;
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription }) {
    const firsts = firstTokens(expectedPathsPerAlt.flat());
    const found = describeFound(actual[0], wantsName(firsts));
    // A description with a {found} slot is a whole message (it explains a rule, not just a class).
    if (customUserDescription?.includes('{found}')) return customUserDescription.replace('{found}', found);
    return `expected ${customUserDescription ?? oneOf(firsts)}, found ${found}`;
  },

  buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription }) {
    const firsts = firstTokens(expectedIterationPaths);
    const wanted = customUserDescription ?? oneOf(firsts);
    return `expected at least one ${wanted.replace(/^an? /, '')}, found ${describeFound(actual[0], wantsName(firsts))}`;
  },
};
