// One benchmark scenario: the demo Export API, dynalite and fauxqs serve a data set from this process while the
// bundled poller runs in fresh processes, once finding everything new (cold) and once finding nothing new (warm).
import { type DemoApi, type RequestLogEntry, startDemoApi } from '../local/demo-api/server.js';
import type { DemoStore } from '../local/demo-api/store.js';
import type { EmbeddedSns } from '../local/embedded/sns.js';
import { type LocalParts, startLocalParts } from '../local/parts.js';
import { coldIdeal, type IdealCost, perCompanyListPages, warmIdeal } from './ideal.js';
import { PollOutOfMemoryError, type PollRun, runPollProcess } from './poll-process.js';

export interface BenchTools {
  /** The built poller bundle. */
  bundle: string;
  /** The built poll child. */
  child: string;
}

export interface ScenarioOptions {
  store: DemoStore;
  lookbackDays: number;
  tools: BenchTools;
  /** Poller settings over the benchmark's own; undefined removes one (its production default applies). */
  pollerEnv?: Record<string, string | undefined>;
  /** The function memory each poll's heap is sized for (default LAMBDA_MEMORY_MB). */
  memoryMb?: Partial<Record<Phase, number>>;
}

export type Phase = 'cold' | 'warm';

/** Requests the demo API answered during one poll, by what they asked for. */
export interface PleoRequestCounts {
  /** Pages of failed and completed_with_errors jobs. */
  alertingList: number;
  /** Pages of completed jobs (whether an open failure group was resolved since). */
  completedList: number;
  items: number;
  other: number;
  /** Answers other than 200. */
  notOk: number;
  total: number;
}

export interface PhaseResult {
  run: PollRun;
  /** The function memory the poll's heap was sized for. */
  memoryMb: number;
  server: PleoRequestCounts;
  /** Messages that reached the queue subscribed to the topic. */
  delivered: number;
  /** The most Pleo requests within any one second of the poll (sampled every 20 ms). */
  peakPleoPerSecond: number;
  /** Pleo requests per second from the first to the last (0 for fewer than two). */
  meanPleoPerSecond: number;
}

export interface ScenarioResult {
  ideal: { cold: IdealCost; warm: IdealCost };
  /** List pages the same data would take polled company by company (PLEO_COMPANIES set). */
  perCompanyListPages: number;
  cold: PhaseResult;
  warm: PhaseResult;
}

/**
 * Organisation-wide, no Pleo rate limit (the production 10 requests/s would make 100,000 jobs take most of an
 * hour of waiting, which measures the limiter, not the poll), and a time budget no poll here reaches (with the
 * lease outlasting it, as configuration requires).
 */
export const BENCH_POLLER_ENV: Readonly<Record<string, string>> = {
  PLEO_COMPANIES: '[]',
  PLEO_MAX_REQUESTS_PER_SECOND: '0',
  POLL_BUDGET_SECONDS: '900',
  LEASE_SECONDS: '960',
  // Every poll sweeps the whole lookback: the warm poll measures paging through every job known.
  RESOLUTION_CHECK_MINUTES: '0',
  POWERTOOLS_SERVICE_NAME: 'pleo-export-alerts',
  POWERTOOLS_METRICS_NAMESPACE: 'PleoExportAlerts',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // Anything not pointed at an embedded part would go nowhere rather than to AWS, and with no real credential.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

/** Set by a shell or by an earlier scenario; each scenario starts its own embedded parts. */
export const PART_VARIABLES = [
  'PLEO_API_URL',
  'PLEO_API_KEY',
  'PLEO_API_TOKEN',
  'PLEO_CREDENTIAL_SECRET_ARN',
  'PLEO_COMPANIES',
  'PLEO_CONNECTIONS',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SNS',
  'ALERT_TOPIC_ARN',
];
/** What the poller process takes from the embedded parts' announcement in process.env. */
const PASSED_VARIABLES = [
  'PATH',
  'AWS_REGION',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SNS',
  'PLEO_API_URL',
  'PLEO_API_KEY',
  'TABLE_NAME',
  'ALERT_TOPIC_ARN',
];

/** The poller's memory in the stack. */
export const LAMBDA_MEMORY_MB = 256;

const LIST_PATH = '/v2/export-jobs';
const ITEMS_PATH = /^\/v2\/export-jobs\/[^/]+\/items$/;

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const since = new Date(Date.now() - options.lookbackDays * 86_400_000);
  const cold = coldIdeal(options.store, since);
  const ideal = { cold, warm: warmIdeal(cold, options.store) };
  const perCompany = perCompanyListPages(options.store, since);

  return withBenchParts(options.store, async (api, parts) => {
    const env = pollerEnv(options);
    const phase = (name: Phase) =>
      runPhase({ name, api, parts, tools: options.tools, env, memoryMb: options.memoryMb?.[name] });
    const coldPhase = await phase('cold');
    const warmPhase = await phase('warm');
    return { ideal, perCompanyListPages: perCompany, cold: coldPhase, warm: warmPhase };
  });
}

