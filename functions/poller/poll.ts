// One poll: fetch failed exports from Pleo, keep the ones never alerted, group them, and deliver each alert
// through the outbox (claim → publish → complete) so that no failure between two steps loses or repeats it.
import type { Alert } from '../domain/alert.js';
import { ALERTING_STATUSES, type ExportJob } from '../domain/export-job.js';
import { groupFailures, type NewFailure, needsItems } from '../domain/group.js';
import { credentialsAlert } from '../domain/incidents.js';
import { PleoCredentialsError } from '../pleo/errors.js';
import { createLimiter, forEachLimited } from '../shared/concurrency.js';
import type { AlertPublisher, AlertState, Log, OutboxEntry, PleoExports } from './ports.js';

export interface Company {
  id: string;
  name?: string | undefined;
}

export interface PollSettings {
  /** Companies to poll one by one; empty: poll organisation-wide. */
  companies: readonly Company[];
  lookbackDays: number;
  /** Item listings fetched at once. */
  itemConcurrency: number;
  /** DynamoDB batch reads in flight at once, overlapping with Pleo paging. */
  dynamoConcurrency: number;
  leaseSeconds: number;
  /**
   * Time after which no new item listing is started: the failures found so far are delivered and the rest wait
   * for the next poll, so a large backlog makes progress even when one invocation cannot finish it.
   */
  budgetMs: number;
}

export interface PollDeps {
  pleo: PleoExports;
  state: AlertState;
  /** Built on first use: a poll with nothing to send never loads the SNS client. */
  publisher: () => Promise<AlertPublisher>;
  log: Log;
  now: () => Date;
  /** Identifies this poll in the lease. */
  owner: string;
}

export interface PollReport {
  skipped: boolean;
  jobsSeen: number;
  newFailures: number;
  /** New failures left for the next poll because the time budget ran out. */
  deferredFailures: number;
  alertsPublished: number;
  alertsFailed: number;
  pleoRequests: number;
  durationMs: number;
}

/** Thrown after a poll in which some alerts could not be published; they stay in the outbox for the next poll. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

export async function pollOnce(
  deps: PollDeps,
  settings: PollSettings,
  signal?: AbortSignal,
): Promise<PollReport> {
  const started = deps.now();
  const report: PollReport = {
    skipped: false,
    jobsSeen: 0,
    newFailures: 0,
    deferredFailures: 0,
    alertsPublished: 0,
    alertsFailed: 0,
    pleoRequests: 0,
    durationMs: 0,
  };
  if (!(await deps.state.acquireLease(deps.owner, started, settings.leaseSeconds))) {
    deps.log.info('Another poll holds the lease; skipping this one');
    return { ...report, skipped: true };
  }
  try {
    const delivery = new Delivery(deps, report);
    const outbox = await deps.state.outbox();
    // What earlier polls wrote down goes out first, even when Pleo is down today.
    for (const entry of outbox) await delivery.deliver(entry.alert, entry.status);
    const inFlight = new Set(outbox.flatMap((entry) => entry.alert.jobs.map((job) => job.jobId)));
    let failures: NewFailure[];
    try {
      const newJobs = await listNewJobs(deps, settings, inFlight, report, signal);
      failures = await withFailedItems(newJobs, deps, settings, started, report, signal);
    } catch (error) {
      if (error instanceof PleoCredentialsError) {
        await delivery.deliverIfNew(credentialsAlert(error.status, deps.now()), inFlight);
      }
      throw error;
    }
    const alerts = groupFailures(failures, {
      companyNames: new Map(settings.companies.flatMap((c) => (c.name ? [[c.id, c.name]] : []))),
      detectedAt: deps.now(),
    });
    for (const alert of alerts) await delivery.deliver(alert, 'pending');
    if (report.alertsFailed > 0) {
      throw new DeliveryError(
        `${report.alertsFailed} alert(s) could not be published; the next poll retries them`,
      );
    }
    return report;
  } finally {
    report.pleoRequests = deps.pleo.requestCount;
    report.durationMs = deps.now().getTime() - started.getTime();
    await deps.state.releaseLease(deps.owner);
  }
}

/** Pages through Pleo and, overlapping with it, asks DynamoDB which of each page's jobs were alerted before. */
async function listNewJobs(
  deps: PollDeps,
  settings: PollSettings,
  inFlight: ReadonlySet<string>,
  report: PollReport,
  signal?: AbortSignal,
): Promise<ExportJob[]> {
  const since = new Date(deps.now().getTime() - settings.lookbackDays * 86_400_000);
  const scopes = settings.companies.length > 0 ? settings.companies.map((c) => c.id) : [undefined];
  const seen = new Set<string>();
  const newJobs: ExportJob[] = [];
  const limit = createLimiter(settings.dynamoConcurrency);
  const lookups: Promise<void>[] = [];
  let lookupError: { error: unknown } | undefined;
  for (const companyId of scopes) {
    for await (const page of deps.pleo.listJobs({ statuses: ALERTING_STATUSES, companyId, since, signal })) {
      if (lookupError) throw lookupError.error;
      // Pages can shift while we walk them: a job seen twice counts once.
      const fresh = page.filter(
        (job) => ALERTING_STATUSES.includes(job.status as never) && !seen.has(job.id),
      );
      for (const job of fresh) seen.add(job.id);
      if (fresh.length === 0) continue;
      const lookup = limit(async () => {
        const known = await deps.state.knownJobIds(fresh.map((job) => job.id));
        newJobs.push(...fresh.filter((job) => !known.has(job.id) && !inFlight.has(job.id)));
      });
      lookups.push(
        lookup.catch((error: unknown) => {
          lookupError ??= { error };
        }),
      );
    }
  }
  await Promise.all(lookups);
  if (lookupError) throw lookupError.error;
  report.jobsSeen = seen.size;
  report.newFailures = newJobs.length;
  return newJobs;
}

