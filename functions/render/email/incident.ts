// The email body about the alerter itself: it cannot watch the exports, it still cannot, or it works again.
import type { Alert } from '../../domain/alert.js';
import { isKeyWarning } from '../../domain/incidents.js';
import type { ReasonInfo } from '../../domain/reasons.js';
import { incidentDetail, incidentSince, incidentWording } from '../incident-wording.js';
import { formatUtc, plural, since, timeBetween } from '../text.js';
import { closing, redeliveryNote } from './parts.js';

const MEANWHILE =
  'Export failures that happen until this is fixed are reported once it is, as far back as the ' +
  "alerter's lookback period reaches.";

export function incidentBody(alert: Alert, info: ReasonInfo): string[] {
  const wording = incidentWording(alert.reason);
  const detail = incidentDetail(alert);
  const lines: string[] = [];
  if (isKeyWarning(alert)) {
    // Nothing is broken yet: no "since", no "meanwhile", no recovery to wait for.
    lines.push(`The Pleo export alerter needs attention: ${info.title}.`, '', ...redeliveryNote(alert));
    if (detail) lines.push(`What happened: ${detail}`);
    lines.push(
      `What it means: ${info.explanation}`,
      `Who acts:      ${info.whoActs}`,
      `What to do:    ${info.whatToDo}`,
    );
  } else if (alert.kind === 'resolved') {
    const resolvedAt = alert.lifecycle?.resolvedAt ?? alert.detectedAt;
    const openedAt = incidentSince(alert);
    const span = timeBetween(openedAt, resolvedAt);
    lines.push(
      `Recovered: ${wording.recoveredSentence} The alerter reports export failures again, including those it missed while it could not.`,
      '',
      ...redeliveryNote(alert),
      `Problem:       ${info.title}`,
      `Was broken:    from ${formatUtc(openedAt)} to ${formatUtc(resolvedAt)}${span ? ` (for ${span})` : ''}`,
    );
    if (detail) lines.push(`At the time:   ${detail}`);
    if (alert.lifecycle) {
      lines.push(
        `Reminders:     ${plural(alert.lifecycle.remindersSent, 'reminder')} sent while it was broken`,
      );
    }
    lines.push('', 'No action is needed.');
  } else {
    const opening =
      alert.kind === 'reminder'
        ? `Reminder: the Pleo export alerter still has a problem: ${info.title}.`
        : `The Pleo export alerter has a problem: ${info.title}.`;
    lines.push(opening, '', ...redeliveryNote(alert));
    if (detail) lines.push(`What happened: ${detail}`);
    lines.push(`What it means: ${info.explanation}`, `Meanwhile:     ${MEANWHILE}`);
    const started = incidentSince(alert);
    lines.push(
      `Broken since:  ${alert.kind === 'reminder' ? since(started, alert.detectedAt) : formatUtc(started)}`,
    );
    if (alert.kind === 'reminder' && alert.lifecycle) {
      lines.push(`Reminder:      ${alert.lifecycle.remindersSent + 1}`);
    }
    lines.push(`Who acts:      ${info.whoActs}`, `What to do:    ${info.whatToDo}`, '');
    lines.push('You will get a message when it works again.');
  }
  return [...lines, ...closing(alert)];
}
