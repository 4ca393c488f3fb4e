// Small text helpers shared by the email and Slack renderers: making untrusted text safe and short.
import type { Alert, AlertJob } from '../domain/alert.js';

/** Where the reader fixes and re-runs exports. */
export const PLEO_EXPORT_URL = 'https://app.pleo.io/export';

// Control characters (line breaks included) and invisible format characters (bidi overrides,
// zero-width joiners) can reorder or hide text: in untrusted input they become plain spaces.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;

/** Untrusted text on one line: control/format characters replaced by spaces, runs of spaces collapsed. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
}

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

/** Untrusted text for display: one line, at most `max` characters; only a bounded prefix of huge input is read. */
export function snippet(text: string, max: number): string {
  const window = 4 * max + 16;
  if (text.length <= window) return cap(oneLine(text), max);
  const head = oneLine(cap(text, window));
  return head.length > max ? cap(head, max) : head;
}

const COUNT = new Intl.NumberFormat('en-US');

/** 4950 → '4,950'. */
export function formatCount(n: number): string {
  return COUNT.format(n);
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

/** The name people know the company by: the configured name, else its Pleo id. */
export function companyLabel(alert: Alert): string {
  const name = alert.companyName === null ? '' : oneLine(alert.companyName);
  return cap(name || oneLine(alert.companyId), 120);
}

/**
 * What a message is about in one short line, by kind: '3 failed exports: missing configuration',
 * 'Resolved: missing configuration', 'Reminder: 3 failed exports still open: …'. `title` is the reason's title.
 */
export function headline(alert: Alert, title: string): string {
  const count = alert.totals.jobs > 0 ? jobsPhrase(alert) : '';
  switch (alert.kind) {
    case 'resolved':
      return `Resolved: ${title}`;
    case 'reminder':
      return count ? `Reminder: ${count} still open: ${title}` : `Reminder: ${title}`;
    case 'digest':
      return count ? `Digest: ${count}: ${title}` : `Digest: ${title}`;
    case 'alert':
      return count ? `${count}: ${title}` : capitalise(title);
  }
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How the jobs of an alert are counted in words: '3 failed exports', '1 export with errors'. */
export function jobsPhrase(alert: Alert): string {
  const n = alert.totals.jobs;
  const allFailed = alert.jobs.every((job: AlertJob) => job.status === 'failed');
  return allFailed ? plural(n, 'failed export') : plural(n, 'export with errors', 'exports with errors');
}
