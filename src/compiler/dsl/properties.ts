// One declaration's properties: collected in source order (a property given twice is a
// duplicate-key at the second), emitted in schema property order. Simple properties — a keyword
// and one value or list — are read from tables.
import type { CstNode, IToken } from 'chevrotain';
import type { AstBuilder } from './builder.js';

/** How a simple property's value is read: `integer` also takes durations (ms) and sizes (bytes). */
export type ValueKind = 'string' | 'name' | 'integer' | 'number' | 'boolean' | 'names' | 'strings';

export type Key<T> = keyof T & string;

/** Simple properties by keyword: the AST key and how to read the value. */
export type PropSpecs<T> = Readonly<Record<string, { readonly key: Key<T>; readonly kind: ValueKind }>>;

/** The labels every property rule shares (parser.ts). */
export interface PropChildren {
  key?: IToken[];
  value?: IToken[];
  list?: CstNode[];
}

export class Properties<T> {
  private readonly values: Partial<Record<Key<T>, unknown>> = {};

  constructor(
    private readonly b: AstBuilder,
    readonly pointer: string,
  ) {}

  /** The declaration's name, mapped to its name token; its key is the declaration keyword. */
  name(keyword: IToken | undefined, name: IToken | undefined): void {
    this.set('name' as Key<T>, this.b.name(name, this.b.keyAt(`${this.pointer}/name`, keyword)));
  }

  /** The pointer for the property at key, or undefined (reported) when it was given before. */
  claim(key: Key<T>, keyword: IToken | undefined): string | undefined {
    const at = `${this.pointer}/${key}`;
    if (!Object.hasOwn(this.values, key)) return this.b.keyAt(at, keyword);
    this.b.report('duplicate-key', `"${keyword?.image ?? key}" is given twice in one declaration`, at, keyword, {
      hints: [{ message: 'first given here', pointer: at }],
    });
    return undefined;
  }

  set(key: Key<T>, value: unknown): void {
    this.values[key] = value;
  }

  /** The array at key for a repeatable property (`mount`, `param`), created on first use. */
  list(key: Key<T>, keyword: IToken | undefined): unknown[] {
    const existing = this.values[key];
    if (Array.isArray(existing)) return existing;
    const created: unknown[] = [];
    this.b.keyAt(`${this.pointer}/${key}`, keyword);
    this.values[key] = created;
    return created;
  }

  /** Reads a property listed in specs; false when specs do not list its keyword. */
  simple(children: PropChildren, specs: PropSpecs<T>): boolean {
    const keyword = children.key?.[0];
    const spec = keyword && Object.hasOwn(specs, keyword.image) ? specs[keyword.image] : undefined;
    if (!spec) return false;
    const at = this.claim(spec.key, keyword);
    if (at === undefined) return true;
    const value =
      spec.kind === 'names' || spec.kind === 'strings'
        ? readList(this.b, spec.kind, children.list?.[0], at)
        : readValue(this.b, spec.kind, children.value?.[0], at);
    if (value !== undefined) this.values[spec.key] = value;
    return true;
  }

  /** Reads property nodes that are all simple. */
  readAll(props: readonly { children: PropChildren }[] | undefined, specs: PropSpecs<T>): void {
    for (const prop of props ?? []) this.simple(prop.children, specs);
  }

  /** The properties as an object whose keys follow order (the schema's property order). */
  ordered(order: readonly Key<T>[]): T {
    const out: Partial<Record<Key<T>, unknown>> = {};
    for (const key of order) if (Object.hasOwn(this.values, key)) out[key] = this.values[key];
    return out as T;
  }
}

function readValue(b: AstBuilder, kind: ValueKind, token: IToken | undefined, at: string): unknown {
  if (!token) return undefined;
  if (kind === 'string') return b.string(token, at);
  if (kind === 'name') return b.name(token, at);
  if (kind === 'integer') return b.integer(token, at);
  return b.literal(token, at);
}

/** A `[...]` list of names or strings; undefined when recovery left it out. */
export function readList(b: AstBuilder, kind: 'names' | 'strings', list: CstNode | undefined, at: string): string[] | undefined {
  if (!list) return undefined;
  b.at(at, list);
  const items = (list.children['items'] ?? []) as IToken[];
  const out: string[] = [];
  for (let i = 0; i < items.length; i++) out.push(kind === 'names' ? b.name(items[i], `${at}/${i}`) : b.string(items[i], `${at}/${i}`));
  return out;
}
