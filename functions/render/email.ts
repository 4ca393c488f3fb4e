// Renders an alert as a plain-text email that reads well in any mail client.
import type { Alert, AlertJob } from '../domain/alert.js';
import { describeReason, type ReasonInfo } from '../domain/reasons.js';
import {
  cap,
  capitalise,
  companyLabel,
  formatCount,
  formatUtc,
  headline,
  jobsPhrase,
  oneLine,
  PLEO_EXPORT_URL,
  plural,
  snippet,
} from './text.js';

export interface EmailMessage {
  subject: string;
  body: string;
}

export interface EmailOptions {
  /** Jobs listed in full; the rest are counted. */
  maxJobs?: number;
  /** Characters of Pleo's failure text shown per job. */
  maxReasonChars?: number;
}

export const EMAIL_DEFAULTS: Required<EmailOptions> = { maxJobs: 50, maxReasonChars: 500 };

/** SNS (and mail clients) want subjects under 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;
const MIN_COMPANY_IN_SUBJECT = 20;

/** Pure: the same alert always renders to the same email. */
export function renderEmail(alert: Alert, options: EmailOptions = {}): EmailMessage {
  const { maxJobs, maxReasonChars } = { ...EMAIL_DEFAULTS, ...options };
  const info = describeReason(alert.reason);
  return { subject: renderSubject(alert, info), body: renderBody(alert, info, maxJobs, maxReasonChars) };
}

function renderSubject(alert: Alert, info: ReasonInfo): string {
  const head = `[Pleo export] ${headline(alert, toAscii(info.title))}`;
  const company = toAscii(companyLabel(alert));
  const full = `${head} (${company})`;
  if (full.length <= MAX_SUBJECT_LENGTH) return full;
  // Too long: the company keeps what the headline leaves, but at least a recognisable start; then the headline is cut.
  const companyRoom = Math.max(MIN_COMPANY_IN_SUBJECT, MAX_SUBJECT_LENGTH - head.length - ' ()'.length);
  const companyPart = ` (${shorten(company, companyRoom)})`;
  return shorten(head, MAX_SUBJECT_LENGTH - companyPart.length) + companyPart;
}

// Letters NFKD cannot take apart into ASCII plus accents.
const TRANSLITERATION: Record<string, string> = {
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  å: 'a',
  Å: 'A',
  ß: 'ss',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'Th',
  ð: 'd',
  Ð: 'D',
  œ: 'oe',
  Œ: 'OE',
  ı: 'i',
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '→': '->',
};

/** Subject-safe text: printable ASCII only (SNS rejects anything else), one line. */
export function toAscii(text: string): string {
  return oneLine(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/gu, (char) => TRANSLITERATION[char] ?? '?')
    .replace(/\s+/g, ' ')
    .trim();
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3)).trimEnd()}...`;
}

function renderBody(alert: Alert, info: ReasonInfo, maxJobs: number, maxReasonChars: number): string {
  const company = companyLabel(alert);
  const companyLine =
    alert.companyName && oneLine(alert.companyName)
      ? `${company} (Pleo company id ${cap(oneLine(alert.companyId), 100)})`
      : company;
  const lines: string[] = [intro(alert, info, company), ''];
  if (alert.possibleRedelivery) {
    lines.push(
      'Note: you may have received this alert already (it was sent again after an interruption).',
      '',
    );
  }
  lines.push(
    `Company:       ${companyLine}`,
    `Problem:       ${info.title} (Pleo's reason code: ${cap(oneLine(alert.reason), 100)})`,
    `What happened: ${info.explanation}`,
  );
  if (alert.kind !== 'resolved') {
    lines.push(`Who acts:      ${info.whoActs}`, `What to do:    ${info.whatToDo}`);
  }
  lines.push('', `Open the exports in Pleo: ${PLEO_EXPORT_URL}`);
  if (alert.jobs.length > 0) {
    lines.push('', alert.kind === 'resolved' ? 'The exports concerned:' : 'The exports (newest first):', '');
    for (const job of alert.jobs.slice(0, maxJobs)) lines.push(...jobLines(job, maxReasonChars), '');
    const more = alert.jobs.length - Math.min(maxJobs, alert.jobs.length);
    if (more > 0) lines.push(`… and ${plural(more, 'more job')}.`, '');
    lines.push(
      `In total: ${plural(alert.totals.jobs, 'export')}, ${plural(alert.totals.items, 'expense')}, ` +
        `${plural(alert.totals.failedItems, 'failed expense')}.`,
    );
  }
  lines.push(
    '',
    `Detected ${formatUtc(alert.detectedAt)}. Alert id: ${cap(oneLine(alert.alertId), 100)}.`,
    '',
    '-- ',
    "Sent by pleo-export-alerts, which watches Pleo's Export API for failed exports.",
  );
  return `${lines.join('\n')}\n`;
}

function intro(alert: Alert, info: ReasonInfo, company: string): string {
  const jobs = alert.totals.jobs;
  switch (alert.kind) {
    case 'resolved':
      return `Resolved: the export problem "${info.title}" for ${company} is fixed. No action is needed.`;
    case 'reminder':
      return jobs > 0
        ? `Reminder: ${jobsPhrase(alert)} for ${company} ${jobs === 1 ? 'is' : 'are'} still not fixed (${info.title}).`
        : `Reminder: still not fixed for ${company}: ${info.title}.`;
    case 'digest':
      return jobs > 0
        ? `Summary for ${company}: ${jobsPhrase(alert)} (${info.title}).`
        : `Summary for ${company}: ${info.title}.`;
    case 'alert':
      return jobs > 0
        ? `${capitalise(jobsPhrase(alert))} from Pleo to the accounting system for ${company}: ${info.title}.`
        : `The Pleo export alerter needs attention for ${company}: ${info.title}.`;
  }
}

function jobLines(job: AlertJob, maxReasonChars: number): string[] {
  const items =
    job.failedItems === null
      ? formatCount(job.numberOfItems)
      : `${formatCount(job.numberOfItems)}, of which ${formatCount(job.failedItems)} failed`;
  const lines = [
    `- Export job ${cap(oneLine(job.jobId), 100)}`,
    `  Created:   ${formatUtc(job.createdAt)}`,
    `  Status:    ${cap(oneLine(job.status), 40)}`,
    `  Expenses:  ${items}`,
  ];
  const reason = job.failureReason === null ? '' : snippet(job.failureReason, maxReasonChars);
  if (reason) lines.push(`  Pleo says: ${reason}`);
  return lines;
}
