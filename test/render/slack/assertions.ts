// Reading Slack messages in tests: their texts, and whether they keep to Block Kit's limits.
import { expect } from 'vitest';
import { type SlackBlock, slackMessageSchema } from '../../../functions/contracts/slack-message.js';
import type { Message } from '../../../functions/domain/alert.js';
import { renderSlack, SLACK_LIMITS } from '../../../functions/render/slack/slack.js';

/** Every text of the blocks, in order. */
export function texts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block): string[] => {
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'section')
      return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
    if (block.type === 'context') return block.elements.map((e) => e.text);
    return [];
  });
}

/** Renders the message and checks it against the schema and Block Kit's limits. */
export function expectWithinLimits(alert: Message): void {
  const message = renderSlack(alert);
  slackMessageSchema.parse(message);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields ?? [])
        expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (block.type === 'context')
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
  }
  expect(message.text.length).toBeGreaterThan(0);
}
