// The DSL's tokens. Value classes (a duration, a role, a name) are token categories, so the
// parser consumes one class and its error messages name the class ("a duration such as 30s").
import { createToken, Lexer, type TokenType } from 'chevrotain';

// ---- Categories: never matched by the lexer, matched by the parser against their members.

/** Any word, reserved or not: where nothing else can stand (a field after `.`, a key before `:`, a parameter name). */
export const AnyWord = createToken({ name: 'AnyWord', pattern: Lexer.NA, label: 'a name' });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: Lexer.NA, label: 'a string' });
export const NumberValue = createToken({ name: 'NumberValue', pattern: Lexer.NA, label: 'a number' });
/** A duration, or a bare integer meaning milliseconds. */
export const DurationValue = createToken({ name: 'DurationValue', pattern: Lexer.NA, label: 'a duration such as 30s' });
/** A size, or a bare integer meaning bytes. */
export const SizeValue = createToken({ name: 'SizeValue', pattern: Lexer.NA, label: 'a size such as 1mb' });
export const BooleanValue = createToken({ name: 'BooleanValue', pattern: Lexer.NA, label: 'true or false' });
export const CmpOp = createToken({ name: 'CmpOp', pattern: Lexer.NA, label: 'a comparison (==, !=, <, <=, >, >=)' });
export const LogicOp = createToken({ name: 'LogicOp', pattern: Lexer.NA, label: "'and' or 'or'" });
/**
 * Stands for the next top-level declaration's keyword at the end of a part of the file parsed on
 * its own: no rule accepts it, so the part ends there, and messages about it read as they would
 * in a whole-file parse (it keeps the keyword's text and offset).
 */
export const Boundary = createToken({ name: 'Boundary', pattern: Lexer.NA, label: 'the next declaration' });

// ---- Names. Identifier is also the category of the unreserved keywords below, so they serve as names.

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_-]*/,
  categories: [AnyWord],
  label: 'a name',
});

// ---- Trivia and literals. Order matters: longer and more specific patterns first.

const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

export const TripleString = createToken({
  name: 'TripleString',
  pattern: /"""[\s\S]*?"""/,
  categories: [StringLiteral],
  line_breaks: true,
  label: 'a string',
});
/** A JSON string: JSON escapes only, no raw control characters. */
export const DoubleString = createToken({
  name: 'DoubleString',
  // eslint-disable-next-line no-control-regex -- JSON forbids raw U+0000–U+001F inside a string.
  pattern: /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/,
  categories: [StringLiteral],
  label: 'a string',
});

