// The issue's budgets, checked against one benchmark run. A budget the run did not measure says so.
import type { BacklogResult } from './backlog.js';
import { type BundleInfo, SDK_CORE_PACKAGES } from './bundle.js';
import type { ColdStartTimes } from './cold-start.js';
import type { FanOutResult } from './fan-out.js';
import { type PhaseFigures, phaseFigures } from './figures.js';
import { count, duration, kb, mb, times } from './format.js';
import type { Phase, PhaseResult, ScenarioResult } from './scenario.js';

export const BUDGETS = {
  requestRatio: 1.05,
  warmPollJobs: 10_000,
  warmPollMs: 3_000,
  memoryJobs: 100_000,
  memoryMb: 256,
  bundleBytes: 1024 * 1024,
  coldStartRatio: 1.15,
  /** Pleo asks integrations to stay under 500 requests a minute; 8 a second is 480. */
  pleoRequestsPerSecond: 8,
  rateTolerance: 1.05,
  /** The poller's 120 s timeout less its 90 s poll budget and middy's 5 s early timeout. */
  stormDeliveryMs: 25_000,
} as const;

export interface SizeResult {
  /** Failed jobs generated. */
  jobs: number;
  scenario: ScenarioResult;
  /** Polls that ran out of memory and were measured again with more. */
  outOfMemory: Array<{ phase: Phase; memoryMb: number; afterMs: number }>;
}

export interface RateCheck {
  jobs: number;
  phase: PhaseResult;
  /** The production defaults the poll ran with. */
  settings: { maxRequestsPerSecond: number; itemConcurrency: number; dynamoConcurrency: number };
}

export interface StormCheck {
  jobs: number;
  /** (company, reason) groups: the messages sent, each on its own. */
  groups: number;
  phase: PhaseResult;
  deliveryConcurrency: number;
}

export interface BenchResults {
  sizes: SizeResult[];
  bundle: BundleInfo;
  /** The runtime's SDK clients the bundle replaces, bundled alone. */
  sdkClients: BundleInfo;
  /** Versions of the SDK's core packages in package-lock.json. */
  lockfileCoreCopies: Record<string, number>;
  coldStart: ColdStartTimes;
  rate: RateCheck;
  /** A backlog drained poll after poll in scaled time; undefined when --backlog 0. */
  backlog?: BacklogResult | undefined;
  /** Many connections through the dispatcher and the poller; undefined when --connections 0. */
  fanOut?: FanOutResult | undefined;
  storm: StormCheck;
}

export interface BudgetLine {
  /** undefined: not measured in this run. */
  pass: boolean | undefined;
  budget: string;
  detail: string;
}

const PHASES: readonly Phase[] = ['cold', 'warm'];

export interface Row {
  jobs: number;
  phase: Phase;
  result: PhaseResult;
  figures: PhaseFigures;
}

export function phaseRows(sizes: readonly SizeResult[]): Row[] {
  return sizes.flatMap(({ jobs, scenario }) =>
    PHASES.map((phase) => ({
      jobs,
      phase,
      result: scenario[phase],
      figures: phaseFigures(scenario[phase], scenario.ideal[phase]),
    })),
  );
}

export function checkBudgets(results: BenchResults): BudgetLine[] {
  const all = phaseRows(results.sizes);
  return [
    ratioBudget(all, 'Pleo requests', (row) => row.figures.pleo),
    ratioBudget(all, 'DynamoDB BatchGetItem', (row) => row.figures.batchGets),
    publishBudget(all),
    warmPollBudget(all),
    memoryBudget(results.sizes, all),
    bundleBudget(results.bundle),
    coreBudget(results),
    coldStartBudget(results.coldStart),
    snsBudget(all, results.bundle),
    stormBudget(results.storm),
    rateBudget(results.rate),
  ];
}

function label(row: Row): string {
  return `${count(row.jobs)} ${row.phase}`;
}

