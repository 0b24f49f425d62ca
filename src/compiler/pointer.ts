// RFC 6901 JSON pointers: how every check names the AST node it is about.

export function escapeToken(token: string | number): string {
  if (typeof token === 'number') return String(token);
  // Almost every token needs no escaping; skip the two regex passes for those.
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function join(pointer: string, ...tokens: (string | number)[]): string {
  let out = pointer;
  for (const t of tokens) out += '/' + escapeToken(t);
  return out;
}

export function parse(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeToken);
}

/** The pointer without its last token ('' stays ''). */
export function parent(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}