// A word, digit or dot right after a number makes it malformed (`10sec`, `1.5s`), not two tokens.
export const Size = createToken({ name: 'Size', pattern: /-?[0-9]+(?:kb|mb|gb|b)(?![A-Za-z0-9_.])/, categories: [SizeValue], label: 'a size such as 1mb' });
export const Duration = createToken({ name: 'Duration', pattern: /-?[0-9]+(?:ms|s|m|h)(?![A-Za-z0-9_.])/, categories: [DurationValue], label: 'a duration such as 30s' });
export const Decimal = createToken({ name: 'Decimal', pattern: /-?[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?(?![A-Za-z0-9_.])/, categories: [NumberValue], label: 'a number' });
export const Integer = createToken({
  name: 'Integer',
  pattern: /-?[0-9]+(?![A-Za-z0-9_.])/,
  categories: [NumberValue, DurationValue, SizeValue],
  label: 'an integer',
});

// ---- Malformed input the parser never accepts: the pre-scan reports each with a specific message.

const BadComment = createToken({ name: 'BadComment', pattern: /\/\*[\s\S]*/, line_breaks: true, label: 'an unterminated comment' });
const BadTriple = createToken({ name: 'BadTriple', pattern: /"""[\s\S]*/, line_breaks: true, label: 'an unterminated string' });
const BadString = createToken({ name: 'BadString', pattern: /"(?:[^"\\\r\n]|\\[^\r\n]?)*"?/, label: 'an invalid string' });
const BadNumber = createToken({ name: 'BadNumber', pattern: /-?[0-9][A-Za-z0-9_.]*/, label: 'a malformed number' });

/** Why each malformed token is wrong. */
export const INVALID_TOKENS: ReadonlyMap<TokenType, (image: string) => string> = new Map<TokenType, (image: string) => string>([
  [BadComment, () => 'unterminated block comment: no closing */'],
  [BadTriple, () => 'unterminated triple-quoted string: no closing """'],
  [
    BadString,
    () =>
      'invalid string: a string ends on the line it starts and uses only JSON escapes (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX); use """...""" for multi-line text',
  ],
  [
    BadNumber,
    (image) =>
      `"${image}" is not a number: durations are whole numbers with ms, s, m or h (30s), sizes with b, kb, mb or gb (1mb), and a decimal has digits on both sides of its point`,
  ],
]);

// ---- Punctuation.

export const LCurly = createToken({ name: 'LCurly', pattern: '{', label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: '}', label: "'}'" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const LSquare = createToken({ name: 'LSquare', pattern: '[', label: "'['" });
export const RSquare = createToken({ name: 'RSquare', pattern: ']', label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: ':', label: "':'" });
export const Dot = createToken({ name: 'Dot', pattern: '.', label: "'.'" });
export const Dollar = createToken({ name: 'Dollar', pattern: '$', label: "'$'" });
const comparisons = (
  [
    ['EqualEqual', '=='],
    ['NotEqual', '!='],
    ['LessEqual', '<='],
    ['GreaterEqual', '>='],
    ['Less', '<'],
    ['Greater', '>'],
  ] as const
).map(([name, op]) => createToken({ name, pattern: op, categories: [CmpOp], label: `'${op}'` }));
// After the comparisons, so `==` is never read as two `=`.
export const Equals = createToken({ name: 'Equals', pattern: '=', label: "'='" });

// ---- Keywords. Reserved words start declarations, statements and their clauses, or are
// expression words: a name may not be one. The other words are names everywhere but where the
// grammar asks for them, since nothing else can stand there: property keywords (`strategy`,
// `time`), which only open a property inside a declaration's braces, and enum values (`worker`).

const RESERVED = [
  'workflow', 'version', 'model', 'tool', 'artifact', 'agent', 'task', 'supervisor', 'retry', 'main',
  'let', 'set', 'spawn', 'call', 'ask', 'exec', 'recv', 'await', 'acquire', 'attach', 'read', 'verify',
  'send', 'publish', 'subscribe', 'signal', 'renew', 'release', 'sleep', 'checkpoint', 'write', 'if', 'else',
  'parallel', 'branch', 'loop', 'exit', 'fail', 'with', 'timeout', 'ttl', 'lease', 'returns', 'max', 'until',
  'or', 'and', 'not', 'true', 'false', 'null',
] as const;

const PROPERTY_WORDS = [
  'id', 'temperature', 'max_tokens', 'context', 'description', 'argv', 'param', 'in', 'output_cap', 'env',
  'cwd', 'schema', 'file', 'extends', 'role', 'prompt', 'tools', 'mount', 'from', 'over', 'caps', 'topics',
  'leases', 'budget', 'turns', 'tokens', 'time', 'restart', 'run', 'owner', 'inputs', 'produces', 'by',
  'strategy', 'intensity', 'period', 'attempts', 'backoff', 'factor', 'max_backoff', 'on', 'idempotent',
] as const;

export const RoleWord = createToken({ name: 'RoleWord', pattern: Lexer.NA, label: 'a role (planner, worker, evaluator, reviewer or custom)' });
export const MountKind = createToken({ name: 'MountKind', pattern: Lexer.NA, label: 'a mount kind (scratch, shared, reference or overlay)' });
export const RestartWord = createToken({ name: 'RestartWord', pattern: Lexer.NA, label: 'a restart type (permanent, transient or temporary)' });
export const StrategyWord = createToken({ name: 'StrategyWord', pattern: Lexer.NA, label: 'a strategy (one_for_one, one_for_all or rest_for_one)' });
export const SignalScope = createToken({ name: 'SignalScope', pattern: Lexer.NA, label: 'descendants or any' });
export const SignalOp = createToken({ name: 'SignalOp', pattern: Lexer.NA, label: 'a signal (kill, pause, resume or cancel)' });
export const ParamType = createToken({ name: 'ParamType', pattern: Lexer.NA, label: 'a parameter type (path, enum, int or string)' });

const CONTEXTUAL_WORDS = [
  [RoleWord, ['planner', 'worker', 'evaluator', 'reviewer', 'custom']],
  [MountKind, ['scratch', 'shared', 'reference', 'overlay']],
  [RestartWord, ['permanent', 'transient', 'temporary']],
  [StrategyWord, ['one_for_one', 'one_for_all', 'rest_for_one']],
  [SignalScope, ['descendants', 'any']],
  [SignalOp, ['kill', 'pause', 'resume', 'cancel']],
  [ParamType, ['path', 'enum', 'int', 'string']],
] as const;

type Keyword = (typeof RESERVED)[number] | (typeof PROPERTY_WORDS)[number];
type ContextualWord = (typeof CONTEXTUAL_WORDS)[number][1][number];

function tokenName(word: string): string {
  return word.replace(/(^|_)([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

function keywordToken(word: string, categories: TokenType[]): TokenType {
  return createToken({ name: tokenName(word), pattern: word, longer_alt: Identifier, categories, label: `'${word}'` });
}

function reservedCategories(word: string): TokenType[] {
  if (word === 'and' || word === 'or') return [AnyWord, LogicOp];
  return word === 'true' || word === 'false' ? [AnyWord, BooleanValue] : [AnyWord];
}

/** The keywords' token types, by keyword: `K.max_tokens`. */
export const K = Object.fromEntries([
  ...RESERVED.map((w) => [w, keywordToken(w, reservedCategories(w))]),
  ...PROPERTY_WORDS.map((w) => [w, keywordToken(w, [Identifier])]),
]) as Record<Keyword, TokenType>;

/** The contextual words' token types, by word: `W.worker`. */
export const W = Object.fromEntries(
  CONTEXTUAL_WORDS.flatMap(([category, words]) => words.map((w) => [w, keywordToken(w, [Identifier, category])])),
) as Record<ContextualWord, TokenType>;

/** Words a name may not be (a printer must avoid them). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(RESERVED);

/**
 * Every keyword and contextual word by its text. The lexer reads all words as Identifier and
 * lex() then retypes the ones found here: one map lookup per word instead of trying each
 * keyword's pattern, with the same result as `longer_alt` (a word is a keyword only whole).
 */
export const WORD_TOKENS: ReadonlyMap<string, TokenType> = new Map([...Object.entries(K), ...Object.entries(W)]);

/** Lexing order. */
export const LEXER_TOKENS: TokenType[] = [
  Whitespace, LineComment, BlockComment, BadComment,
  TripleString, BadTriple, DoubleString, BadString,
  Size, Duration, Decimal, Integer, BadNumber,
  LCurly, RCurly, LParen, RParen, LSquare, RSquare, Comma, Colon, Dot, Dollar,
  ...comparisons, Equals,
  Identifier,
];

/** Everything the parser may meet, categories included. */
export const VOCABULARY: TokenType[] = [
  ...LEXER_TOKENS,
  ...WORD_TOKENS.values(),
  AnyWord, StringLiteral, NumberValue, DurationValue, SizeValue, BooleanValue, CmpOp, LogicOp, Boundary,
  RoleWord, MountKind, RestartWord, StrategyWord, SignalScope, SignalOp, ParamType,
];
