// The LangGraph comparison workloads do exactly the work they are asked for, and refuse to report
// a speed for a run that did not.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface WorkloadResult {
  units: number;
  ms: number;
  unitsPerSecond: number;
}

interface LangGraphWorkloads {
  langGraphPingPong(messages: number): Promise<WorkloadResult>;
  langGraphFanOut(workers: number): Promise<WorkloadResult>;
  verifyUnits(workload: string, expected: number, actual: number): void;
  LANGGRAPH_SIZES: { pingPong: number; fanOut: number };
}

// The bench scripts are plain JavaScript without declarations; this interface is the contract
// the comparison relies on.
const workloadsUrl = new URL('../../bench/langgraph-workloads.mjs', import.meta.url);
const { langGraphPingPong, langGraphFanOut, verifyUnits, LANGGRAPH_SIZES } = (await import(workloadsUrl.href)) as LangGraphWorkloads;

function expectMeasured(result: WorkloadResult, units: number): void {
  expect(result.units).toBe(units);
  expect(result.ms).toBeGreaterThan(0);
  expect(result.unitsPerSecond).toBeGreaterThan(0);
  expect(result.unitsPerSecond).toBeCloseTo(units / (result.ms / 1000));
}

describe('LangGraph ping-pong', () => {
  it('delivers exactly the requested number of messages', async () => {
    expectMeasured(await langGraphPingPong(20), 20);
  });

  it('ends on a message from ping when the count is odd', async () => {
    expectMeasured(await langGraphPingPong(21), 21);
  });

  it('rejects a size that is not a positive integer', async () => {
    await expect(langGraphPingPong(0)).rejects.toThrow(/positive integer/);
    await expect(langGraphPingPong(2.5)).rejects.toThrow(/positive integer/);
  });
});

describe('LangGraph fan-out', () => {
  it('completes exactly the requested number of workers', async () => {
    expectMeasured(await langGraphFanOut(10), 10);
  });

  it('rejects a size that is not a positive integer', async () => {
    await expect(langGraphFanOut(-1)).rejects.toThrow(/positive integer/);
  });
});

describe('result verification', () => {
  it('throws when the units completed differ from the units requested', () => {
    expect(() => verifyUnits('pingpong', 20, 19)).toThrow('langgraph pingpong: 19 units completed, 20 requested');
    expect(() => verifyUnits('fanout', 10, 11)).toThrow(/11 units completed, 10 requested/);
  });

  it('accepts a run that completed exactly the units requested', () => {
    expect(() => verifyUnits('fanout', 10, 10)).not.toThrow();
  });
});

describe('command line', () => {
  it('prints one JSON line naming the workload and its measurement', () => {
    const stdout = execFileSync(process.execPath, [fileURLToPath(workloadsUrl), 'fanout', '5'], { encoding: 'utf8' });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] ?? '') as WorkloadResult & { workload: string };
    expect(printed.workload).toBe('fanout');
    expectMeasured(printed, 5);
  });

  it('offers full sizes as positive integers', () => {
    expect(Number.isInteger(LANGGRAPH_SIZES.pingPong) && LANGGRAPH_SIZES.pingPong > 0).toBe(true);
    expect(Number.isInteger(LANGGRAPH_SIZES.fanOut) && LANGGRAPH_SIZES.fanOut > 0).toBe(true);
  });
});
