// Pieces every email body shares: the job list, the redelivery note, the signature.
import type { Alert, AlertJob, Message } from '../../domain/alert.js';
import { messageNoun } from '../headline.js';
import {
  cap,
  companyLabel,
  failedItemsPhrase,
  formatCount,
  formatUtc,
  oneLine,
  otherReasons,
  pleoText,
  plural,
  statusWords,
  unlistedJobs,
} from '../text.js';

/** Everything a body needs to know about how much to show. */
export interface BodyLimits {
  maxJobs: number;
  maxReasonChars: number;
  maxDigestLines: number;
  maxSections: number;
}

/** 'Acme ApS (Pleo company id c0ffee…)', or just the id when no name is configured. */
export function companyLine(alert: Pick<Message, 'companyId' | 'companyName'>): string {
  const company = companyLabel(alert);
  return alert.companyName && oneLine(alert.companyName)
    ? `${company} (Pleo company id ${cap(oneLine(alert.companyId), 100)})`
    : company;
}

/** The note, with its blank line, when an earlier attempt may already have delivered the message. */
export function redeliveryNote(alert: Pick<Message, 'kind' | 'possibleRedelivery'>): string[] {
  if (!alert.possibleRedelivery) return [];
  return [
    `Note: you may have received this ${messageNoun(alert)} already (it was sent again after an interruption).`,
    '',
  ];
}

/**
 * The jobs, newest first, at most `maxJobs`, then a count of the rest and the group's totals. `othersWhere` says
 * where a job's other reasons are told.
 */
export function jobList(
  alert: Alert,
  heading: string,
  limits: Pick<BodyLimits, 'maxJobs' | 'maxReasonChars'>,
  othersWhere = 'each in its own message',
) {
  if (alert.jobs.length === 0) return [];
  const shown = alert.jobs.slice(0, limits.maxJobs);
  // With no job listed (a combined message short of room), the totals say it all.
  const lines = shown.length > 0 ? ['', heading, ''] : [''];
  for (const job of shown) lines.push(...jobLines(job, limits.maxReasonChars, othersWhere), '');
  const more = unlistedJobs(alert, shown.length);
  if (more > 0 && shown.length > 0) lines.push(`… and ${plural(more, 'more job')}.`, '');
  const failed = failedItemsPhrase(alert.totals, 'failed expense');
  lines.push(
    `In total: ${plural(alert.totals.jobs, 'export')}, ${plural(alert.totals.items, 'expense')}` +
      (failed ? `, ${failed} for this reason.` : '; Pleo did not say how many of them failed.'),
  );
  return lines;
}

function jobLines(job: AlertJob, maxReasonChars: number, othersWhere: string): string[] {
  const items =
    job.failedItems === null
      ? formatCount(job.numberOfItems)
      : `${formatCount(job.numberOfItems)}, of which ${formatCount(job.failedItems)} failed`;
  const lines = [
    `- Export job ${cap(oneLine(job.jobId), 100)}`,
    `  Created:   ${formatUtc(job.createdAt)}`,
    `  Status:    ${statusWords(job.status) ?? pleoText(job.status, 40)}`,
    `  Expenses:  ${items}`,
  ];
  const reason = job.failureReason === null ? '' : pleoText(job.failureReason, maxReasonChars);
  if (reason) lines.push(`  Pleo says: ${reason}`);
  const others = otherReasons(job);
  if (others) lines.push(`  Also failed for: ${others} (${othersWhere})`);
  return lines;
}

/** When and which message this is, and who sent it; `extra` lines go under the signature. */
export function closing(
  alert: Pick<Message, 'kind' | 'detectedAt' | 'alertId'>,
  extra: string[] = [],
): string[] {
  const when = alert.kind === 'alert' ? 'Detected' : 'Sent';
  return [
    '',
    `${when} ${formatUtc(alert.detectedAt)}. Alert id: ${cap(oneLine(alert.alertId), 100)}.`,
    '',
    '-- ',
    "Sent by pleo-export-alerts, which watches Pleo's Export API for failed exports.",
    ...extra,
  ];
}
