// Renders a message as a Slack Block Kit message, within Slack's limits and with untrusted text made inert.

import type { SlackMessage } from '../../contracts/slack-message.js';
import { isCombined, type Message } from '../../domain/alert.js';
import { messageType } from '../headline.js';
import type { ActionOffer } from './actions.js';
import { combinedSlack } from './combined.js';
import { digestSlack } from './digest.js';
import { failureSlack } from './failure.js';
import { incidentSlack } from './incident.js';
import { testSlack } from './test.js';

export type { ActionOffer } from './actions.js';
export { SLACK_MAX_JOBS } from './failure.js';
export { escapeMrkdwn, SLACK_LIMITS } from './mrkdwn.js';

/** Pure: the same message always renders to the same Slack message; with `offer`, open problems carry buttons. */
export function renderSlack(message: Message, offer?: ActionOffer): SlackMessage {
  if (isCombined(message)) return combinedSlack(message, offer);
  const alert = message;
  switch (messageType(alert)) {
    case 'digest':
      return digestSlack(alert);
    case 'incident':
      return incidentSlack(alert);
    case 'failure':
      return failureSlack(alert, offer);
    case 'test':
      return testSlack(alert);
  }
}
