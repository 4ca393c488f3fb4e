// The links under an alert or reminder in an email: each action as a link of its own, signed, bound to the message
// and the action, expiring. A link opens a page that asks to confirm; only that page's button acts (mail scanners
// open links).
import { ACTIONS, type ActionName, type ActionTarget } from '../../domain/actions.js';
import type { Alert } from '../../domain/alert.js';
import { type ActionOffer, offeredActions } from '../action-offer.js';

/** The link that grants `action` on `target`, issued at `issuedAt` (the message's time: it expires from there). */
export type ActionLink = (action: ActionName, target: ActionTarget, issuedAt: string) => string;

/** How an email offers actions: what is offered, and how a link is made (signed by the poller's key). */
export interface EmailActions extends ActionOffer {
  link: ActionLink;
}

/** The links about `alert` (a section of message `alertId` when combined), with a line saying how they work. */
export function actionLinks(alert: Alert, alertId: string, actions: EmailActions | undefined): string[] {
  const names = offeredActions(alert, actions);
  if (actions === undefined || names.length === 0) return [];
  const target: ActionTarget = {
    companyId: alert.companyId,
    reason: alert.reason,
    alertId,
    connection: actions.connection,
  };
  const width = Math.max(...names.map((name) => ACTIONS[name].label.length)) + 2;
  return [
    '',
    'Act on it (each link asks you to confirm, works once, for 7 days):',
    ...names.map(
      (name) => `  ${`${ACTIONS[name].label}:`.padEnd(width)}${actions.link(name, target, alert.detectedAt)}`,
    ),
  ];
}
