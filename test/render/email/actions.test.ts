import { describe, expect, it } from 'vitest';
import type { ActionName, ActionTarget } from '../../../functions/domain/actions.js';
import type { Message } from '../../../functions/domain/alert.js';
import type { EmailActions } from '../../../functions/render/email/actions.js';
import { renderEmail } from '../../../functions/render/email/email.js';
import {
  combinedMessage,
  digestMessage,
  makeAlert,
  openGroup,
  reminderMessage,
  resolvedMessage,
} from '../alert-fixtures.js';

/** Links that say what they grant, so the test reads what each line asks for. */
const actions: EmailActions = {
  link: (action: ActionName, target: ActionTarget, issuedAt: string) =>
    `https://a.test/${action}/${target.companyId}/${target.reason}/${target.alertId}/${issuedAt}`,
};
const linksOf = (message: Message, offer: EmailActions | undefined = actions) =>
  renderEmail(message, {}, offer)
    .body.split('\n')
    .filter((line) => line.includes('https://a.test/'));

describe('email action links', () => {
  it('list each action under an alert, bound to its group, message and time', () => {
    // Prepare
    const alert = makeAlert({ alertId: 'a-1', reason: 'missing_configuration' });

    // Act
    const lines = linksOf(alert);

    // Assess
    const at = alert.detectedAt;
    expect(lines).toEqual([
      `  Acknowledge:  https://a.test/ack/${alert.companyId}/missing_configuration/a-1/${at}`,
      `  Snooze 1 day: https://a.test/snooze/${alert.companyId}/missing_configuration/a-1/${at}`,
      `  Mute 7 days:  https://a.test/mute/${alert.companyId}/missing_configuration/a-1/${at}`,
    ]);
  });

  it('are under a reminder, and under each section of a combined message, naming the combined message', () => {
    // Prepare
    const message = combinedMessage(3);

    // Act
    const lines = linksOf(message);

    // Assess
    expect(linksOf(reminderMessage())).toHaveLength(3);
    expect(lines).toHaveLength(9);
    for (const section of message.sections) {
      expect(lines.filter((line) => line.includes(`/${section.reason}/${message.alertId}/`))).toHaveLength(3);
    }
  });

  it.each<[string, Message]>([
    ['a resolved notice', resolvedMessage()],
    ['a digest', digestMessage([openGroup()])],
  ])('are not in %s', (_case, message) => {
    expect(linksOf(message)).toEqual([]);
  });

  it('are not there without the offer', () => {
    expect(renderEmail(makeAlert()).body).not.toContain('Act on it');
  });
});
