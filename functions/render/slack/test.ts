// The Slack message of a test message: it arrived, so alerts will.
import type { SlackMessage } from '../../contracts/slack-message.js';
import type { Alert } from '../../domain/alert.js';
import { isIncident } from '../../domain/incidents.js';
import { testSender } from '../../domain/test-message.js';
import { headline } from '../headline.js';
import { companyLabel, formatUtc, oneLine } from '../text.js';
import { escapeMrkdwn, field, header, section } from './mrkdwn.js';
import { fallback, footer } from './parts.js';

const SAID =
  'This is a test of the Pleo export alerter. Nothing failed and nothing needs doing: its alerts reach this channel.';

export function testSlack(alert: Alert): SlackMessage {
  const title = headline(alert);
  const fields = [
    ...(isIncident(alert) ? [] : [field('Company', escapeMrkdwn(companyLabel(alert)))]),
    field('Requested', `${escapeMrkdwn(oneLine(testSender(alert)))} at ${formatUtc(alert.detectedAt)}`),
  ];
  return {
    text: fallback(title, 'Nothing needs doing.'),
    blocks: [header(`🧪 ${title}`), section(escapeMrkdwn(SAID), fields), footer(alert)],
  };
}
