// A backlog drained over successive polls in scaled time, counted exactly: the bundled Lambda in a fresh process per
// poll, with the scaled budget and rate ceiling the benchmark's backlog row uses. How many polls it takes depends on
// the machine's speed; what each poll delivers, and that nothing is lost or repeated, does not.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKLOG_BUDGET_SECONDS,
  type BacklogResult,
  runBacklog,
  scaledSettings,
} from '../../bench/backlog.js';
import { BENCH_OUT_DIR, buildPollChild, buildPollerBundle } from '../../bench/bundle.js';
import { generateDataset } from '../../local/demo-api/seed.js';

/**
 * Jobs at a few companies (few alerts a poll), more than half with item pages: about 1,050 Pleo requests, more than
 * one poll's 690 at the scaled ceiling.
 */
const JOBS = 1_500;

describe('a backlog drained poll after poll', () => {
  let outDir: string;
  let result: BacklogResult;

  beforeAll(async () => {
    // Prepare: the bundle, and a backlog of failed jobs, a fifth of them with item pages to list
    await mkdir(BENCH_OUT_DIR, { recursive: true });
    outDir = await mkdtemp(path.join(BENCH_OUT_DIR, 'test-backlog-'));
    const tools = { bundle: (await buildPollerBundle(outDir)).path, child: await buildPollChild(outDir) };
    const store = generateDataset({
      companies: 4,
      failedJobs: JOBS,
      completedWithErrorsShare: 0.7,
      failedItemsRange: [1, 50],
      spanDays: 5,
    });

    // Act: poll until every failure went out
    result = await runBacklog({
      store,
      lookbackDays: 7,
      tools,
      budgetSeconds: BACKLOG_BUDGET_SECONDS,
      maxPolls: 30,
    });
    // A bundle and several polls of a child process: seconds alone, minutes on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("scales the rate ceiling as the budget: a poll makes the requests a real 120 s invocation's 86.25 s allow", () => {
    // A real poll: POLL_BUDGET_SECONDS 90, at most three quarters of the 115 s middy leaves it.
    expect(scaledSettings(5)).toMatchObject({
      scale: 17.25,
      realBudgetSeconds: 86.25,
      maxRequestsPerSecond: 138,
    });
    expect(scaledSettings(10)).toMatchObject({ scale: 8.625, maxRequestsPerSecond: 69 });
    expect(() => scaledSettings(4)).toThrow(/POLL_BUDGET_SECONDS 4/);
  });

  it('delivers every failure of the backlog exactly once across polls', () => {
    expect(result.jobs).toBe(JOBS);
    expect(result.jobsNeverAlerted).toBe(0);
    expect(result.repeats).toBe(0);
    expect(result.polls.reduce((sum, poll) => sum + poll.failuresDelivered, 0)).toBe(
      result.failuresDelivered,
    );
  });

  it('takes more than one poll, each of which returns in time and delivers part of the backlog', () => {
    expect(result.polls.length).toBeGreaterThan(1);
    expect(result.polls.map((poll) => ('error' in poll.run ? poll.run.error : 'ok'))).toEqual(
      result.polls.map(() => 'ok'),
    );
    for (const poll of result.polls) expect(poll.failuresDelivered).toBeGreaterThan(0);
  });
});