function ratioBudget(
  all: readonly Row[],
  what: string,
  pick: (row: Row) => { measured: number; ideal: number; ratio: number },
): BudgetLine {
  const budget = `${what} within ${BUDGETS.requestRatio}× of the ideal`;
  const worst = [...all].sort((a, b) => pick(b).ratio - pick(a).ratio)[0];
  if (!worst) return { pass: undefined, budget, detail: 'no poll measured' };
  const { measured, ideal, ratio } = pick(worst);
  return {
    pass: pick(worst).ratio <= BUDGETS.requestRatio,
    budget,
    detail: `worst ${times(ratio)} (${count(measured)} for ${count(ideal)}, ${label(worst)})`,
  };
}

function publishBudget(all: readonly Row[]): BudgetLine {
  const budget = 'A first poll publishes one message per company, and each arrives once';
  if (all.length === 0) return { pass: undefined, budget, detail: 'no poll measured' };
  const off = all.filter(
    ({ figures }) =>
      figures.publishes.measured !== figures.publishes.ideal ||
      figures.delivered !== figures.publishes.measured,
  );
  const detail =
    off.length === 0
      ? 'every cold poll published one message per company (for all its groups), and each message arrived once'
      : off
          .map(
            (row) =>
              `${label(row)}: ${count(row.figures.publishes.measured)} published, ${count(row.figures.delivered)} arrived, ${count(row.figures.publishes.ideal)} companies`,
          )
          .join('; ');
  return { pass: off.length === 0, budget, detail };
}

function warmPollBudget(all: readonly Row[]): BudgetLine {
  const budget = `A warm poll of ${count(BUDGETS.warmPollJobs)} jobs in under ${duration(BUDGETS.warmPollMs)}`;
  const row = all.find((r) => r.jobs === BUDGETS.warmPollJobs && r.phase === 'warm');
  if (!row)
    return { pass: undefined, budget, detail: `not measured (add ${BUDGETS.warmPollJobs} to --sizes)` };
  return {
    pass: row.result.run.pollMs < BUDGETS.warmPollMs,
    budget,
    detail: `${duration(row.result.run.pollMs)}`,
  };
}

function memoryBudget(sizes: readonly SizeResult[], all: readonly Row[]): BudgetLine {
  const budget = `${count(BUDGETS.memoryJobs)} jobs within ${BUDGETS.memoryMb} MB peak RSS`;
  const measured = all.filter((r) => r.jobs === BUDGETS.memoryJobs);
  if (measured.length === 0) {
    return { pass: undefined, budget, detail: `not measured (add ${BUDGETS.memoryJobs} to --sizes)` };
  }
  const crashed = sizes.find((size) => size.jobs === BUDGETS.memoryJobs)?.outOfMemory ?? [];
  const peak = Math.max(...measured.map((r) => r.result.run.peakRssKb));
  const details = [
    ...crashed.map(
      (oom) => `the ${oom.phase} poll ran out of memory at ${oom.memoryMb} MB after ${duration(oom.afterMs)}`,
    ),
    ...measured.map(
      (r) =>
        `${r.phase} ${mb(r.result.run.peakRssKb)}${r.result.memoryMb === BUDGETS.memoryMb ? '' : ` (with a ${count(r.result.memoryMb)} MB heap)`}`,
    ),
  ];
  return {
    pass: crashed.length === 0 && peak <= BUDGETS.memoryMb * 1024,
    budget,
    detail: details.join('; '),
  };
}

function bundleBudget(bundle: BundleInfo): BudgetLine {
  const largest = bundle.byPackage[0];
  return {
    pass: bundle.bytes <= BUDGETS.bundleBytes,
    budget: `Lambda bundle at most ${kb(BUDGETS.bundleBytes)} minified, the AWS SDK in it`,
    detail: `${kb(bundle.bytes)} (a cold start reads ${kb(bundle.startBytes)})${largest ? `; largest part ${largest.name} ${kb(largest.bytes)}` : ''}`,
  };
}

