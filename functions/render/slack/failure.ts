// The Slack message about a company's failed exports: the first alert, a reminder, or the notice that it is over.

import type { MrkdwnText, SlackBlock, SlackMessage } from '../../contracts/slack-message.js';
import type { Alert, AlertJob } from '../../domain/alert.js';
import { describeReason, type ReasonInfo } from '../../domain/reasons.js';
import { headline } from '../headline.js';
import {
  cap,
  companyLabel,
  failedItemsPhrase,
  formatCount,
  formatUtc,
  otherReasons,
  PLEO_EXPORT_URL,
  plural,
  RESOLVED_WHAT_TO_DO,
  since,
  snippet,
  statusWords,
  timeBetween,
  unlistedJobs,
} from '../text.js';
import { type ActionOffer, actionBlocks } from './actions.js';
import { code, escapeMrkdwn, field, header, packSections, SLACK_LIMITS, section } from './mrkdwn.js';
import { fallback, footer } from './parts.js';

/** Jobs listed in full; a channel message should stay readable, the email carries more. */
export const SLACK_MAX_JOBS = 20;
/** A resolved notice recalls what had failed briefly. */
const RESOLVED_MAX_JOBS = 10;
const MAX_REASON_CHARS = 300;

export function failureSlack(alert: Alert, offer?: ActionOffer): SlackMessage {
  const info = describeReason(alert.reason);
  const company = companyLabel(alert);
  const resolved = alert.kind === 'resolved';
  const title = `${headline(alert)} (${company})`;

  const blocks: SlackBlock[] = [
    header(resolved ? `✅ ${title}` : title),
    {
      type: 'section',
      fields: [
        field('Company', escapeMrkdwn(company)),
        problemField(alert, info),
        ...groupFields(alert, info),
      ],
    },
  ];
  blocks.push(section(`${advice(alert, info)}\n<${PLEO_EXPORT_URL}|Open the exports in Pleo>`));
  blocks.push(...actionBlocks(alert, alert.alertId, offer));

  const notes: string[] = [];
  if (alert.jobs.length > 0) {
    blocks.push({ type: 'divider' });
    const jobs = alert.jobs.slice(0, resolved ? RESOLVED_MAX_JOBS : SLACK_MAX_JOBS);
    const heading = resolved ? ['*What had failed*'] : [];
    // Keep room for the footer block.
    const { sections, packed } = packSections(
      [...heading, ...jobs.map(jobLine)],
      SLACK_LIMITS.blocks - blocks.length - 1,
    );
    blocks.push(...sections);
    const more = unlistedJobs(alert, Math.max(0, packed - heading.length));
    if (more > 0) notes.push(`… and ${plural(more, 'more job')}`);
  }
  blocks.push(footer(alert, notes));

  return { text: fallback(title, resolved ? RESOLVED_WHAT_TO_DO : info.whatToDo), blocks };
}

/** The reason in words and Pleo's code for it. */
function problemField(alert: Alert, info: ReasonInfo): MrkdwnText {
  return field('Problem', `${escapeMrkdwn(info.title)} (${code(cap(alert.reason, 100))})`);
}

/** Who acts (while there is something to do), the exports, and the group's life so far. */
export function groupFields(alert: Alert, info: ReasonInfo): MrkdwnText[] {
  return [
    ...(alert.kind === 'resolved' ? [] : [field('Who acts', escapeMrkdwn(info.whoActs))]),
    ...(alert.totals.jobs > 0 ? [field('Exports', totalsText(alert))] : []),
    ...lifecycleFields(alert),
  ];
}

/** What happened and what to do, in mrkdwn. */
export function advice(alert: Alert, info: ReasonInfo): string {
  const whatToDo = alert.kind === 'resolved' ? RESOLVED_WHAT_TO_DO : info.whatToDo;
  return `*What happened*\n${escapeMrkdwn(info.explanation)}\n*What to do*\n${escapeMrkdwn(whatToDo)}`;
}

function lifecycleFields(alert: Alert): MrkdwnText[] {
  const lifecycle = alert.lifecycle;
  if (lifecycle === undefined) return [];
  if (alert.kind === 'reminder') {
    return [
      field('Open since', since(lifecycle.openedAt, alert.detectedAt)),
      field('Reminder', String(lifecycle.remindersSent + 1)),
    ];
  }
  if (alert.kind !== 'resolved') return [];
  const resolvedAt = lifecycle.resolvedAt ?? alert.detectedAt;
  const span = timeBetween(lifecycle.openedAt, resolvedAt);
  const by = lifecycle.resolvedByJobId
    ? `export ${code(cap(lifecycle.resolvedByJobId, 100))} completed`
    : 'seen to be over';
  return [
    field('Was open', `${formatUtc(lifecycle.openedAt)}${span ? ` (for ${span})` : ''}`),
    field('Resolved', `${formatUtc(resolvedAt)}: ${by}`),
    field('Reminders sent', formatCount(lifecycle.remindersSent)),
  ];
}

function totalsText(alert: Alert): string {
  const { jobs, items } = alert.totals;
  const failed = failedItemsPhrase(alert.totals, 'failed', 'failed');
  return `${plural(jobs, 'export')} · ${plural(items, 'expense')} · ${failed ? `${failed} for this reason` : 'Pleo did not say how many failed'}`;
}

export function jobLine(job: AlertJob): string {
  const items =
    job.failedItems === null
      ? plural(job.numberOfItems, 'expense')
      : `${plural(job.numberOfItems, 'expense')}, ${formatCount(job.failedItems)} failed`;
  const status = statusWords(job.status) ?? code(cap(job.status, 40));
  const head = `• ${code(cap(job.jobId, 100))} · ${formatUtc(job.createdAt)} · ${status} · ${items}`;
  const reason = job.failureReason === null ? '' : snippet(job.failureReason, MAX_REASON_CHARS);
  const others = otherReasons(job);
  const lines = [
    head,
    reason && `      ${escapeMrkdwn(reason)}`,
    others && `      Also failed for: ${escapeMrkdwn(others)}`,
  ];
  return lines.filter(Boolean).join('\n');
}
