// npm run bench [-- --sizes 1000,10000,100000] [--runs 30] [--backlog 50000] [--connections 500]
// Measures what a poll costs against the least it could cost, the Lambda bundle and its cold start, and prints
// the budgets. Progress goes to stderr, the report to stdout; the raw figures to .bench/results.json.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { POLLER_SETTINGS } from '../functions/config/poller.js';
import { generateDataset } from '../local/demo-api/seed.js';
import { BACKLOG_BUDGET_SECONDS, type BacklogResult, runBacklog } from './backlog.js';
import type { BenchResults, RateCheck, SizeResult, StormCheck } from './budgets.js';
import {
  BENCH_OUT_DIR,
  buildPollChild,
  buildPollerBundle,
  buildSdkClientsBundle,
  buildShellBundles,
  lockfileCopies,
  SDK_CORE_PACKAGES,
} from './bundle.js';
import { measureColdStart } from './cold-start.js';
import { type FanOutResult, runFanOut } from './fan-out.js';
import { count } from './format.js';
import { PollOutOfMemoryError } from './poll-process.js';
import { renderReport } from './report.js';
import { type BenchTools, LAMBDA_MEMORY_MB, type Phase, runScenario } from './scenario.js';

/** Jobs end within this many days; the poller looks back one day more, so that every job is in its window. */
const SPAN_DAYS = 30;
const LOOKBACK_DAYS = SPAN_DAYS + 1;
const RATE_CHECK_JOBS = 200;
/** The backlog is one organisation's: 20 companies, so that a poll delivers a few hundred alerts, not thousands. */
const BACKLOG_COMPANIES = 20;
/** More polls than a backlog of 100,000 jobs needs at full rate: a slow machine stops here, undrained. */
const BACKLOG_MAX_POLLS = 60;
/** The backlog adds at most about this much to the run; a machine too slow to drain it by then gets a projection. */
const BACKLOG_MAX_MS = 150_000;
const STORM_JOBS = 1_000;
/** Failed jobs per connection in the fan-out row. */
const FAN_OUT_JOBS = 20;
/** A poll that does not fit the function's memory runs again with this much, to measure what it needs. */
const FALLBACK_MEMORY_MB = 1024;

const USAGE =
  'usage: npm run bench -- [--sizes 1000,10000,100000] [--runs 30] [--backlog 50000] [--connections 500]';

