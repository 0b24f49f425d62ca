// The LangGraph side of the kernel comparison: ping-pong and fan-out built as @langchain/langgraph
// StateGraphs checkpointed by MemorySaver, timed around `invoke` only, each checking its own result.
// `node bench/langgraph-workloads.mjs pingpong|fanout <size>` prints one run as one JSON line.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import process from 'node:process';
import { Annotation, END, MemorySaver, Send, START, StateGraph } from '@langchain/langgraph';

/**
 * Sizes LangGraph 1.7.3 finishes in about two seconds each on two cores. Fan-out is kept small
 * because its cost grows with the square of the workers (1,000 in 1.1 s, 4,000 in 12 s, 8,000 in
 * 60 s): the runner races every still-running task each time one of them settles.
 */
export const LANGGRAPH_SIZES = { pingPong: 2000, fanOut: 1000 };

/**
 * Supersteps the run may take beyond the ones the workload needs. A ping-pong of n messages
 * takes n supersteps; a fan-out takes three (coordinator, the workers together, join).
 */
const RECURSION_HEADROOM = 10;

/** Throws unless a workload did exactly the work it was asked for, so a broken graph reports no speed. */
export function verifyUnits(workload, expected, actual) {
  if (actual !== expected) throw new Error(`langgraph ${workload}: ${actual} units completed, ${expected} requested`);
}

function requireSize(workload, size) {
  if (!Number.isInteger(size) || size < 1) throw new Error(`langgraph ${workload}: size must be a positive integer, got ${size}`);
}

async function timeInvoke(graph, input, threadId, recursionLimit) {
  const config = { configurable: { thread_id: threadId }, recursionLimit };
  const start = performance.now();
  const state = await graph.invoke(input, config);
  return { state, ms: performance.now() - start };
}

function result(units, ms) {
  return { units, ms, unitsPerSecond: units / (ms / 1000) };
}

// The state carries only the count and the last message, not a growing log: MemorySaver
// serialises the whole state at every step, so a log would make LangGraph's cost quadratic.
const PingPongState = Annotation.Root({
  delivered: Annotation(),
  lastMessage: Annotation(),
  pings: Annotation(),
  pongs: Annotation(),
});

function buildPingPong(messages) {
  const deliver = (sender, tally) => (state) => ({
    delivered: state.delivered + 1,
    lastMessage: { from: sender, seq: state.delivered + 1 },
    [tally]: state[tally] + 1,
  });
  const next = (peer) => (state) => (state.delivered >= messages ? END : peer);
  return new StateGraph(PingPongState)
    .addNode('ping', deliver('ping', 'pings'))
    .addNode('pong', deliver('pong', 'pongs'))
    .addEdge(START, 'ping')
    .addConditionalEdges('ping', next('pong'), ['pong', END])
    .addConditionalEdges('pong', next('ping'), ['ping', END])
    .compile({ checkpointer: new MemorySaver() });
}

/** Two nodes passing a message back and forth until `messages` have been delivered; a unit is one delivery. */
export async function langGraphPingPong(messages) {
  requireSize('pingpong', messages);
  const graph = buildPingPong(messages);
  const input = { delivered: 0, lastMessage: null, pings: 0, pongs: 0 };
  const { state, ms } = await timeInvoke(graph, input, 'pingpong', messages + RECURSION_HEADROOM);
  verifyUnits('pingpong', messages, state.delivered);
  verifyUnits('pingpong', messages, state.pings + state.pongs);
  // Ping sends the odd-numbered messages, so the last sender is fixed by the count's parity.
  const lastSender = messages % 2 === 1 ? 'ping' : 'pong';
  if (state.lastMessage?.from !== lastSender || state.lastMessage.seq !== messages) {
    throw new Error(`langgraph pingpong: last message ${JSON.stringify(state.lastMessage)}, expected #${messages} from ${lastSender}`);
  }
  return result(state.delivered, ms);
}

const FanOutState = Annotation.Root({
  workers: Annotation(),
  results: Annotation({ reducer: (all, more) => all.concat(more), default: () => [] }),
  joined: Annotation(),
});

function buildFanOut() {
  // A worker's unit of work is deliberately trivial, so the figure is the framework's cost per task.
  const worker = ({ index }) => ({ results: [{ index, square: index * index }] });
  const join = (state) => ({ joined: state.results.length });
  return new StateGraph(FanOutState)
    .addNode('coordinator', () => ({}))
    .addNode('worker', worker)
    .addNode('join', join)
    .addEdge(START, 'coordinator')
    .addConditionalEdges('coordinator', (state) => Array.from({ length: state.workers }, (_, index) => new Send('worker', { index })), ['worker'])
    .addEdge('worker', 'join')
    .addEdge('join', END)
    .compile({ checkpointer: new MemorySaver() });
}

/** Throws unless every worker index from 0 to workers - 1 reported exactly once, with its own answer. */
function verifyEachWorkerOnce(workers, results) {
  const seen = new Array(workers).fill(false);
  for (const { index, square } of results) {
    if (!(index >= 0 && index < workers) || seen[index] || square !== index * index) {
      throw new Error(`langgraph fanout: unexpected or repeated result ${JSON.stringify({ index, square })}`);
    }
    seen[index] = true;
  }
}

/** A coordinator sends one task to each of `workers` workers and a join collects them; a unit is one worker finished. */
export async function langGraphFanOut(workers) {
  requireSize('fanout', workers);
  const graph = buildFanOut();
  const { state, ms } = await timeInvoke(graph, { workers }, 'fanout', RECURSION_HEADROOM);
  verifyUnits('fanout', workers, state.joined);
  verifyUnits('fanout', workers, state.results.length);
  verifyEachWorkerOnce(workers, state.results);
  return result(state.results.length, ms);
}

const WORKLOADS = { pingpong: langGraphPingPong, fanout: langGraphFanOut };
const DEFAULT_SIZES = { pingpong: LANGGRAPH_SIZES.pingPong, fanout: LANGGRAPH_SIZES.fanOut };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [workload, sizeText] = process.argv.slice(2);
  const run = WORKLOADS[workload];
  if (!run) {
    process.stderr.write(`usage: node bench/langgraph-workloads.mjs pingpong|fanout [size]\n`);
    process.exit(2);
  }
  const size = sizeText === undefined ? DEFAULT_SIZES[workload] : Number(sizeText);
  process.stdout.write(`${JSON.stringify({ workload, ...(await run(size)) })}\n`);
}
