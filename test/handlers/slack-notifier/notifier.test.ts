import { beforeEach, describe, expect, it } from 'vitest';
import type { PostLedger } from '../../../functions/adapters/dynamodb/post-ledger.js';
import { SlackPostError } from '../../../functions/adapters/slack/webhook.js';
import {
  createSlackNotifier,
  type NotifierLogger,
} from '../../../functions/handlers/slack-notifier/notifier.js';
import { renderSlack } from '../../../functions/render/slack/slack.js';
import { combinedMessage, makeAlert } from '../../render/alert-fixtures.js';
import { lambdaMessageFor, snsEvent } from './fixtures.js';

const WEBHOOK_URL = 'https://hooks.slack.example/services/T0SECRET/B0SECRET/xoxSecretToken123';

const logs: { level: 'info' | 'error'; message: string; attributes: Record<string, unknown> }[] = [];
const logger: NotifierLogger = {
  info: (message, attributes) => logs.push({ level: 'info', message, attributes }),
  error: (message, attributes) => logs.push({ level: 'error', message, attributes }),
};
const posts: { url: string; body: unknown }[] = [];
let answer = { status: 200, body: 'ok' };
const fakeFetch: typeof fetch = async (input, init) => {
  posts.push({ url: String(input), body: JSON.parse(String(init?.body)) });
  return new Response(answer.body, { status: answer.status });
};
const noSleep = async (): Promise<void> => {};

const posted = new Set<string>();
const ledger: PostLedger = {
  delivered: async (alertId) => posted.has(alertId),
  record: async (alertId) => void posted.add(alertId),
};

function notifier(getWebhookUrl = async () => WEBHOOK_URL) {
  return createSlackNotifier({ logger, getWebhookUrl, ledger, fetch: fakeFetch, sleep: noSleep });
}

beforeEach(() => {
  posted.clear();
  logs.length = 0;
  posts.length = 0;
  answer = { status: 200, body: 'ok' };
});