function coreBudget({ bundle, lockfileCoreCopies }: BenchResults): BudgetLine {
  const copies = SDK_CORE_PACKAGES.map(
    (name) =>
      `${name} ${lockfileCoreCopies[name] ?? 0} in the lockfile${bundle.duplicatedPackages.includes(name) ? ', more than one in the bundle' : ''}`,
  );
  return {
    pass:
      SDK_CORE_PACKAGES.every((name) => lockfileCoreCopies[name] === 1) &&
      bundle.duplicatedPackages.length === 0,
    budget: `One copy of the SDK's core (${SDK_CORE_PACKAGES.join(', ')}) in the lockfile and the bundle`,
    detail: `${copies.join('; ')}; packages bundled twice: ${bundle.duplicatedPackages.join(', ') || 'none'}`,
  };
}

function coldStartBudget(coldStart: ColdStartTimes): BudgetLine {
  const ratio = coldStart.bundleMs / coldStart.sdkMs;
  return {
    pass: ratio <= BUDGETS.coldStartRatio,
    budget: `Importing the bundle at most ${BUDGETS.coldStartRatio}× importing the runtime's SDK clients it replaces`,
    detail: `${times(ratio)} (${duration(coldStart.bundleMs)} vs ${duration(coldStart.sdkMs)}; the SDK clients alone take ${times(coldStart.sdkMs / coldStart.bareMs)} node -e 0; the design's libraries and zod configuration alone, ${times(coldStart.frameworkConfigMs / coldStart.sdkMs)})`,
  };
}

function snsBudget(all: readonly Row[], bundle: BundleInfo): BudgetLine {
  const budget = 'A poll with nothing to publish sets up no SNS client';
  if (!bundle.lazyPackages.includes('@aws-sdk/client-sns')) {
    return { pass: false, budget, detail: 'the bundle sets up @aws-sdk/client-sns when it loads' };
  }
  const warm = all.filter((r) => r.phase === 'warm');
  const published = warm.filter((r) => r.figures.publishes.measured > 0);
  return {
    pass: published.length === 0,
    budget,
    detail: `its code is read on the first publish only (an import() of a chunk of the bundle)${warm.length > 0 ? `; warm polls published ${published.length === 0 ? 'nothing' : 'something'}` : ''}`,
  };
}

function stormBudget({ jobs, groups, phase, deliveryConcurrency }: StormCheck): BudgetLine {
  const { outcome } = phase.run;
  return {
    pass:
      outcome.alertsPublished === groups &&
      phase.delivered === groups &&
      outcome.deliveryMs < BUDGETS.stormDeliveryMs,
    budget: `A storm of ${count(jobs)} jobs' groups, each its own message, delivered within the ${duration(BUDGETS.stormDeliveryMs)} an invocation keeps after its poll budget`,
    detail: `${count(outcome.alertsPublished)} of ${count(groups)} published, ${count(phase.delivered)} arrived, in ${duration(outcome.deliveryMs)} (DELIVERY_CONCURRENCY ${deliveryConcurrency})`,
  };
}

function rateBudget(rate: RateCheck): BudgetLine {
  const { phase, settings } = rate;
  return {
    // "About": the rate is sampled every 20 ms, so a limiter that holds exactly may read a hair over.
    pass: phase.meanPleoPerSecond <= BUDGETS.pleoRequestsPerSecond * BUDGETS.rateTolerance,
    budget: `Default Pleo rate per connection at most about ${BUDGETS.pleoRequestsPerSecond} requests/s (${BUDGETS.pleoRequestsPerSecond * 60}/min, under Pleo's 500/min)`,
    detail:
      `${phase.meanPleoPerSecond.toFixed(2)}/s on average, at most ${phase.peakPleoPerSecond} in any second ` +
      `(PLEO_MAX_REQUESTS_PER_SECOND ${settings.maxRequestsPerSecond}, ITEM_CONCURRENCY ${settings.itemConcurrency}, ` +
      `DYNAMODB_CONCURRENCY ${settings.dynamoConcurrency})`,
  };
}
