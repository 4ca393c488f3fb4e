// Finds the failures no earlier poll handled: pages through Pleo, asks DynamoDB about each page while the next
// one loads, and fetches the failed items of the jobs whose reasons live on their items.

import { ALERTING_STATUSES, type ExportJob } from '../domain/export-job.js';
import { foldItemReasons, type ItemReason, type NewFailure, needsItems } from '../domain/group.js';
import type { CompletedExport } from '../domain/lifecycle.js';
import { createLimiter, forEachLimited } from '../shared/concurrency.js';
import {
  OrganisationListingRefusedError,
  PleoCredentialsError,
  PleoRequestError,
  PleoUnavailableError,
} from './errors.js';
import type { AlertHistory, Log, PleoExports } from './ports.js';

export interface Scope {
  pleo: PleoExports;
  state: AlertHistory;
  log: Log;
  /** Company ids to list one by one; empty: organisation-wide. */
  companyIds: readonly string[];
  signal?: AbortSignal | undefined;
}

export interface NewJobs {
  jobsSeen: number;
  newJobs: ExportJob[];
}

export async function listNewJobs(
  scope: Scope,
  since: Date,
  inFlight: ReadonlySet<string>,
  concurrency: number,
) {
  const seen = new Set<string>();
  const shared = new Map<string, string>();
  const newJobs: ExportJob[] = [];
  const limit = createLimiter(concurrency);
  const lookups: Promise<void>[] = [];
  let lookupError: { error: unknown } | undefined;
  for (const companyId of scopesOf(scope.companyIds)) {
    for await (const page of failedJobs(scope, companyId, since)) {
      if (lookupError) throw lookupError.error;
      // Pages can shift while we walk them: a job seen twice counts once.
      const fresh: ExportJob[] = [];
      for (const job of page) {
        if (!ALERTING_STATUSES.includes(job.status as never) || seen.has(job.id)) continue;
        seen.add(job.id);
        fresh.push(essentials(job, shared));
      }
      if (fresh.length === 0) continue;
      const lookup = limit(async () => {
        const known = await scope.state.knownJobIds(fresh.map((job) => job.id));
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
  return { jobsSeen: seen.size, newJobs } satisfies NewJobs;
}

/**
 * A recent job whose items Pleo could not list for now (429s, 5xx, timeouts past the retry budget) waits for the
 * next poll, which asks again; an older one, or one whose items cannot be listed at all, is alerted under its own
 * reason: a coarse alert beats none. Kept well inside the shortest lookback, so a waiting job is still listed.
 */
const ITEMS_PATIENCE_MS = 6 * 3_600_000;

/** One listing of failed jobs; a refused organisation-wide one says what a multi-entity organisation needs. */
async function* failedJobs(scope: Scope, companyId: string | undefined, since: Date) {
  try {
    yield* scope.pleo.listJobs({ statuses: ALERTING_STATUSES, companyId, since, signal: scope.signal });
  } catch (error) {
    if (companyId !== undefined || !(error instanceof PleoRequestError)) throw error;
    throw new OrganisationListingRefusedError(error);
  }
}

/**
 * Fetches the failed items of the jobs that need them. After `deadline` (a `performance.now()` time) no new
 * listing starts: those jobs are left out (returned as `deferred`) for the next poll, so a large backlog makes
 * progress in every invocation. So are recent jobs whose items Pleo could not list for now.
 */
export async function withFailedItems(
  scope: Scope,
  newJobs: readonly ExportJob[],
  { concurrency, deadline, now }: { concurrency: number; deadline: number; now: Date },
): Promise<{ failures: NewFailure[]; deferred: number }> {
  const failures: NewFailure[] = newJobs.map((job) => ({ job, failedItems: null }));
  const deferred = new Set<NewFailure>();
  let outOfTime = 0;
  await forEachLimited(
    failures.filter((failure) => needsItems(failure.job)),
    concurrency,
    async (failure) => {
      if (performance.now() >= deadline) {
        deferred.add(failure);
        outOfTime++;
        return;
      }
      try {
        const reasons: ItemReason[] = [];
        for await (const page of scope.pleo.listFailedItems(failure.job.id, scope.signal)) {
          foldItemReasons(reasons, page);
        }
        failure.failedItems = reasons;
      } catch (error) {
        if (error instanceof PleoCredentialsError || scope.signal?.aborted) throw error;
        const recent = Date.parse(failure.job.createdAt) > now.getTime() - ITEMS_PATIENCE_MS;
        if (error instanceof PleoUnavailableError && recent) {
          deferred.add(failure);
          scope.log.warn('Pleo could not list the failed items of a job for now; the next poll asks again', {
            jobId: failure.job.id,
            error: error.message,
          });
          return;
        }
        scope.log.warn('Could not fetch the failed items of a job; it is alerted under its own reason', {
          jobId: failure.job.id,
          error: String(error),
        });
      }
    },
  );
  if (outOfTime > 0) {
    scope.log.warn('Time budget reached: some new failures are left for the next poll', {
      deferred: outOfTime,
    });
  }
  return { failures: failures.filter((failure) => !deferred.has(failure)), deferred: deferred.size };
}

/** The newest completed export of each company among `companyIds` created after `since`. */
export async function latestCompletedExports(
  scope: Scope,
  companyIds: readonly string[],
  since: Date,
): Promise<Map<string, CompletedExport>> {
  const latest = new Map<string, CompletedExport>();
  const wanted = new Set(companyIds);
  if (wanted.size === 0) return latest;
  // Configured companies are listed one by one, only those that matter; otherwise one organisation-wide listing.
  const scopes = scope.companyIds.length > 0 ? scope.companyIds.filter((id) => wanted.has(id)) : [undefined];
  for (const companyId of scopes) {
    for await (const page of scope.pleo.listJobs({
      statuses: ['completed'],
      companyId,
      since,
      signal: scope.signal,
    })) {
      for (const job of page) {
        const current = latest.get(job.companyId);
        if (job.status === 'completed' && (!current || job.createdAt > current.createdAt)) {
          latest.set(job.companyId, { jobId: job.id, createdAt: job.createdAt });
        }
      }
    }
  }
  return latest;
}

/**
 * Only what grouping and alerting read, with the values many jobs share (company, status, reason, Pleo's words)
 * kept once: JSON gives every job its own copy, and a poll of 100,000 jobs must fit the Lambda's memory.
 */
function essentials(job: ExportJob, shared: Map<string, string>): ExportJob {
  const once = <T extends string | null | undefined>(value: T): T => {
    if (typeof value !== 'string') return value;
    const kept = shared.get(value);
    if (kept !== undefined) return kept as T;
    shared.set(value, value);
    return value;
  };
  return {
    id: job.id,
    companyId: once(job.companyId),
    status: once(job.status),
    createdAt: job.createdAt,
    numberOfItems: job.numberOfItems,
    failureReasonType: once(job.failureReasonType),
    failureReason: once(job.failureReason),
  };
}

function scopesOf(companyIds: readonly string[]): Array<string | undefined> {
  return companyIds.length > 0 ? [...companyIds] : [undefined];
}