function usage(problem: string): never {
  process.stderr.write(`bench: ${problem}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        sizes: { type: 'string', default: '1000,10000,100000' },
        runs: { type: 'string', default: '30' },
        backlog: { type: 'string', default: '50000' },
        connections: { type: 'string', default: '500' },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  }
})();
const sizes = values.sizes.split(',').map((size) => Number(size.replaceAll('_', '').trim()));
const runs = Number(values.runs);
const backlogJobs = Number(values.backlog.replaceAll('_', ''));
if (sizes.some((size) => !Number.isInteger(size) || size < 1)) usage('--sizes takes whole numbers ≥ 1');
if (!Number.isInteger(runs) || runs < 1) usage('--runs takes a whole number ≥ 1');
if (!Number.isInteger(backlogJobs) || backlogJobs < 0) usage('--backlog takes a whole number ≥ 0 (0: none)');
const fanOutConnections = Number(values.connections.replaceAll('_', ''));
if (!Number.isInteger(fanOutConnections) || fanOutConnections < 0)
  usage('--connections takes a whole number ≥ 0 (0: none)');

const progress = (message: string) => process.stderr.write(`${message}\n`);

progress('Building the Lambda bundle…');
const bundle = await buildPollerBundle();
const tools: BenchTools = { bundle: bundle.path, child: await buildPollChild() };

const sizeResults: SizeResult[] = [];
for (const jobs of sizes) sizeResults.push(await measureSize(jobs));

const backlog = backlogJobs > 0 ? await drainBacklog(backlogJobs) : undefined;
let fanOut: FanOutResult | undefined;
if (fanOutConnections > 0) {
  progress(`Fan-out: ${count(fanOutConnections)} connections × ${FAN_OUT_JOBS} failed jobs…`);
  fanOut = await runFanOut({ connections: fanOutConnections, jobsPerConnection: FAN_OUT_JOBS, tools });
}
progress(`A storm: ${count(STORM_JOBS)} jobs, every group its own message…`);
const storm = await stormCheck(tools);

progress(`Pleo rate with the production defaults (${RATE_CHECK_JOBS} jobs)…`);
const rate = await rateCheck(tools);

progress(`Cold start (${runs} runs each)…`);
const sdkClients = await buildSdkClientsBundle();
const coldStart = await measureColdStart(bundle, await buildShellBundles(), sdkClients, runs);

const results: BenchResults = {
  sizes: sizeResults,
  bundle,
  sdkClients,
  lockfileCoreCopies: await lockfileCopies(SDK_CORE_PACKAGES),
  coldStart,
  rate,
  backlog,
  fanOut,
  storm,
};
await writeFile(path.join(BENCH_OUT_DIR, 'results.json'), JSON.stringify(results, null, 2));
process.stdout.write(`${renderReport(results)}\n`);

/** The data of one size: `jobs` failed jobs over 200 companies. */
function sizeDataset(jobs: number) {
  return generateDataset({
    companies: 200,
    failedJobs: jobs,
    completedWithErrorsShare: 0.2,
    failedItemsRange: [1, 50],
    spanDays: SPAN_DAYS,
  });
}

/** A cold and a warm poll of `jobs` failed jobs; a poll that runs out of memory is noted and run with more. */
async function measureSize(jobs: number): Promise<SizeResult> {
  const store = sizeDataset(jobs);
  const memoryMb: Record<Phase, number> = { cold: LAMBDA_MEMORY_MB, warm: LAMBDA_MEMORY_MB };
  const outOfMemory: SizeResult['outOfMemory'] = [];
  for (;;) {
    progress(`${count(jobs)} jobs: cold and warm poll (${memoryMb.cold} / ${memoryMb.warm} MB)…`);
    try {
      const scenario = await runScenario({ store, lookbackDays: LOOKBACK_DAYS, tools, memoryMb });
      return { jobs, scenario, outOfMemory };
    } catch (error) {
      const phase = error instanceof PollOutOfMemoryError ? error.phase : undefined;
      if (!(error instanceof PollOutOfMemoryError) || !phase || memoryMb[phase] >= FALLBACK_MEMORY_MB)
        throw error;
      progress(`  ${error.message} (${phase} poll); again with ${FALLBACK_MEMORY_MB} MB from the start`);
      outOfMemory.push({ phase, memoryMb: error.memoryMb, afterMs: error.afterMs });
      memoryMb[phase] = FALLBACK_MEMORY_MB;
    }
  }
}

/**
 * The most messages one poll of the smallest size can send: no roll-up and no quiet first poll, every (company,
 * reason) group on its own, delivered DELIVERY_CONCURRENCY companies at a time.
 */
async function stormCheck(benchTools: BenchTools): Promise<StormCheck> {
  const scenario = await runScenario({
    store: sizeDataset(STORM_JOBS),
    lookbackDays: LOOKBACK_DAYS,
    tools: benchTools,
    pollerEnv: { ROLLUP_ABOVE: '0', QUIET_FIRST_POLL: 'false' },
  });
  return {
    jobs: STORM_JOBS,
    groups: scenario.ideal.cold.groups,
    phase: scenario.cold,
    deliveryConcurrency: POLLER_SETTINGS.deliveryConcurrency.default,
  };
}

/** A cold poll with the production rate limit and concurrency, to see the rate Pleo would get. */
async function rateCheck(benchTools: BenchTools): Promise<RateCheck> {
  const store = generateDataset({
    companies: 20,
    failedJobs: RATE_CHECK_JOBS,
    completedWithErrorsShare: 0.2,
    failedItemsRange: [1, 50],
    spanDays: SPAN_DAYS,
  });
  const scenario = await runScenario({
    store,
    lookbackDays: LOOKBACK_DAYS,
    tools: benchTools,
    pollerEnv: { PLEO_MAX_REQUESTS_PER_SECOND: undefined },
  });
  return {
    jobs: RATE_CHECK_JOBS,
    phase: scenario.cold,
    settings: {
      maxRequestsPerSecond: POLLER_SETTINGS.pleoMaxRequestsPerSecond.default,
      itemConcurrency: POLLER_SETTINGS.itemConcurrency.default,
      dynamoConcurrency: POLLER_SETTINGS.dynamoConcurrency.default,
    },
  };
}

/** A backlog of `jobs` failures at one organisation, polled in scaled time until every failure went out. */
async function drainBacklog(jobs: number): Promise<BacklogResult> {
  const store = generateDataset({
    companies: BACKLOG_COMPANIES,
    failedJobs: jobs,
    completedWithErrorsShare: 0.2,
    failedItemsRange: [1, 50],
    spanDays: SPAN_DAYS,
  });
  progress(`Backlog of ${count(jobs)} jobs: polls of ${BACKLOG_BUDGET_SECONDS} s until it is drained…`);
  return runBacklog({
    store,
    lookbackDays: LOOKBACK_DAYS,
    tools,
    budgetSeconds: BACKLOG_BUDGET_SECONDS,
    maxPolls: BACKLOG_MAX_POLLS,
    maxMs: BACKLOG_MAX_MS,
    progress: (line) => progress(`  ${line}`),
  });
}
