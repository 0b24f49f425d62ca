// No sequence of spawns lets a child exceed its parent: from ALL_CAPS, each spawn grants the
// meet of the spawner's set and an arbitrary request, and the model says a request is allowed
// exactly when every request along the chain of spawns allows it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALL_CAPS, allows, capsJson, capsWithin, grantCaps, type CapRequest, type Caps } from '../../src/vm/caps.js';

const TOPIC_PATTERNS = ['*', 'a.*', 'a.b', 'a.b.*', 'a.b.c', 'a', 'a*', 'ab', 'b.*', 'b.c'];
const TOPICS = ['a', 'a.b', 'a.b.c', 'a.c', 'ab', 'b', 'b.c', 'c', ''];
const LEASES = ['gpu', 'db', 'bench'];

const indexSet = fc.oneof(
  fc.constant<'all'>('all'),
  fc.uniqueArray(fc.nat(5), { maxLength: 5 }).map((a) => new Set(a)),
);
const nameList = (names: string[]) => fc.oneof(fc.constant<'all'>('all'), fc.uniqueArray(fc.constantFrom(...names), { maxLength: 4 }));

const capsArb: fc.Arbitrary<Caps> = fc.record({
  spawn: indexSet,
  send: indexSet,
  topics: nameList(TOPIC_PATTERNS),
  tools: indexSet,
  leases: nameList(LEASES),
  signal: fc.constantFrom<Caps['signal']>('descendants', 'any'),
});

const requestArb: fc.Arbitrary<CapRequest> = fc.oneof(
  fc.nat(6).map((agent) => ({ kind: 'spawn' as const, agent })),
  fc.nat(6).map((agent) => ({ kind: 'send' as const, agent })),
  fc.constantFrom(...TOPICS, ...TOPIC_PATTERNS).map((topic) => ({ kind: 'topic' as const, topic })),
  fc.nat(6).map((tool) => ({ kind: 'tool' as const, tool })),
  fc.constantFrom(...LEASES, 'other').map((resource) => ({ kind: 'lease' as const, resource })),
  fc.boolean().map((descendant) => ({ kind: 'signal' as const, descendant })),
);

/** The model: each node's parent and what it requested; the root requested nothing and holds everything. */
interface Model {
  readonly nodes: { readonly parent: number; readonly requested: Caps }[];
}
/** The system under test: the sets grantCaps computed. */
interface Real {
  readonly caps: Caps[];
}

function ancestors(model: Model, node: number): number[] {
  const chain: number[] = [];
  for (let at = model.nodes[node]?.parent ?? -1; at >= 0; at = model.nodes[at]?.parent ?? -1) chain.push(at);
  return chain;
}

/** Allowed exactly when the node's own request and every ancestor's allow it. */
function modelAllows(model: Model, node: number, request: CapRequest): boolean {
  return [node, ...ancestors(model, node)].every((i) => allows(model.nodes[i]?.requested ?? ALL_CAPS, request));
}

const show = (c: Caps) => JSON.stringify(capsJson(c));

class SpawnChild implements fc.Command<Model, Real> {
  constructor(
    readonly from: number,
    readonly requested: Caps,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const parent = this.from % real.caps.length;
    const child = grantCaps(real.caps[parent] as Caps, this.requested);
    expect(capsWithin(child, this.requested)).toBe(true);
    for (const ancestor of [parent, ...ancestors(model, parent)]) {
      expect(capsWithin(child, real.caps[ancestor] as Caps), `child ${show(child)} within node ${ancestor}`).toBe(true);
    }
    model.nodes.push({ parent, requested: this.requested });
    real.caps.push(child);
  }
  toString = () => `spawnChild(${this.from}, ${show(this.requested)})`;
}

class CheckRequest implements fc.Command<Model, Real> {
  constructor(
    readonly node: number,
    readonly request: CapRequest,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const node = this.node % real.caps.length;
    const allowed = allows(real.caps[node] as Caps, this.request);
    expect(allowed).toBe(modelAllows(model, node, this.request));
    if (!allowed) return;
    for (const ancestor of ancestors(model, node)) expect(allows(real.caps[ancestor] as Caps, this.request)).toBe(true);
  }
  toString = () => `checkRequest(${this.node}, ${JSON.stringify(this.request)})`;
}

const commands = fc.commands(
  [
    fc.tuple(fc.nat(40), capsArb).map(([from, requested]) => new SpawnChild(from, requested)),
    fc.tuple(fc.nat(40), requestArb).map(([node, request]) => new CheckRequest(node, request)),
  ],
  { maxCommands: 60 },
);

describe('capability model', () => {
  it('no sequence of spawns and requests lets a child exceed its parent or any ancestor', () => {
    fc.assert(
      fc.property(commands, (cmds) => {
        fc.modelRun(() => ({ model: { nodes: [{ parent: -1, requested: ALL_CAPS }] }, real: { caps: [ALL_CAPS] } }), cmds);
      }),
      { numRuns: 400 },
    );
  });

  it('grantCaps is the greatest set within both: anything within both is within the grant', () => {
    fc.assert(
      fc.property(capsArb, capsArb, capsArb, (a, b, c) => {
        const meet = grantCaps(a, b);
        expect(capsWithin(meet, a) && capsWithin(meet, b)).toBe(true);
        if (capsWithin(c, a) && capsWithin(c, b)) expect(capsWithin(c, meet)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('the order is exactly what allows can tell apart: a is within b when b allows every request a allows', () => {
    const agents = [0, 1, 2, 3, 4, 5, 6];
    const universe: CapRequest[] = [
      ...agents.flatMap((agent) => [{ kind: 'spawn' as const, agent }, { kind: 'send' as const, agent }, { kind: 'tool' as const, tool: agent }]),
      ...[...TOPICS, ...TOPIC_PATTERNS].map((topic) => ({ kind: 'topic' as const, topic })),
      ...[...LEASES, 'other'].map((resource) => ({ kind: 'lease' as const, resource })),
      { kind: 'signal', descendant: false },
    ];
    fc.assert(
      fc.property(capsArb, capsArb, (a, b) => {
        expect(capsWithin(a, b)).toBe(universe.every((r) => !allows(a, r) || allows(b, r)));
      }),
      { numRuns: 3000 },
    );
  });
});
