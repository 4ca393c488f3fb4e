// The email body about a company's failed exports: the first alert, a reminder, or the notice that it is over.
import type { Alert } from '../../domain/alert.js';
import type { ReasonInfo } from '../../domain/reasons.js';
import {
  cap,
  capitalise,
  companyLabel,
  formatUtc,
  jobsPhrase,
  oneLine,
  PLEO_EXPORT_URL,
  pleoText,
  plural,
  RESOLVED_WHAT_TO_DO,
  since,
  timeBetween,
} from '../text.js';
import { actionLinks, type EmailActions } from './actions.js';
import { type BodyLimits, closing, companyLine, jobList, redeliveryNote } from './parts.js';

/** A resolved notice recalls what had failed briefly. */
const RESOLVED_LIMITS = { maxJobs: 10, maxReasonChars: 200 };

export function failureBody(
  alert: Alert,
  info: ReasonInfo,
  limits: BodyLimits,
  actions?: EmailActions,
): string[] {
  return [
    intro(alert, info),
    '',
    ...redeliveryNote(alert),
    `Company:       ${companyLine(alert)}`,
    ...facts(alert, info),
    '',
    `Open the exports in Pleo: ${PLEO_EXPORT_URL}`,
    ...actionLinks(alert, alert.alertId, actions),
    ...jobs(alert, limits),
    ...closing(alert),
  ];
}

/**
 * The alert as a section of a combined message: what it says on its own, less what the combined message says once
 * (the company, the link to Pleo, the signature).
 */
export function failureSection(
  alert: Alert,
  info: ReasonInfo,
  limits: BodyLimits,
  actions?: { offer: EmailActions | undefined; messageId: string },
): string[] {
  return [
    intro(alert, info),
    '',
    ...facts(alert, info),
    ...actionLinks(alert, actions?.messageId ?? alert.alertId, actions?.offer),
    ...jobs(alert, limits, 'each in its own section'),
  ];
}

/** The problem, what happened, who acts and what to do; for a reminder or notice, its life so far. */
function facts(alert: Alert, info: ReasonInfo): string[] {
  const problem = `Problem:       ${info.title} (Pleo's reason code: ${pleoText(alert.reason, 100)})`;
  if (alert.kind === 'resolved') {
    return [problem, ...resolvedFacts(alert), `What to do:    ${RESOLVED_WHAT_TO_DO}`];
  }
  return [
    problem,
    `What happened: ${info.explanation}`,
    ...(alert.kind === 'reminder' ? reminderFacts(alert) : []),
    `Who acts:      ${info.whoActs}`,
    `What to do:    ${info.whatToDo}`,
  ];
}

function jobs(alert: Alert, limits: BodyLimits, othersWhere?: string): string[] {
  return alert.kind === 'resolved'
    ? jobList(alert, 'What had failed (newest first):', shorter(limits), othersWhere)
    : jobList(alert, 'The exports (newest first):', limits, othersWhere);
}

function intro(alert: Alert, info: ReasonInfo): string {
  const company = companyLabel(alert);
  const jobs = alert.totals.jobs;
  switch (alert.kind) {
    case 'resolved':
      return `Resolved: a later export for ${company} went through, so "${info.title}" looks fixed.`;
    case 'reminder':
      return jobs > 0
        ? `Reminder: ${jobsPhrase(alert)} for ${company} ${jobs === 1 ? 'is' : 'are'} still not fixed (${info.title}).`
        : `Reminder: still not fixed for ${company}: ${info.title}.`;
    default:
      return jobs > 0
        ? `${capitalise(jobsPhrase(alert))} from Pleo to the accounting system for ${company}: ${info.title}.`
        : `The Pleo export alerter needs attention for ${company}: ${info.title}.`;
  }
}

function reminderFacts(alert: Alert): string[] {
  const lifecycle = alert.lifecycle;
  if (lifecycle === undefined) return [];
  return [
    `Open since:    ${since(lifecycle.openedAt, alert.detectedAt)}`,
    `Reminder:      ${lifecycle.remindersSent + 1} (reminders stop once a later export of ${companyLabel(alert)} completes)`,
  ];
}

function resolvedFacts(alert: Alert): string[] {
  const lifecycle = alert.lifecycle;
  if (lifecycle === undefined) return [];
  const resolvedAt = lifecycle.resolvedAt ?? alert.detectedAt;
  const span = timeBetween(lifecycle.openedAt, resolvedAt);
  const by = lifecycle.resolvedByJobId
    ? `export job ${cap(oneLine(lifecycle.resolvedByJobId), 100)} completed after the failures`
    : 'the problem was seen to be over';
  return [
    `Was open:      from ${formatUtc(lifecycle.openedAt)} to ${formatUtc(resolvedAt)}${span ? ` (open for ${span})` : ''}`,
    `Resolved:      ${formatUtc(resolvedAt)}: ${by}`,
    `Reminders:     ${plural(lifecycle.remindersSent, 'reminder')} sent while it was open`,
  ];
}

function shorter(limits: BodyLimits): BodyLimits {
  return {
    ...limits,
    maxJobs: Math.min(limits.maxJobs, RESOLVED_LIMITS.maxJobs),
    maxReasonChars: Math.min(limits.maxReasonChars, RESOLVED_LIMITS.maxReasonChars),
  };
}
