// The exactly-once oracle: given what subscribers received and what Pleo says failed, lists every way delivery
// went wrong (a loss, a repeat the outbox could not have caused, a phantom alert). Empty means all is well.

import type { ExportJob, ExportJobItem } from '../../functions/domain/export-job.js';
import { needsItems } from '../../functions/domain/group.js';
import { ALERTER_COMPANY_ID } from '../../functions/domain/incidents.js';
import type { FaultJournal } from './faults.js';

/** One message as a subscriber received it. */
export interface Received {
  alertId: string;
  kind: string;
  possibleRedelivery: boolean;
  companyId: string;
  reason: string;
  jobIds: readonly string[];
}

/** How a failed job must show up in alerts. */
export interface ExpectedFailure {
  companyId: string;
  /** The reasons its failure is alerted under, one alert line each. */
  reasons: ReadonlySet<string>;
  /** Its own reason: what it is alerted under when its failed items could not be fetched. */
  coarseReason: string;
}

/** The reasons a job's failure is alerted under, as the design says (item reasons for completed_with_errors). */
export function expectedFailure(job: ExportJob, failedItems: readonly ExportJobItem[]): ExpectedFailure {
  const coarseReason = job.failureReasonType || 'unknown';
  const reasons =
    needsItems(job) && failedItems.length > 0
      ? new Set(failedItems.map((item) => item.failureReasonType || coarseReason))
      : new Set([coarseReason]);
  return { companyId: job.companyId, reasons, coarseReason };
}

export interface Truth {
  /** Jobs failing once the faults are over: each must be alerted, exactly once per reason. */
  failing: ReadonlyMap<string, ExpectedFailure>;
  /** Jobs that were failing at some point (they may have been alerted then). */
  everFailing: ReadonlyMap<string, ExpectedFailure>;
}

export function deliveryProblems(
  received: readonly Received[],
  truth: Truth,
  journal: FaultJournal,
): string[] {
  const problems: string[] = [];
  const byAlert = new Map<string, Received[]>();
  for (const message of received) {
    const list = byAlert.get(message.alertId) ?? [];
    list.push(message);
    byAlert.set(message.alertId, list);
  }

  const alertsOfPair = new Map<string, Set<string>>();
  for (const [alertId, copies] of byAlert) {
    const first = copies[0] as Received;
    if (new Set(first.jobIds).size < first.jobIds.length) problems.push(`alert ${alertId} lists a job twice`);
    const content = contentKey(first);
    if (copies.some((copy) => contentKey(copy) !== content)) {
      problems.push(`alert ${alertId} was sent with different content under the same id`);
    }
    const repeats = copies.length - 1;
    const allowed = journal.unconfirmed.get(alertId) ?? 0;
    if (repeats > allowed) {
      problems.push(
        `alert ${alertId} (${first.reason}) was sent ${copies.length} times; publishes SNS took that the outbox ` +
          `could not record: ${allowed}`,
      );
    }
    if (copies.slice(1).some((copy) => !copy.possibleRedelivery)) {
      problems.push(`alert ${alertId} was sent again without possibleRedelivery`);
    }
    // Reminders and resolved notices repeat the jobs of their group; only first alerts count jobs.
    if (first.kind !== 'alert' || first.companyId === ALERTER_COMPANY_ID) {
      problems.push(...alerterProblems(first, journal));
      continue;
    }
    for (const jobId of first.jobIds) {
      const pair = `${jobId} ${first.reason}`;
      const alerts = alertsOfPair.get(pair) ?? new Set<string>();
      alerts.add(alertId);
      alertsOfPair.set(pair, alerts);
    }
    problems.push(...phantomProblems(first, truth, journal));
  }

  for (const [pair, alerts] of alertsOfPair) {
    if (alerts.size > 1) problems.push(`job ${pair} was alerted by ${alerts.size} different alerts`);
  }

  for (const [jobId, expected] of truth.failing) {
    const got = new Set(
      [...alertsOfPair.keys()]
        .filter((pair) => pair.startsWith(`${jobId} `))
        .map((pair) => pair.slice(jobId.length + 1)),
    );
    const coarse = journal.itemsFailedFor.has(jobId) && sameSet(got, new Set([expected.coarseReason]));
    if (!sameSet(got, expected.reasons) && !coarse) {
      problems.push(
        `job ${jobId} was alerted under [${[...got].sort().join(', ')}], expected [${[...expected.reasons].sort().join(', ')}]`,
      );
    }
  }
  return problems;
}

/** The alerter speaks about itself only after Pleo refused the key or could not be reached. */
function alerterProblems(message: Received, journal: FaultJournal): string[] {
  if (message.companyId !== ALERTER_COMPANY_ID) return [];
  return journal.credentialsFaults + journal.unavailableFaults > 0
    ? []
    : [`${message.kind} ${message.alertId} about the alerter (${message.reason}) without a Pleo fault`];
}

function phantomProblems(message: Received, truth: Truth, journal: FaultJournal): string[] {
  return message.jobIds.flatMap((jobId) => {
    const job = truth.everFailing.get(jobId);
    if (job === undefined) return [`alert ${message.alertId} names job ${jobId}, which never failed`];
    const allowed = journal.itemsFailedFor.has(jobId) ? [...job.reasons, job.coarseReason] : [...job.reasons];
    return job.companyId === message.companyId && allowed.includes(message.reason)
      ? []
      : [`alert ${message.alertId} puts job ${jobId} under ${message.companyId}/${message.reason}`];
  });
}

function contentKey(message: Received): string {
  return JSON.stringify([message.companyId, message.reason, [...message.jobIds].sort()]);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((value) => b.has(value));
}
