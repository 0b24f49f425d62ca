// An agent's effective capabilities as sets, built on first use and kept for the pass.
import type { EffectiveAgent } from './agents.js';
import { TopicSet } from './topic-set.js';

export interface CapSets {
  readonly spawn: ReadonlySet<string>;
  readonly send: ReadonlySet<string>;
  /** The agent's `tools` and `caps.tools` together: what it may execute. */
  readonly tools: ReadonlySet<string>;
  readonly topics: TopicSet;
  readonly leases: ReadonlySet<string>;
  readonly signalAny: boolean;
}

function build(agent: EffectiveAgent): CapSets {
  const caps = agent.caps;
  return {
    spawn: new Set(caps.spawn),
    send: new Set(caps.send),
    tools: new Set([...(agent.config.tools ?? []), ...(caps.tools ?? [])]),
    topics: new TopicSet(caps.topics ?? []),
    leases: new Set(caps.leases),
    signalAny: caps.signal === 'any',
  };
}

/** A lookup of agents' capability sets by index, each built at most once. */
export function capSetLookup(agents: readonly EffectiveAgent[]): (index: number) => CapSets {
  const built = new Array<CapSets | undefined>(agents.length);
  return (index) => (built[index] ??= build(agents[index] as EffectiveAgent));
}
