// A backlog drained poll after poll, in scaled time: the poller's budget, its invocation's time left and the Pleo
// rate ceiling are all scaled by the same factor, so each poll makes the requests a real one would, in 1/scale of
// the time. Each poll is a fresh process of the Lambda bundle against the same demo Export API, dynalite and fauxqs.
import * as z from 'zod/mini';
import { POLLER_SETTINGS, pollerTiming } from '../functions/config/poller.js';
import { parseStructuredMessage } from '../functions/contracts/structured-message.js';
import type { DemoStore } from '../local/demo-api/store.js';
import { type PollRun, runPollProcess } from './poll-process.js';
import {
  type BenchTools,
  countRequests,
  LAMBDA_MEMORY_MB,
  pollerEnv,
  sampleRate,
  withBenchParts,
} from './scenario.js';

/** The poller's timeout in the stack (lib/alerter-stack.ts). */
export const LAMBDA_TIMEOUT_SECONDS = 120;
/** The stack's poll schedule by default: what one poll stands for in real time. */
export const SCHEDULE_MINUTES = 5;
/** The default RESOLUTION_CHECK_MINUTES: every third poll on that schedule sweeps the whole lookback. */
const SWEEP_EVERY_POLLS = Math.round(POLLER_SETTINGS.resolutionCheckMinutes.default / SCHEDULE_MINUTES);
/** The benchmark's simulated budget: the smallest POLL_BUDGET_SECONDS, so that the run is short. */
export const BACKLOG_BUDGET_SECONDS = 5;
/** middy ends the poller's invocation this long before Lambda would (functions/handlers/poller/index.ts). */
const TIMEOUT_EARLY_MS = 5_000;

export interface BacklogOptions {
  store: DemoStore;
  lookbackDays: number;
  tools: BenchTools;
  /** The poll's budget in the simulation (POLL_BUDGET_SECONDS): it stands for a real poll's 86.25 s. */
  budgetSeconds: number;
  /** Polls at most, drained or not. */
  maxPolls: number;
  /** No poll starts after this long (ms): on a slow machine the report projects the rest. */
  maxMs?: number | undefined;
  /** Told a line about each poll as it ends. */
  progress?: (line: string) => void;
}

export interface BacklogPoll {
  /** Whether this poll swept the whole lookback (one poll in three, as RESOLUTION_CHECK_MINUTES does). */
  sweep: boolean;
  /** The poll's outcome, or why it failed (its alerts then wait in the outbox for the next poll). */
  run: PollRun | { error: string };
  /** Pleo requests the demo API answered. */
  pleoRequests: number;
  /** Messages that reached the subscribed queue, and the (job, reason) pairs they carried. */
  messages: number;
  failuresDelivered: number;
  /** Pleo requests per second from the first to the last. */
  meanPleoPerSecond: number;
}

export interface BacklogResult {
  /** Failed and completed_with_errors jobs in the lookback, and the companies they are spread over. */
  jobs: number;
  companies: number;
  /** The scaled settings each poll ran with. */
  settings: ReturnType<typeof scaledSettings>;
  polls: BacklogPoll[];
  /** Distinct (job, reason) failures delivered over all polls, and how many were delivered more than once. */
  failuresDelivered: number;
  repeats: number;
  /** Jobs of the backlog no message named. */
  jobsNeverAlerted: number;
  /** Stopped by `maxMs` before the backlog was drained. */
  timedOut: boolean;
}

/**
 * The settings that give a poll of `budgetSeconds` the Pleo requests a real invocation makes. A real poll's budget
 * is POLL_BUDGET_SECONDS (the timeout less 30 s) and at most three quarters of the time middy leaves it: at a 120 s
 * timeout, min(90 s, 115 s × 0.75) = 86.25 s. Time runs `scale` times faster, and so does the rate ceiling.
 */
