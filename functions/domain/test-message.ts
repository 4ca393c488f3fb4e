// A message of kind `test`: sent on request through the real topic, so that every subscriber (email, Slack, a
// filtered subscription) shows it received what the alerter sends. Shaped like an alert, so it is delivered the
// same way; it changes no group and is never combined.
import { randomUUID } from 'node:crypto';
import type { Alert } from './alert.js';
import { ALERTER_COMPANY_ID, ALERTER_NAME } from './incidents.js';

export const TEST_REASON = 'test';

export interface TestRequest {
  /** The company whose attributes it carries (for a subscription filtered on it); else the alerter's own. */
  company?: { id: string; name: string | null } | undefined;
  /** Who asked for it: shown in the message. */
  author: string;
  now: Date;
}

export function testMessage({ company, author, now }: TestRequest): Alert {
  const at = now.toISOString();
  return {
    schemaVersion: 1,
    // A new id each time: each test is posted, none taken for a repeat of the one before.
    alertId: `test-${randomUUID()}`,
    kind: 'test',
    companyId: company?.id ?? ALERTER_COMPANY_ID,
    companyName: company ? company.name : ALERTER_NAME,
    reason: TEST_REASON,
    category: 'info',
    jobs: [
      {
        jobId: `test:${at}`,
        status: 'test',
        createdAt: at,
        numberOfItems: 0,
        failedItems: null,
        failureReason: `Sent by ${author}`,
      },
    ],
    totals: { jobs: 0, items: 0, failedItems: 0 },
    detectedAt: at,
    possibleRedelivery: false,
  };
}

/** Who asked for a test message, as it says. */
export function testSender(alert: Alert): string {
  return alert.jobs[0]?.failureReason ?? 'Sent on request';
}
