// What a reader can do about a failure group from the alert itself (Slack buttons, email links): the same
// acknowledge, snooze and mute the command line offers, and a retry of the failed export.
import type { Category } from '../contracts/message-attributes.js';

export const ACTION_NAMES = ['ack', 'snooze', 'mute', 'retry'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

const DAY_MS = 86_400_000;

/** How each action is offered: the button's words, and how long a snooze or mute lasts. */
export const ACTIONS: Readonly<Record<ActionName, { label: string; durationMs?: number }>> = {
  ack: { label: 'Acknowledge' },
  snooze: { label: 'Snooze 1 day', durationMs: DAY_MS },
  mute: { label: 'Mute 7 days', durationMs: 7 * DAY_MS },
  retry: { label: 'Retry export' },
};

export const isActionName = (name: string): name is ActionName =>
  (ACTION_NAMES as readonly string[]).includes(name);

/** The failure group an action is about, and the message it was offered in. */
export interface ActionTarget {
  companyId: string;
  reason: string;
  /** The alert, reminder or combined message the button or link was in. */
  alertId: string;
  /** The connection whose poll sent it (its groups are its own); absent: the stack's own connection. */
  connection?: string | undefined;
}

/** What came of an action: done (when, and until when for a snooze or mute), or not, in plain words. */
export type ActionOutcome =
  | { done: true; action: 'ack'; at: string }
  | { done: true; action: 'retry'; at: string; jobId: string; expenses: number }
  | { done: true; action: 'snooze' | 'mute'; at: string; until: string }
  | { done: false; action: ActionName; problem: string };

/**
 * Whether a retry can fix a reason: transient ones (a timeout, the accounting system unreachable) by themselves, and
 * the accountant's (a missing account, tax code, mapping) once the reader has fixed the cause, which they confirm.
 * The others need someone to reconnect or repair an integration first, or are nothing to redo.
 */
export function retryable(category: Category): 'transient' | 'after-fix' | undefined {
  if (category === 'transient') return 'transient';
  return category === 'accountant' ? 'after-fix' : undefined;
}
