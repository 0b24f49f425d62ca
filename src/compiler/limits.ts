// Fixed bounds of the compiler. Limits are explicit diagnostics, never a stack overflow
// (DESIGN.md section 1: an 8-level chevrotain expression grammar overflows Node's default
// stack somewhere between 200 and 300 nested parentheses, so the bound sits far below).

/** Deepest nesting of blocks, brackets and parentheses in the DSL, and of statements plus expressions in the AST. */
export const MAX_NESTING = 64;

/**
 * Deepest nesting of JSON arrays and objects in the JSON form. One level of DSL nesting is at
 * most four JSON levels (statement object, body array, expression object, args array), plus the
 * document's own few.
 */
export const MAX_JSON_DEPTH = MAX_NESTING * 4 + 8;
