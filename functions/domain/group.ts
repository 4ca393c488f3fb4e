// Turns new failures into alerts: one per (company, reason), a completed_with_errors job contributing its
// failed items to the groups of the items' reasons. Pure: no I/O, deterministic ids.
import { createHash } from 'node:crypto';
import type { Alert, AlertJob } from './alert.js';
import type { ExportJob, ExportJobItem } from './export-job.js';
import { describeReason } from './reasons.js';

export const UNKNOWN_REASON = 'unknown';

/**
 * Jobs in one message at most. SNS carries 256 KB and a structured copy of every job id goes to two
 * protocols, so a larger group is sent as several parts rather than cut.
 */
export const MAX_JOBS_PER_ALERT = 1_000;

/** A new failure and, when they were fetched, its failed items by reason (null: not needed or not available). */
export interface NewFailure {
  job: ExportJob;
  failedItems: ItemReason[] | null;
}

/** The failed items of a job that share a reason: how many, and the first words Pleo gave for them. */
export interface ItemReason {
  /** The item's failureReasonType, or null when Pleo gave none. */
  reason: string | null;
  count: number;
  failureReason: string | null;
}

/** A job's failed items by reason. */
export function itemReasons(items: readonly ExportJobItem[]): ItemReason[] {
  return foldItemReasons([], items);
}

/**
 * Folds one page of a job's failed items into `into` (the reasons of the pages before) and returns it: the poll
 * folds each page as it arrives, so it never holds every item of a job.
 */
export function foldItemReasons(into: ItemReason[], items: readonly ExportJobItem[]): ItemReason[] {
  for (const item of items) {
    const reason = item.failureReasonType || null;
    const summary = into.find((known) => known.reason === reason);
    if (summary === undefined) {
      into.push({ reason, count: 1, failureReason: item.failureReason || null });
    } else {
      summary.count++;
      summary.failureReason ??= item.failureReason || null;
    }
  }
  return into;
}

export interface GroupOptions {
  companyNames: ReadonlyMap<string, string>;
  detectedAt: Date;
}

/** Whether the items of a job must be fetched to know why it failed. */
export function needsItems(job: ExportJob): boolean {
  return job.status === 'completed_with_errors' || !job.failureReasonType;
}

export function groupFailures(failures: readonly NewFailure[], options: GroupOptions): Alert[] {
  const groups = new Map<string, { companyId: string; reason: string; jobs: AlertJob[] }>();
  for (const failure of failures) {
    for (const [reason, job] of contributions(failure)) {
      const key = `${failure.job.companyId}\u0000${reason}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { companyId: failure.job.companyId, reason, jobs: [] };
        groups.set(key, group);
      }
      group.jobs.push(job);
    }
  }
  const alerts: Alert[] = [];
  for (const group of [...groups.values()].sort(byCompanyThenReason)) {
    const jobs = group.jobs.sort(newestFirst);
    const parts = Math.ceil(jobs.length / MAX_JOBS_PER_ALERT);
    for (let part = 0; part < parts; part++) {
      const slice = jobs.slice(part * MAX_JOBS_PER_ALERT, (part + 1) * MAX_JOBS_PER_ALERT);
      alerts.push(buildAlert(group.companyId, group.reason, slice, options));
    }
  }
  return alerts;
}

/** The (reason, job line) pairs one failure adds to the groups. */
function contributions(failure: NewFailure): Array<[string, AlertJob]> {
  const { job, failedItems } = failure;
  const base = {
    jobId: job.id,
    status: job.status,
    createdAt: job.createdAt,
    numberOfItems: job.numberOfItems,
  };
  const jobReason = job.failureReasonType || UNKNOWN_REASON;
  if (failedItems === null || failedItems.length === 0) {
    // A failed job exported none of its items; for any other job Pleo did not say how many failed.
    const failedCount = job.status === 'failed' ? job.numberOfItems : null;
    return [[jobReason, { ...base, failedItems: failedCount, failureReason: job.failureReason ?? null }]];
  }
  const byReason = new Map<string, { count: number; failureReason: string | null }>();
  for (const item of failedItems) {
    const reason = item.reason || jobReason;
    const merged = byReason.get(reason);
    if (merged === undefined) byReason.set(reason, { count: item.count, failureReason: item.failureReason });
    else {
      merged.count += item.count;
      merged.failureReason ??= item.failureReason;
    }
  }
  const reasons = [...byReason.keys()];
  return [...byReason].map(([reason, merged]) => [
    reason,
    {
      ...base,
      failedItems: merged.count,
      failureReason: merged.failureReason ?? job.failureReason ?? null,
      ...(reasons.length > 1 && { alsoFailedFor: reasons.filter((other) => other !== reason) }),
    },
  ]);
}

function buildAlert(companyId: string, reason: string, jobs: AlertJob[], options: GroupOptions): Alert {
  return {
    schemaVersion: 1,
    alertId: alertIdOf(companyId, reason, jobs),
    kind: 'alert',
    companyId,
    companyName: options.companyNames.get(companyId) ?? null,
    reason,
    category: describeReason(reason).category,
    jobs,
    totals: {
      jobs: jobs.length,
      items: jobs.reduce((sum, job) => sum + job.numberOfItems, 0),
      failedItems: jobs.reduce((sum, job) => sum + (job.failedItems ?? 0), 0),
      uncounted: jobs.filter((job) => job.failedItems === null).length || undefined,
    },
    detectedAt: options.detectedAt.toISOString(),
    possibleRedelivery: false,
  };
}

/** The same failures always give the same id, so a retried delivery can be recognised downstream. */
export function alertIdOf(companyId: string, reason: string, jobs: readonly AlertJob[]): string {
  const hash = createHash('sha256').update(`${companyId}\n${reason}`);
  for (const id of jobs.map((job) => job.jobId).sort()) hash.update(`\n${id}`);
  return hash.digest('hex').slice(0, 32);
}

function byCompanyThenReason(
  a: { companyId: string; reason: string },
  b: { companyId: string; reason: string },
) {
  return a.companyId.localeCompare(b.companyId) || a.reason.localeCompare(b.reason);
}

function newestFirst(a: AlertJob, b: AlertJob): number {
  return b.createdAt.localeCompare(a.createdAt) || a.jobId.localeCompare(b.jobId);
}
