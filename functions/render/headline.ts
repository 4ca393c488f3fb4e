// What a message is about, in one short line shared by the email subject and the Slack header.
import type { Alert, Message } from '../domain/alert.js';
import { ALERTER_NAME, isIncident, isKeyWarning } from '../domain/incidents.js';
import { describeReason } from '../domain/reasons.js';
import { digestHeadline, digestOf } from './digest-view.js';
import { incidentWording } from './incident-wording.js';
import { capitalise, jobsPhrase } from './text.js';

/** Failures of a company's exports, a problem of the alerter itself, the daily digest, or a test message. */
export type MessageType = 'failure' | 'incident' | 'digest' | 'test';

export function messageType(alert: Alert): MessageType {
  // The digest is sent under the alerter's own company id too, so its kind is checked first.
  if (alert.kind === 'digest') return 'digest';
  if (alert.kind === 'test') return 'test';
  return isIncident(alert) ? 'incident' : 'failure';
}

/**
 * The headline without the company: '3 failed exports: missing configuration', 'Resolved: missing configuration',
 * 'Reminder: 3 failed exports still open: …', 'Alerter problem: Pleo API key not accepted',
 * 'Recovered: Pleo API reachable again', 'Daily digest 2026-11-28: 4 open, 2 resolved'. Untrusted: escape it.
 */
export function headline(alert: Alert): string {
  switch (messageType(alert)) {
    case 'digest':
      return digestHeadline(digestOf(alert));
    case 'incident':
      return incidentHeadline(alert);
    case 'failure':
      return failureHeadline(alert);
    case 'test':
      return 'Test message: alerts reach you here';
  }
}

/**
 * The headline without the number of exports ('Reminder: missing configuration', 'Failed exports: …'), for
 * where the whole one does not fit: the reason matters more than the count, which the message itself gives.
 */
export function briefHeadline(alert: Alert): string {
  if (messageType(alert) !== 'failure' || alert.totals.jobs === 0) return headline(alert);
  const title = describeReason(alert.reason).title;
  switch (alert.kind) {
    case 'resolved':
      return headline(alert);
    case 'reminder':
      return `Reminder: ${title}`;
    default:
      return `${capitalise(jobsPhrase(alert).replace(/^[\d,]+ /, ''))}: ${title}`;
  }
}

/**
 * Whether the headline names the company after it: a company's failures do, and the alerter's messages about one
 * connection name the connection and its companies; those about the alerter as a whole do not.
 */
export function namesCompany(alert: Alert): boolean {
  const type = messageType(alert);
  return type === 'failure' || (type === 'incident' && alert.companyName !== ALERTER_NAME);
}

/** What a reader calls this message, e.g. in 'you may have received this reminder already'. */
export function messageNoun({ kind }: Pick<Message, 'kind'>): string {
  if (kind === 'resolved') return 'notice';
  return kind;
}

function incidentHeadline(alert: Alert): string {
  const wording = incidentWording(alert.reason);
  if (isKeyWarning(alert)) return `Warning: ${wording.problem}`;
  switch (alert.kind) {
    case 'resolved':
      return `Recovered: ${wording.recovered}`;
    case 'reminder':
      return `Reminder: ${wording.stillBroken}`;
    default:
      return `Alerter problem: ${wording.problem}`;
  }
}

function failureHeadline(alert: Alert): string {
  const title = describeReason(alert.reason).title;
  const count = alert.totals.jobs > 0 ? jobsPhrase(alert) : '';
  switch (alert.kind) {
    case 'resolved':
      return `Resolved: ${title}`;
    case 'reminder':
      return count ? `Reminder: ${count} still open: ${title}` : `Reminder: ${title}`;
    default:
      return count ? `${count}: ${title}` : capitalise(title);
  }
}