/** Fetches the failed items of the jobs that need them, within the poll's time budget. */
async function withFailedItems(
  newJobs: readonly ExportJob[],
  deps: PollDeps,
  settings: PollSettings,
  started: Date,
  report: PollReport,
  signal?: AbortSignal,
): Promise<NewFailure[]> {
  const failures: NewFailure[] = newJobs.map((job) => ({ job, failedItems: null }));
  const deferred = new Set<NewFailure>();
  const deadline = started.getTime() + settings.budgetMs;
  await forEachLimited(
    failures.filter((failure) => needsItems(failure.job)),
    settings.itemConcurrency,
    async (failure) => {
      if (deps.now().getTime() >= deadline) {
        deferred.add(failure);
        return;
      }
      try {
        failure.failedItems = await deps.pleo.listFailedItems(failure.job.id, signal);
      } catch (error) {
        if (error instanceof PleoCredentialsError || signal?.aborted) throw error;
        // The job still alerts, under its own reason: better a coarse alert than none.
        deps.log.warn('Could not fetch the failed items of a job', {
          jobId: failure.job.id,
          error: String(error),
        });
      }
    },
  );
  if (deferred.size > 0) {
    report.deferredFailures = deferred.size;
    deps.log.warn('Time budget reached: some new failures are left for the next poll', {
      deferred: deferred.size,
    });
  }
  return failures.filter((failure) => !deferred.has(failure));
}

/** claim → publish → complete, for one alert at a time, counting what happened. */
class Delivery {
  constructor(
    private readonly deps: PollDeps,
    private readonly report: PollReport,
  ) {}

  async deliverIfNew(alert: Alert, inFlight: ReadonlySet<string>): Promise<void> {
    const ids = alert.jobs.map((job) => job.jobId);
    const known = await this.deps.state.knownJobIds(ids);
    if (ids.every((id) => known.has(id) || inFlight.has(id))) return;
    await this.deliver(alert, 'pending');
  }

  async deliver(alert: Alert, status: OutboxEntry['status']): Promise<void> {
    const { state, log } = this.deps;
    if (status !== 'published') {
      // An alert left `publishing` by a poll that died may have gone out: say so to the reader.
      const toSend = status === 'publishing' ? { ...alert, possibleRedelivery: true } : alert;
      await state.claim(toSend, this.deps.now());
      try {
        const publisher = await this.deps.publisher();
        const messageId = await publisher.publish(toSend);
        log.info('Alert published', alertFields(toSend, { messageId }));
      } catch (error) {
        this.report.alertsFailed++;
        log.error(
          'Alert could not be published; it stays in the outbox',
          alertFields(alert, { error: String(error) }),
        );
        await state.release(alert.alertId, String(error));
        return;
      }
      await state.markPublished(alert.alertId);
      this.report.alertsPublished++;
    }
    await state.complete(alert, this.deps.now());
  }
}

function alertFields(alert: Alert, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    alertId: alert.alertId,
    kind: alert.kind,
    companyId: alert.companyId,
    reason: alert.reason,
    jobs: alert.totals.jobs,
    jobIds: alert.jobs.slice(0, 100).map((job) => job.jobId),
    ...extra,
  };
}
