// The buttons under an alert or reminder (Acknowledge, Snooze 1 day, Mute 7 days, and Retry export where offered),
// and the message as it reads once someone clicked one: the outcome in place of the buttons.
import { actionIdOf, buttonValue } from '../../contracts/action-button.js';
import type { SlackBlock, SlackButton } from '../../contracts/slack-message.js';
import { ACTIONS, retryable } from '../../domain/actions.js';
import type { Alert } from '../../domain/alert.js';
import { type ActionOffer, offeredActions } from '../action-offer.js';
import { context } from './mrkdwn.js';

export type { ActionOffer };

const text = (words: string) => ({ type: 'plain_text' as const, text: words, emoji: false });

/** A retry only helps once the cause (an account, a tax code, a mapping) is fixed: the reader says it is. */
const FIXED_FIRST = {
  title: text('Is the cause fixed?'),
  text: text(
    'Retry only once the cause is fixed in Pleo or the accounting system: the same expenses would fail again.',
  ),
  confirm: text('It is fixed: retry'),
  deny: text('Not yet'),
};

/** The block_id of the buttons about a message's alert or, in a combined message, its section `index`. */
export const actionsBlockId = (index?: number): string =>
  index === undefined ? 'actions' : `actions.${index}`;

/**
 * The buttons about `alert` (a section of message `alertId` when combined), or none: only open problems of a
 * company (first alerts and reminders) can be acted on.
 */
export function actionBlocks(
  alert: Alert,
  alertId: string,
  offer: ActionOffer | undefined,
  index?: number,
): SlackBlock[] {
  const names = offeredActions(alert, offer);
  const value = buttonValue({
    companyId: alert.companyId,
    reason: alert.reason,
    alertId,
    connection: offer?.connection,
  });
  if (names.length === 0 || value === undefined) return [];
  const elements = names.map(
    (name): SlackButton => ({
      type: 'button',
      action_id: actionIdOf(name),
      text: { type: 'plain_text', text: ACTIONS[name].label, emoji: false },
      value,
      ...(name === 'ack' ? { style: 'primary' as const } : {}),
      ...(name === 'retry' && retryable(alert.category) === 'after-fix' ? { confirm: FIXED_FIRST } : {}),
    }),
  );
  return [{ type: 'actions', block_id: actionsBlockId(index), elements }];
}

/**
 * The message after a click: the clicked buttons' block replaced by the outcome (already escaped mrkdwn) when the
 * action was done, the outcome added under them when it was not (the reader may try another). Without the original
 * blocks (Slack did not send them), the outcome alone.
 */
export function actedMessage(
  original: { text?: string | undefined; blocks?: readonly unknown[] | undefined } | undefined,
  blockId: string | undefined,
  outcome: { done: boolean; text: string },
): { replaceOriginal: boolean; text: string; blocks: unknown[] } {
  const note = context(outcome.text);
  const blocks = original?.blocks;
  const at = blocks?.findIndex((block) => blockIdOf(block) === blockId) ?? -1;
  if (blocks === undefined || at < 0) return { replaceOriginal: false, text: outcome.text, blocks: [note] };
  const replaced = outcome.done ? [note] : [blocks[at], note];
  return {
    replaceOriginal: true,
    text: original?.text || outcome.text,
    blocks: [...blocks.slice(0, at), ...replaced, ...blocks.slice(at + 1)],
  };
}

function blockIdOf(block: unknown): unknown {
  return typeof block === 'object' && block !== null ? (block as { block_id?: unknown }).block_id : undefined;
}
