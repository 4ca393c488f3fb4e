// What `npm start` prints: the Slack message as a channel shows it, and the line after each poll.
import { describe, expect, it } from 'vitest';
import type { PollOutcome } from '../../functions/handlers/poller/compose.js';
import { renderSlack } from '../../functions/render/slack/slack.js';
import { slackAsText, summary } from '../../local/print.js';
import { combinedMessage, makeAlert } from '../render/alert-fixtures.js';

function outcome(counts: Partial<PollOutcome>): PollOutcome {
  return {
    skipped: false,
    jobsSeen: 0,
    newFailures: 0,
    deferredFailures: 0,
    heldFailures: 0,
    suppressedFailures: 0,
    mutedFailures: 0,
    alertsPublished: 0,
    alertsFailed: 0,
    pleoRequests: 0,
    connection: 'pleo-export-alerts',
    durationMs: 12,
    deliveryMs: 0,
    dynamoRequests: {},
    dynamoDeliveryRequests: {},
    invalidRecords: 0,
    ...counts,
  };
}

describe('summary', () => {
  it('writes one of each in the singular', () => {
    const line = summary(outcome({ jobsSeen: 1, newFailures: 1, alertsPublished: 1, pleoRequests: 1 }));
    expect(line).toBe(
      'Poll: 1 failed export in the lookback, 1 new, 1 message published (1 Pleo request, 12 ms)',
    );
  });

  it('writes none and several in the plural', () => {
    const line = summary(outcome({ jobsSeen: 30, newFailures: 30, alertsPublished: 34, pleoRequests: 0 }));
    expect(line).toBe(
      'Poll: 30 failed exports in the lookback, 30 new, 34 messages published (0 Pleo requests, 12 ms)',
    );
  });

  it('says when another poll held the lease', () => {
    expect(summary(outcome({ skipped: true }))).toBe('Another poll holds the lease; skipped.');
  });
});

describe('slackAsText', () => {
  it("shows Slack's entities as the characters they stand for and a link as its label and address", () => {
    const { blocks } = renderSlack(
      makeAlert({ companyName: 'Thistle & Finch <Ltd>' }, 1, { failureReason: 'a &lt; b' }),
    );

    const text = slackAsText(blocks);

    expect(text).toContain('*Company* Thistle & Finch <Ltd>\n');
    expect(text).toContain('Open the exports in Pleo (https://app.pleo.io/export)');
    expect(text).toContain('      a &lt; b\n');
    expect(text).not.toContain('&amp;');
  });

  it('sets blocks apart, as Slack does, so each reason of a combined message stands on its own', () => {
    const text = slackAsText(renderSlack(combinedMessage(3)).blocks);

    expect(text).toMatch(/\n\n\*1\. Access to the accounting system revoked\* /);
    expect(text).toMatch(/for this reason\n\n\*2\. Missing configuration\* /);
    expect(text).toContain('*Who acts* A Pleo admin who can manage the accounting integration.');
  });
});
