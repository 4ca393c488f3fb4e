// What came of an action, in one sentence: the Slack message's note after a click, the email link's result page.
import { ACTIONS, type ActionOutcome } from '../domain/actions.js';
import { formatUtc, plural } from './text.js';

/** 'Acknowledged by @ana, 2026-12-02 10:42 UTC: no reminders until it fails again.' `who` as given (unescaped). */
export function outcomeSentence(outcome: ActionOutcome, who: string): string {
  if (!outcome.done) return `${ACTIONS[outcome.action].label}: not done, ${outcome.problem}.`;
  const byWhom = `by ${who}, ${formatUtc(outcome.at)}`;
  switch (outcome.action) {
    case 'ack':
      return `Acknowledged ${byWhom}: no reminders until it fails again.`;
    case 'snooze':
      return `Snoozed ${byWhom}: reminders wait until ${formatUtc(outcome.until)}.`;
    case 'retry':
      return `Export retried ${byWhom}: Pleo export job ${outcome.jobId} sends ${plural(outcome.expenses, 'failed expense')} again. The alerter follows it: resolved when an export of the company goes through, alerted if it fails.`;
    case 'mute':
      return `Muted ${byWhom}: new failures of this kind at this company are kept quiet until ${formatUtc(outcome.until)}.`;
  }
}
