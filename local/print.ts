// Shows in the terminal what an email reader and a Slack channel would see, and what each poll did.

import type { SlackBlock } from '../functions/contracts/slack-message.js';
import type { StructuredMessage } from '../functions/contracts/structured-message.js';
import type { PollOutcome } from '../functions/handlers/poller/compose.js';
import { plural } from '../functions/render/text.js';

const RULE = '─'.repeat(78);

export function printDelivery(message: StructuredMessage, write: (text: string) => void): void {
  write(`\n${RULE}\n✉  EMAIL  Subject: ${message.email.subject}\n${RULE}\n${message.email.body.trimEnd()}\n`);
  write(`\n${RULE}\n#  SLACK\n${RULE}\n${slackAsText(message.slack.blocks)}\n`);
}

/**
 * A plain rendering of the Block Kit message, close to how Slack lays it out: blocks apart, a section's fields
 * (Slack's two columns) a line each, label first.
 */
export function slackAsText(blocks: readonly SlackBlock[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'header':
          return `*${block.text.text}*`;
        case 'section':
          return [
            ...(block.text ? [asShown(block.text.text)] : []),
            ...(block.fields ?? []).map((field) => asShown(field.text).replace('\n', ' ')),
          ].join('\n');
        case 'context':
          return block.elements.map((element) => asShown(element.text)).join('  ·  ');
        case 'divider':
          return '────';
      }
      return '';
    })
    .join('\n\n');
}

/** mrkdwn as Slack shows it: a link as its label and address, `&amp;`, `&lt;` and `&gt;` as the characters. */
function asShown(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** One line on what a poll did. */
export function summary(outcome: PollOutcome): string {
  if (outcome.skipped) return 'Another poll holds the lease; skipped.';
  return (
    `Poll: ${plural(outcome.jobsSeen, 'failed export')} in the lookback, ${outcome.newFailures} new, ` +
    `${plural(outcome.alertsPublished, 'message')} published` +
    (outcome.mutedFailures > 0 ? `, ${outcome.mutedFailures} muted ` : ' ') +
    `(${plural(outcome.pleoRequests, 'Pleo request')}, ${outcome.durationMs} ms)`
  );
}
