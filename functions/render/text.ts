// Small text helpers shared by the email and Slack renderers: making untrusted text safe and short.
import type { Alert, AlertJob } from '../domain/alert.js';
import { describeReason } from '../domain/reasons.js';
import { defang, oneLine } from '../shared/untrusted-text.js';

export { oneLine };

/** Where the reader fixes and re-runs exports. */
export const PLEO_EXPORT_URL = 'https://app.pleo.io/export';

/**
 * What a resolved notice asks: a later export going through shows the cause is fixed, not that the expenses of the
 * failed exports were in it.
 */
export const RESOLVED_WHAT_TO_DO =
  'Check in Pleo that the expenses of the exports that had failed went out with it; export again any still waiting.';

/**
 * Cuts text to at most `max` UTF-16 code units (never splitting a surrogate pair), the last one '…' when cut.
 * Code units, not characters, so the cost does not grow with the length of huge input.
 */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Pleo's text in an email: one line, links defanged, at most `max` characters. */
export function pleoText(text: string, max: number): string {
  return snippet(defang(cap(text, 4 * max + 16)), max);
}

/** Untrusted text for display: one line, at most `max` characters; only a bounded prefix of huge input is read. */
export function snippet(text: string, max: number): string {
  const window = 4 * max + 16;
  if (text.length <= window) return cap(oneLine(text), max);
  const head = oneLine(cap(text, window));
  return head.length > max ? cap(head, max) : head;
}

// Made on first use: building a number format costs milliseconds of the Lambda's cold start.
let countFormat: Intl.NumberFormat | undefined;

/** 4950 → '4,950'. */
export function formatCount(n: number): string {
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(n);
}

/** `n thing` / `n things`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** ISO timestamp → '2024-05-01 09:30 UTC'; anything unparseable is shown as given (sanitised). */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return cap(oneLine(iso), 40);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The name people know a company by: the configured name, else its Pleo id. */
export function companyLabel(company: { companyId: string; companyName: string | null }): string {
  const name = company.companyName === null ? '' : oneLine(company.companyName);
  return cap(name || oneLine(company.companyId), 120);
}

/** How long from one ISO time to another, in words ('2 days', '1 day 3 hours'); undefined if unknown. */
export function timeBetween(fromIso: string, toIso: string): string | undefined {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (Number.isNaN(ms) || ms < 0) return undefined;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'hour');
  const days = Math.floor(hours / 24);
  // Hours matter in the first week; after that whole days say enough.
  const rest = hours % 24;
  return days < 7 && rest > 0 ? `${plural(days, 'day')} ${plural(rest, 'hour')}` : plural(days, 'day');
}

/** '2026-11-26 09:00 UTC (2 days)': a start time and, when `untilIso` is known, how long since. */
export function since(fromIso: string, untilIso: string): string {
  const span = timeBetween(fromIso, untilIso);
  return span ? `${formatUtc(fromIso)} (${span})` : formatUtc(fromIso);
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const OTHER_REASONS_SHOWN = 3;

/** The job's other failure reasons in words, e.g. 'receipt too large, missing configuration'; '' when none. */
export function otherReasons(job: AlertJob): string {
  const others = job.alsoFailedFor ?? [];
  const shown = others.slice(0, OTHER_REASONS_SHOWN).map((reason) => describeReason(reason).title);
  const more = others.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

const STATUS_WORDS: Record<string, string> = {
  failed: 'failed',
  completed_with_errors: 'completed, some expenses failed',
};

/** A job's status as a reader says it; undefined for one this alerter does not know (show it as Pleo wrote it). */
export function statusWords(status: string): string | undefined {
  return Object.hasOwn(STATUS_WORDS, status) ? STATUS_WORDS[status] : undefined;
}

/** How the jobs of an alert (or of a combined message) are counted in words: '3 failed exports', '1 export with errors'. */
export function jobsPhrase(alert: Pick<Alert, 'totals' | 'jobs'>): string {
  const n = alert.totals.jobs;
  const allFailed = alert.jobs.every((job: AlertJob) => job.status === 'failed');
  return allFailed ? plural(n, 'failed export') : plural(n, 'export with errors', 'exports with errors');
}

/**
 * Failed expenses counted, e.g. '9 failed expenses'. An export that completed with errors whose items Pleo did not
 * list counts none, so with such exports the total is 'at least' what is known, and with none known it is not
 * known at all: '' then.
 */
export function failedItemsPhrase(
  { failedItems, uncounted }: Pick<Alert['totals'], 'failedItems' | 'uncounted'>,
  noun: string,
  nounPlural = `${noun}s`,
): string {
  if (uncounted && failedItems === 0) return '';
  const phrase = plural(failedItems, noun, nounPlural);
  return uncounted ? `at least ${phrase}` : phrase;
}

/** Jobs the group had beyond those listed: totals count every job, the list may hold only the newest. */
export function unlistedJobs(alert: Alert, listed: number): number {
  return Math.max(alert.totals.jobs, alert.jobs.length) - listed;
}
