// The email body of the daily digest: what is open, by company, and what was resolved since yesterday.
import type { Alert } from '../../domain/alert.js';
import { digestOf, digestSummary, lineText, mutedLines, type ShownList, shownLines } from '../digest-view.js';
import { cap, failedItemsPhrase, oneLine, PLEO_EXPORT_URL, plural } from '../text.js';
import { closing, redeliveryNote } from './parts.js';

const STOP =
  'You receive this digest because your subscription includes messages of kind "digest". To stop it, ask ' +
  'whoever runs the alerter to leave "digest" out of the kinds of your address (emailSubscriptions), or to ' +
  'filter your subscription on the message attribute kind (anything but "digest").';

/** The digest, listing at most `maxLines` problems in all. */
export function digestBody(alert: Alert, maxLines: number): string[] {
  const digest = digestOf(alert);
  const shown = shownLines(digest, maxLines);
  const timeZone = cap(oneLine(digest.timeZone), 60);
  const lines = [
    `Daily digest of failed Pleo exports for ${cap(oneLine(digest.date), 20)} (${timeZone}).`,
    digestSummary(digest),
    '',
    ...redeliveryNote(alert),
  ];
  if (digest.open.length > 0) {
    lines.push('OPEN, BY COMPANY', '', ...list(shown.open, alert.detectedAt));
    if (alert.totals.jobs > 0) {
      lines.push(
        `In total: ${plural(alert.totals.jobs, 'export')} with problems, ` +
          `${failedItemsPhrase(alert.totals, 'failed expense') || 'failed expenses not counted by Pleo'}.`,
        '',
      );
    }
    lines.push('Who acts and what to do for each problem are in the alert sent when it started.', '');
  }
  if (digest.resolvedSinceYesterday.length > 0) {
    lines.push('RESOLVED SINCE YESTERDAY', '', ...list(shown.resolved, alert.detectedAt));
  }
  const muted = mutedLines(digest);
  if (muted.length > 0)
    lines.push('MUTED (new failures recorded, not sent)', '', ...muted.map((line) => `  - ${line}`), '');
  lines.push(`Open the exports in Pleo: ${PLEO_EXPORT_URL}`);
  return [...lines, ...closing(alert, ['', STOP])];
}

function list({ companies, more }: ShownList, at: string): string[] {
  const lines = companies.flatMap((company) => [
    company.label,
    ...company.lines.map((line) => `  - ${lineText(line, at)}`),
    '',
  ]);
  if (more > 0) lines.push(`… and ${plural(more, 'more problem')}.`, '');
  return lines;
}
