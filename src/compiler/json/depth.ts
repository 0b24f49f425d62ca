// The nesting pre-scan: finds arrays and objects nested deeper than the bound before the
// (recursive) parser runs, so a hostile document is a diagnostic, never a stack overflow.

const QUOTE = 34;
const BACKSLASH = 92;
const SLASH = 47;
const STAR = 42;
const LF = 10;
const CR = 13;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** The offset just past the string that opens at start (ends like jsonc-parser's scanner ends it). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === LF || c === CR) return i;
    i += c === BACKSLASH ? 2 : 1;
  }
  return i;
}

/** The offset just past the comment at start, or start itself when none begins there. */
function skipComment(text: string, start: number): number {
  const next = text.charCodeAt(start + 1);
  if (next === SLASH) {
    let i = start + 2;
    while (i < text.length && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
    return i;
  }
  if (next === STAR) {
    const end = text.indexOf('*/', start + 2);
    return end < 0 ? text.length : end + 2;
  }
  return start;
}

/**
 * The offset of the first bracket that opens a level deeper than limit, or undefined.
 *
 * A closer counts only when it matches the innermost open bracket. jsonc-parser leaves an array
 * only on `]` and an object only on `}`, skipping mismatched closers during error recovery, so
 * this count is never below the depth the parser reaches, even on garbage like `[[},[[},...`.
 */
export function findTooDeep(text: string, limit: number): number | undefined {
  const open = new Uint8Array(limit);
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === SLASH) {
      const after = skipComment(text, i);
      if (after > i) {
        i = after;
        continue;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === limit) return i;
      open[depth++] = c;
    } else if (depth > 0 && (c === CLOSE_BRACE || c === CLOSE_BRACKET) && open[depth - 1] === c - 2) {
      depth--;
    }
    i++;
  }
  return undefined;
}
