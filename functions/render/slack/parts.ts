// Pieces every Slack message shares: the footer, the notification text. Unlike email, no "you may have received
// this already": the notifier posts each alert id once, so a repeat that reaches Slack is its first copy there.

import type { SlackBlock } from '../../contracts/slack-message.js';
import type { Message } from '../../domain/alert.js';
import { cap, formatUtc } from '../text.js';
import { code, context, escapeMrkdwn } from './mrkdwn.js';

const MAX_FALLBACK_CHARS = 500;

/** When and which message this is, after any (escaped) notes such as '… and 3 more jobs'. */
export function footer(
  alert: Pick<Message, 'kind' | 'detectedAt' | 'alertId'>,
  notes: string[] = [],
): SlackBlock {
  const when = alert.kind === 'alert' ? 'Detected' : 'Sent';
  return context(
    [...notes, `${when} ${formatUtc(alert.detectedAt)}`, `alert ${code(cap(alert.alertId, 100))}`].join(
      ' · ',
    ),
  );
}

/** The notification text (shown where blocks are not): the title and what to do, escaped. */
export function fallback(title: string, next: string): string {
  return cap(`${escapeMrkdwn(title)}. ${escapeMrkdwn(next)}`, MAX_FALLBACK_CHARS);
}
