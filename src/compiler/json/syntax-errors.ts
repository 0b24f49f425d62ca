// jsonc-parser's error codes in words. The codes are the numeric values of its ParseErrorCode
// (a const enum, which isolated modules cannot import).

/** What went wrong, given the text of the token where the parser noticed it. */
const MESSAGES: Record<number, (found: string) => string> = {
  1: (found) => `${found} is not a JSON value (strings need double quotes; NaN and Infinity do not exist in JSON)`,
  2: (found) => `${found} is not a valid number`,
  3: (found) => `expected a property name in double quotes, found ${found}`,
  4: (found) => `expected a value, found ${found}`,
  5: (found) => `expected ":" after the property name, found ${found}`,
  6: (found) => `expected a comma, found ${found}`,
  7: (found) => `expected "}" to close the object, found ${found}`,
  8: (found) => `expected "]" to close the array, found ${found}`,
  9: (found) => `expected the end of the document after its value, found ${found}`,
  10: () => 'comments are not allowed in JSON',
  12: () => 'unterminated string (a string ends on the line it starts)',
  13: (found) => `incomplete number ${found}`,
  14: () => 'invalid unicode escape: \\u needs four hex digits',
  15: () => 'invalid escape sequence in a string',
  16: () => 'control characters must be escaped in a string',
};

const MAX_QUOTED = 40;

/** The offending token as the message shows it. */
export function describeToken(token: string): string {
  if (token === '') return 'the end of the file';
  const shown = token.length > MAX_QUOTED ? token.slice(0, MAX_QUOTED) + '…' : token;
  return JSON.stringify(shown);
}

export function syntaxMessage(code: number, token: string): string {
  const message = MESSAGES[code];
  return message ? message(describeToken(token)) : `syntax error at ${describeToken(token)}`;
}

export const TRAILING_COMMA_MESSAGE = 'trailing commas are not allowed in JSON';
