// Renders a message as a Slack Block Kit message, within Slack's limits and with untrusted text made inert.
import type { Alert } from '../domain/alert.js';
import { messageType } from './headline.js';
import type { SlackMessage } from './slack-blocks.js';
import { digestSlack } from './slack-digest.js';
import { failureSlack } from './slack-failure.js';
import { incidentSlack } from './slack-incident.js';

export { SLACK_MAX_JOBS } from './slack-failure.js';
export { escapeMrkdwn, SLACK_LIMITS } from './slack-mrkdwn.js';

/** Pure: the same message always renders to the same Slack message. */
export function renderSlack(alert: Alert): SlackMessage {
  switch (messageType(alert)) {
    case 'digest':
      return digestSlack(alert);
    case 'incident':
      return incidentSlack(alert);
    case 'failure':
      return failureSlack(alert);
  }
}