describe('createSlackNotifier', () => {
  it("posts each record's Slack message to the webhook and logs what it posted", async () => {
    // Prepare
    const first = makeAlert({ alertId: 'a-1' });
    const second = makeAlert({
      alertId: 'a-2',
      kind: 'resolved',
      reason: 'job_expired',
      category: 'transient',
    });

    // Act
    await notifier()(snsEvent(lambdaMessageFor(first), lambdaMessageFor(second)));

    // Assess
    expect(posts).toEqual([
      { url: WEBHOOK_URL, body: renderSlack(first) },
      { url: WEBHOOK_URL, body: renderSlack(second) },
    ]);
    expect(logs).toEqual([
      {
        level: 'info',
        message: 'Posted alert to Slack',
        attributes: {
          snsMessageId: 'msg-0',
          alertId: 'a-1',
          kind: 'alert',
          companyId: first.companyId,
          reasons: ['missing_configuration'],
        },
      },
      {
        level: 'info',
        message: 'Posted alert to Slack',
        attributes: {
          snsMessageId: 'msg-1',
          alertId: 'a-2',
          kind: 'resolved',
          companyId: second.companyId,
          reasons: ['job_expired'],
        },
      },
    ]);
  });

  it('posts a combined message once, under its own id', async () => {
    // Prepare
    const message = combinedMessage(4);

    // Act
    await notifier()(snsEvent(lambdaMessageFor(message), lambdaMessageFor(message)));

    // Assess
    expect(posts).toEqual([{ url: WEBHOOK_URL, body: renderSlack(message) }]);
    expect(posted).toEqual(new Set([message.alertId]));
    expect(logs[0]?.attributes).toMatchObject({
      alertId: message.alertId,
      reasons: message.sections.map((section) => section.reason),
    });
  });

  it('posts a message of schema version 1, published before version 2', async () => {
    // Prepare: a dead letter sent again after the upgrade
    const alert = makeAlert({ alertId: 'a-old' });
    const v1 = {
      schemaVersion: 1,
      alert,
      overflow: { jobIds: [], droppedJobs: 0 },
      email: { subject: 's', body: 'b' },
      slack: renderSlack(alert),
    };

    // Act
    await notifier()(snsEvent(JSON.stringify(v1)));

    // Assess
    expect(posts).toEqual([{ url: WEBHOOK_URL, body: renderSlack(alert) }]);
    expect(posted).toEqual(new Set(['a-old']));
  });

  it('skips an alert it posted already and posts it again if the first post failed', async () => {
    // Prepare
    const alert = makeAlert({ alertId: 'a-1' });
    answer = { status: 500, body: 'oops' };
    await notifier()(snsEvent(lambdaMessageFor(alert))).catch(() => {});
    answer = { status: 200, body: 'ok' };
    posts.length = 0;

    // Act
    await notifier()(snsEvent(lambdaMessageFor(alert)));
    await notifier()(snsEvent(lambdaMessageFor({ ...alert, possibleRedelivery: true })));

    // Assess
    expect(posts).toHaveLength(1);
    expect(logs.at(-1)?.message).toBe('Alert was posted to Slack already; skipping the repeat');
  });

  it('rethrows a Slack refusal after logging it, never logging the URL', async () => {
    answer = { status: 400, body: 'invalid_blocks' };

    await expect(notifier()(snsEvent(lambdaMessageFor(makeAlert())))).rejects.toThrow(SlackPostError);

    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'error',
      message: 'Could not post alert to Slack',
      attributes: { alertId: 'alert-7c1d', kind: 'alert', reasons: ['missing_configuration'] },
    });
    expect(
      JSON.stringify(logs, (_key, value) =>
        value instanceof Error ? `${value.message} ${value.stack}` : value,
      ),
    ).not.toContain('xoxSecretToken123');
  });

  it('rethrows a message that is not a structured alert, naming the SNS message', async () => {
    await expect(notifier()(snsEvent('Plain text email body'))).rejects.toThrow(/not JSON/);

    expect(posts).toEqual([]);
    expect(logs[0]).toMatchObject({ level: 'error', attributes: { snsMessageId: 'msg-0' } });
  });

  it.each([
    [
      'a link elsewhere',
      { type: 'mrkdwn', text: 'Log in again: <https://evil.example/pleo|Pleo>', verbatim: true },
    ],
    ['a broadcast', { type: 'mrkdwn', text: '<!channel> urgent', verbatim: true }],
    ['text Slack would auto-link', { type: 'mrkdwn', text: 'Log in at https://evil.example' }],
  ])(
    'refuses a well-formed message whose Slack part carries %s: logs it, posts nothing',
    async (_case, forged) => {
      // Prepare: the structure of an alert, with a Slack message the renderers could not have made.
      const message = JSON.parse(lambdaMessageFor(makeAlert()));
      message.slack.blocks.push({ type: 'section', text: forged });

      // Act
      const run = notifier()(snsEvent(JSON.stringify(message)));

      // Assess
      await expect(run).rejects.toThrow(/^Refused: not a Slack message of the alerter/);
      expect(posts).toEqual([]);
      expect(logs).toEqual([
        expect.objectContaining({
          level: 'error',
          attributes: expect.objectContaining({ snsMessageId: 'msg-0' }),
        }),
      ]);
    },
  );

  it('refuses a message without the structure of an alert, posting nothing', async () => {
    const slackOnly = JSON.stringify({ text: 'Pay this invoice', blocks: [] });

    await expect(notifier()(snsEvent(slackOnly))).rejects.toThrow(/Not a structured alert message/);
    expect(posts).toEqual([]);
  });

  it('rethrows a secret problem with its explanation', async () => {
    const emptySecret = async (): Promise<string> => {
      throw new Error('Slack webhook secret arn:x is empty: put the incoming webhook URL in it');
    };

    await expect(notifier(emptySecret)(snsEvent(lambdaMessageFor(makeAlert())))).rejects.toThrow(/is empty/);
    expect(posts).toEqual([]);
  });
});
