// Which actions a message offers on one of its alerts, in Slack buttons and email links alike.
import type { ActionName } from '../domain/actions.js';
import type { Alert } from '../domain/alert.js';
import { messageType } from './headline.js';

/** What the alerter offers to do from a message; without it, messages offer nothing. */
export interface ActionOffer {
  /** The connection whose poll sends the message: actions find its groups (absent: the stack's own). */
  connection?: string | undefined;
  /** Whether Retry export is offered for this alert (a retry is opt-in, and only some reasons can be retried). */
  retry?: (alert: Alert) => boolean;
}

/** The actions offered on `alert`: none but on open problems of a company (first alerts and reminders). */
export function offeredActions(alert: Alert, offer: ActionOffer | undefined): ActionName[] {
  if (offer === undefined || messageType(alert) !== 'failure') return [];
  if (alert.kind !== 'alert' && alert.kind !== 'reminder') return [];
  return ['ack', 'snooze', 'mute', ...(offer.retry?.(alert) ? ['retry' as const] : [])];
}
