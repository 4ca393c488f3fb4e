import { describe, expect, it } from 'vitest';
import { webhookUrlFromSecret } from '../../../functions/adapters/slack/webhook-url.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf';
const URL_IN_SECRET = 'https://hooks.slack.com/services/T000/B000/XXXX';

describe('webhookUrlFromSecret', () => {
  it.each([
    ['the URL itself', URL_IN_SECRET],
    ['the URL with surrounding whitespace', `  ${URL_IN_SECRET}\n`],
    ['a console key/value secret with one entry', JSON.stringify({ webhook: URL_IN_SECRET })],
  ])('reads %s', async (_case, value) => {
    const read = webhookUrlFromSecret(ARN, async () => value);

    await expect(read()).resolves.toBe(URL_IN_SECRET);
  });

  it.each(['http://127.0.0.1:4010/services/T0/B0/x', 'http://localhost:4010/hook', 'http://[::1]:4010/hook'])(
    'reads %s, a stand-in for Slack on this machine',
    async (url) => {
      await expect(webhookUrlFromSecret(ARN, async () => url)()).resolves.toBe(url);
    },
  );

  it('asks the fetcher for the configured secret', async () => {
    const asked: string[] = [];

    await webhookUrlFromSecret(ARN, async (arn) => {
      asked.push(arn);
      return URL_IN_SECRET;
    })();

    expect(asked).toEqual([ARN]);
  });

  it.each([
    ['an empty string', ''],
    ['only whitespace', ' \n '],
    ['nothing', undefined],
  ])('says how to fill a secret holding %s', async (_case, value) => {
    await expect(webhookUrlFromSecret(ARN, async () => value)()).rejects.toThrow(
      `Slack webhook secret ${ARN} is empty: put the incoming webhook URL in it`,
    );
  });

  it.each([
    ['text that is not a URL', 'xoxb-not-a-url-token'],
    ['a non-web URL', 'ftp://hooks.slack.com/services/T000'],
    ['plain http', 'http://hooks.slack.com/services/T000/B000/XXXX'],
    ['another host', 'https://hooks.slack.com.evil.example/services/T000/B000/XXXX'],
    ['a look-alike host', 'https://hooks-slack.com/services/T000/B000/XXXX'],
    ['a user name before the host', 'https://hooks.slack.com@evil.example/services/T000'],
    ['another port', 'https://hooks.slack.com:8443/services/T000/B000/XXXX'],
    ['a key/value secret with two entries', JSON.stringify({ a: URL_IN_SECRET, b: URL_IN_SECRET })],
    ['JSON that is not an object', '{not json'],
  ])('rejects %s without quoting it', async (_case, value) => {
    const error = await webhookUrlFromSecret(ARN, async () => value)().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain(`Slack webhook secret ${ARN} does not hold a webhook URL`);
    expect(String(error)).not.toContain(value);
  });
});
