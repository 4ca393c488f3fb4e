import { describe, expect, it } from 'vitest';
import { readButton } from '../../../functions/contracts/action-button.js';
import { type SlackBlock, slackMessageSchema } from '../../../functions/contracts/slack-message.js';
import type { Message } from '../../../functions/domain/alert.js';
import { actedMessage } from '../../../functions/render/slack/actions.js';
import { foreignMarkup } from '../../../functions/render/slack/foreign-markup.js';
import { renderSlack, SLACK_LIMITS } from '../../../functions/render/slack/slack.js';
import {
  combinedMessage,
  digestMessage,
  incidentMessage,
  makeAlert,
  openGroup,
  reminderMessage,
  resolvedMessage,
} from '../alert-fixtures.js';

type Actions = Extract<SlackBlock, { type: 'actions' }>;
const actionsOf = (message: Message, offer = {}): Actions[] =>
  renderSlack(message, offer).blocks.filter((block): block is Actions => block.type === 'actions');

describe('Slack buttons', () => {
  it('offer Acknowledge, Snooze 1 day and Mute 7 days under an alert, each naming the group and the message', () => {
    // Prepare
    const alert = makeAlert({ alertId: 'a-1', reason: 'missing_configuration' });

    // Act
    const [block, ...others] = actionsOf(alert);

    // Assess
    expect(others).toEqual([]);
    expect(block?.block_id).toBe('actions');
    expect(block?.elements.map((button) => button.text.text)).toEqual([
      'Acknowledge',
      'Snooze 1 day',
      'Mute 7 days',
    ]);
    expect(block?.elements.map((button) => readButton(button.action_id, button.value))).toEqual(
      ['ack', 'snooze', 'mute'].map((action) => ({
        action,
        target: { companyId: alert.companyId, reason: 'missing_configuration', alertId: 'a-1' },
      })),
    );
  });

  it('offer Retry export where the offer says so', () => {
    // Act
    const [block] = actionsOf(makeAlert(), { retry: () => true });

    // Assess
    expect(block?.elements.map((button) => button.text.text)).toContain('Retry export');
  });

  it.each<[string, Message]>([['a reminder', reminderMessage()]])('are under %s', (_case, message) => {
    expect(actionsOf(message)).toHaveLength(1);
  });

  it.each<[string, Message]>([
    ['a resolved notice', resolvedMessage()],
    ['a digest', digestMessage([openGroup()])],
    ["the alerter's own problem", incidentMessage('pleo_api_unreachable', 'alert')],
    ['a combined resolved notice', combinedMessage(4, { kind: 'resolved' })],
  ])('are not under %s: nothing is open to act on', (_case, message) => {
    expect(actionsOf(message)).toEqual([]);
  });

  it('are not in a message rendered without the offer', () => {
    expect(renderSlack(makeAlert()).blocks.some((block) => block.type === 'actions')).toBe(false);
  });

  it("go under each section of a combined message, naming the section's group and the combined message", () => {
    // Prepare
    const message = combinedMessage(4);

    // Act
    const blocks = actionsOf(message);

    // Assess
    expect(blocks.map((block) => block.block_id)).toEqual([
      'actions.0',
      'actions.1',
      'actions.2',
      'actions.3',
    ]);
    expect(
      blocks.map((block) => readButton(block.elements[0]?.action_id ?? '', block.elements[0]?.value ?? '')),
    ).toEqual(
      message.sections.map((section) => ({
        action: 'ack',
        target: { companyId: section.companyId, reason: section.reason, alertId: message.alertId },
      })),
    );
  });

  it.each([4, 20, 30, 60])(
    'keep a combined message of %i sections within Block Kit and the notifier, dropping buttons before sections',
    (sections) => {
      // Act
      const rendered = renderSlack(combinedMessage(sections, { jobsEach: 3 }), {});

      // Assess
      slackMessageSchema.parse(rendered);
      expect(rendered.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(foreignMarkup(rendered)).toEqual([]);
    },
  );
});

describe('actedMessage', () => {
  const original = {
    text: 'Failed exports',
    blocks: [
      { type: 'section', block_id: 'a' },
      { type: 'actions', block_id: 'actions.1', elements: [] },
      { type: 'context', block_id: 'c' },
    ],
  };

  it('puts the outcome in place of the clicked buttons when done', () => {
    // Act
    const update = actedMessage(original, 'actions.1', { done: true, text: 'Acknowledged by @ana' });

    // Assess
    expect(update).toEqual({
      replaceOriginal: true,
      text: 'Failed exports',
      blocks: [
        original.blocks[0],
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Acknowledged by @ana', verbatim: true }] },
        original.blocks[2],
      ],
    });
  });

  it('keeps the buttons and adds the outcome under them when not done', () => {
    // Act
    const update = actedMessage(original, 'actions.1', { done: false, text: 'Not done' });

    // Assess
    expect(update.blocks).toHaveLength(4);
    expect(update.blocks[1]).toBe(original.blocks[1]);
  });

  it('answers with the outcome alone when Slack did not send the message', () => {
    // Act
    const update = actedMessage(undefined, 'actions', { done: true, text: 'Acknowledged by @ana' });

    // Assess
    expect(update).toMatchObject({ replaceOriginal: false, text: 'Acknowledged by @ana' });
  });
});