export function scaledSettings(budgetSeconds: number) {
  const checked = z.safeParse(POLLER_SETTINGS.pollBudgetSeconds.rule, String(budgetSeconds));
  if (!checked.success)
    throw new Error(
      `POLL_BUDGET_SECONDS ${budgetSeconds} ${checked.error.issues[0]?.message ?? 'is not valid'}`,
    );
  const real = pollerTiming(LAMBDA_TIMEOUT_SECONDS);
  const timeLeftSeconds = LAMBDA_TIMEOUT_SECONDS - TIMEOUT_EARLY_MS / 1_000;
  const realBudgetSeconds = Math.min(real.pollBudgetSeconds, timeLeftSeconds * 0.75);
  const scale = realBudgetSeconds / budgetSeconds;
  return {
    scale,
    realBudgetSeconds,
    budgetSeconds,
    // Rounded down: a whole number of requests per second, never more than the real ceiling allows.
    maxRequestsPerSecond: Math.floor(POLLER_SETTINGS.pleoMaxRequestsPerSecond.default * scale),
    leaseSeconds: real.leaseSeconds,
    // DynamoDB and SNS answer at this machine's speed, not scaled: delivery gets the real invocation's time.
    remainingMs: LAMBDA_TIMEOUT_SECONDS * 1_000,
  };
}

export async function runBacklog(options: BacklogOptions): Promise<BacklogResult> {
  const settings = scaledSettings(options.budgetSeconds);
  const backlog = options.store.listJobs({ statuses: ['failed', 'completed_with_errors'] });
  return withBenchParts(options.store, async (api, parts) => {
    const delivered = new Map<string, number>();
    const jobsAlerted = new Set<string>();
    const polls: BacklogPoll[] = [];
    const started = performance.now();
    let timedOut = false;
    for (let index = 0; index < options.maxPolls; index++) {
      if (options.maxMs !== undefined && performance.now() - started > options.maxMs) {
        timedOut = true;
        break;
      }
      const sweep = index % SWEEP_EVERY_POLLS === 0;
      const env = pollerEnv({
        lookbackDays: options.lookbackDays,
        pollerEnv: {
          PLEO_MAX_REQUESTS_PER_SECOND: String(settings.maxRequestsPerSecond),
          POLL_BUDGET_SECONDS: String(settings.budgetSeconds),
          LEASE_SECONDS: String(settings.leaseSeconds),
          // The polls come seconds apart: whether a sweep is due follows the poll's place on the schedule instead.
          RESOLUTION_CHECK_MINUTES: sweep ? '0' : '1440',
          // Each failure its own message, so that every job delivered can be counted from what SNS received (a
          // combined message lists only its newest jobs); roll-up changes messages, not how fast a backlog drains.
          ROLLUP_ABOVE: '0',
          QUIET_FIRST_POLL: 'false',
        },
      });
      const logged = api.requests.log.length;
      const rate = sampleRate(() => api.requests.total);
      const run = await runPollProcess({
        child: options.tools.child,
        bundle: options.tools.bundle,
        env,
        memoryMb: LAMBDA_MEMORY_MB,
        remainingMs: settings.remainingMs,
      }).catch((error: unknown) => ({
        error: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
      }));
      rate.stop();
      const messages = (await parts.sns.drain()).map((body) => parseStructuredMessage(body));
      let failuresDelivered = 0;
      for (const alert of messages.flatMap((message) => message.alerts)) {
        for (const job of alert.jobs) {
          const key = `${job.jobId} ${alert.reason}`;
          delivered.set(key, (delivered.get(key) ?? 0) + 1);
          jobsAlerted.add(job.jobId);
          failuresDelivered++;
        }
      }
      polls.push({
        sweep,
        run,
        pleoRequests: countRequests(api.requests.log.slice(logged)).total,
        messages: messages.length,
        failuresDelivered,
        meanPleoPerSecond: rate.meanPerSecond(),
      });
      options.progress?.(
        `poll ${index + 1}: ${'error' in run ? run.error : `${run.outcome.alertsPublished} alerts`}; ${jobsAlerted.size} of ${backlog.length} jobs alerted`,
      );
      if (drained(run, jobsAlerted.size, backlog.length)) break;
    }
    return {
      jobs: backlog.length,
      companies: options.store.companies().length,
      settings,
      polls,
      failuresDelivered: delivered.size,
      repeats: [...delivered.values()].filter((times) => times > 1).length,
      jobsNeverAlerted: backlog.filter((job) => !jobsAlerted.has(job.id)).length,
      timedOut,
    };
  });
}

/** Every job alerted and a poll that found nothing left to do: nothing new, nothing deferred, nothing failed. */
function drained(run: BacklogPoll['run'], jobsAlerted: number, jobs: number): boolean {
  return (
    'outcome' in run &&
    jobsAlerted === jobs &&
    run.outcome.deferredFailures === 0 &&
    run.outcome.alertsFailed === 0
  );
}
