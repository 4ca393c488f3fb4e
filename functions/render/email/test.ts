// The email body of a test message: it arrived, so alerts will; what it carried, so a filter can be checked.
import type { Alert } from '../../domain/alert.js';
import { isIncident } from '../../domain/incidents.js';
import { testSender } from '../../domain/test-message.js';
import { formatUtc, oneLine } from '../text.js';
import { closing, companyLine } from './parts.js';

export function testBody(alert: Alert): string[] {
  return [
    'This is a test of the Pleo export alerter. Nothing failed and nothing needs doing: if you read this, its alerts',
    'reach you here.',
    '',
    ...(isIncident(alert)
      ? []
      : [`Company:       ${companyLine(alert)} (a subscription filtered on it receives this)`]),
    `Requested:     ${oneLine(testSender(alert))} at ${formatUtc(alert.detectedAt)}`,
    ...closing(alert),
  ];
}