/** Serves `store` from the demo Export API, with dynalite and fauxqs beside it, for as long as `work` runs. */
export async function withBenchParts<T>(
  store: DemoStore,
  work: (api: DemoApi, parts: LocalParts & { sns: EmbeddedSns }) => Promise<T>,
): Promise<T> {
  // Started here rather than by startLocalParts, to keep every request's query for counting.
  const api = await startDemoApi({ store, requestLogLimit: Number.MAX_SAFE_INTEGER });
  try {
    // startLocalParts announces the parts in process.env, which the SDK reads too: this process's env it is.
    for (const name of PART_VARIABLES) delete process.env[name];
    Object.assign(process.env, { PLEO_API_URL: api.url, PLEO_API_KEY: 'demo-key', PLEO_COMPANIES: '[]' });
    const parts = await startLocalParts({ env: process.env, newFailureEveryMs: 0 });
    try {
      const { sns } = parts;
      if (!sns) throw new Error('The benchmark needs the embedded SNS');
      return await work(api, { ...parts, sns });
    } finally {
      await parts.close();
    }
  } finally {
    await api.close();
  }
}

/** The poller's environment: the embedded parts, the benchmark's settings, then the scenario's own over them. */
export function pollerEnv(
  options: Pick<ScenarioOptions, 'lookbackDays' | 'pollerEnv'>,
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(PASSED_VARIABLES.map((name) => [name, process.env[name]])),
    ...BENCH_POLLER_ENV,
    LOOKBACK_DAYS: String(options.lookbackDays),
    ...options.pollerEnv,
  };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function runPhase({
  name,
  api,
  parts,
  tools,
  env,
  memoryMb = LAMBDA_MEMORY_MB,
}: {
  name: Phase;
  api: DemoApi;
  parts: LocalParts & { sns: EmbeddedSns };
  tools: BenchTools;
  env: Record<string, string>;
  memoryMb?: number | undefined;
}): Promise<PhaseResult> {
  const logged = api.requests.log.length;
  const rate = sampleRate(() => api.requests.total);
  let run: PollRun;
  try {
    run = await runPollProcess({ child: tools.child, bundle: tools.bundle, env, memoryMb });
  } catch (error) {
    throw error instanceof PollOutOfMemoryError
      ? new PollOutOfMemoryError(error.memoryMb, error.afterMs, name)
      : error;
  } finally {
    rate.stop();
  }
  return {
    run,
    memoryMb,
    server: countRequests(api.requests.log.slice(logged)),
    delivered: (await parts.sns.drain()).length,
    peakPleoPerSecond: rate.peakPerSecond(),
    meanPleoPerSecond: rate.meanPerSecond(),
  };
}

export function countRequests(entries: readonly RequestLogEntry[]): PleoRequestCounts {
  const counts = { alertingList: 0, completedList: 0, items: 0, other: 0, notOk: 0, total: entries.length };
  for (const { path, query, status } of entries) {
    const statuses = query.statuses ?? [];
    if (status !== 200) counts.notOk++;
    if (path === LIST_PATH && statuses.includes('failed')) counts.alertingList++;
    else if (path === LIST_PATH && statuses.includes('completed')) counts.completedList++;
    else if (ITEMS_PATH.test(path)) counts.items++;
    else counts.other++;
  }
  return counts;
}

const SAMPLE_EVERY_MS = 20;

/** Samples a running total; the peak is the largest increase within any one second. */
export function sampleRate(total: () => number) {
  const samples: Sample[] = [];
  const take = () => samples.push({ at: performance.now(), total: total() });
  take();
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  return {
    stop: () => {
      clearInterval(timer);
      take();
    },
    peakPerSecond: () => peakWithin(samples, 1_000),
    meanPerSecond: () => meanRate(samples),
  };
}

type Sample = { at: number; total: number };

/** Requests per second between the first and the last, each placed at the sample that first counted it. */
export function meanRate(samples: readonly Sample[]): number {
  const initial = samples[0]?.total ?? 0;
  const final = samples.at(-1)?.total ?? 0;
  const first = samples.find((sample) => sample.total > initial);
  const last = samples.find((sample) => sample.total === final);
  if (!first || !last || final - initial < 2 || last.at <= first.at) return 0;
  return (final - initial - 1) / ((last.at - first.at) / 1_000);
}

/** The largest increase of the total within `windowMs`. */
export function peakWithin(samples: readonly Sample[], windowMs: number): number {
  let peak = 0;
  let end = 0;
  for (let start = 0; start < samples.length; start++) {
    const from = samples[start] as Sample;
    end = Math.max(end, start);
    while (end + 1 < samples.length && (samples[end + 1]?.at ?? 0) - from.at <= windowMs) end++;
    peak = Math.max(peak, (samples[end]?.total ?? 0) - from.total);
  }
  return peak;
}
