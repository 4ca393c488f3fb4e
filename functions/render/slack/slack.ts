// Renders a message as a Slack Block Kit message, within Slack's limits and with untrusted text made inert.

import type { SlackMessage } from '../../contracts/slack-message.js';
import { isCombined, type Message } from '../../domain/alert.js';
import { messageType } from '../headline.js';
import { combinedSlack } from './combined.js';
import { digestSlack } from './digest.js';
import { failureSlack } from './failure.js';
import { incidentSlack } from './incident.js';
import { testSlack } from './test.js';

export { SLACK_MAX_JOBS } from './failure.js';
export { escapeMrkdwn, SLACK_LIMITS } from './mrkdwn.js';

/** Pure: the same message always renders to the same Slack message. */
export function renderSlack(message: Message): SlackMessage {
  if (isCombined(message)) return combinedSlack(message);
  const alert = message;
  switch (messageType(alert)) {
    case 'digest':
      return digestSlack(alert);
    case 'incident':
      return incidentSlack(alert);
    case 'failure':
      return failureSlack(alert);
    case 'test':
      return testSlack(alert);
  }
}
