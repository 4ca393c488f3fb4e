import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderSlack } from '../../../functions/render/slack/slack.js';
import { makeAlert } from '../../render/alert-fixtures.js';
import { startTestTable } from '../../support/dynamo.js';
import { lambdaMessageFor, snsEvent } from './fixtures.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf';
const secrets = mockClient(SecretsManagerClient);
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'slack-notifier',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:slack-notifier',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/slack-notifier',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

// Slack's webhook endpoint, played on 127.0.0.1: answers each post with the next status in `statuses`.
const received: unknown[] = [];
const statuses: number[] = [];
let server: Server;
let webhookUrl: string;
let handler: typeof import('../../../functions/handlers/slack-notifier/index.js')['handler'];
let table: Awaited<ReturnType<typeof startTestTable>>;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push(JSON.parse(body));
    const status = statuses.shift() ?? 200;
    res.writeHead(status).end(status === 200 ? 'ok' : 'invalid_blocks');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/secret`;
  table = await startTestTable();
  vi.stubEnv('TABLE_NAME', table.tableName);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', table.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('SLACK_WEBHOOK_SECRET_ARN', ARN);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = await import('../../../functions/handlers/slack-notifier/index.js'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
  await table.close();
});

beforeEach(() => {
  secrets.reset();
  secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: webhookUrl });
  received.length = 0;
  statuses.length = 0;
});

describe('Slack notifier handler', () => {
  it('reads the webhook URL from the secret and posts the alert to it', async () => {
    const alert = makeAlert();

    await handler(snsEvent(lambdaMessageFor(alert)), context);

    expect(received).toEqual([renderSlack(alert)]);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ARN });
  });

  it('fails the invocation when Slack refuses the message, so Lambda retries', async () => {
    statuses.push(400);

    await expect(
      handler(snsEvent(lambdaMessageFor(makeAlert({ alertId: 'refused' }))), context),
    ).rejects.toThrow('Slack webhook answered 400 (invalid_blocks)');
  });

  it('posts an alert delivered twice (SNS retry, or a re-publish after a crash) once', async () => {
    const alert = makeAlert({ alertId: 'twice' });

    await handler(snsEvent(lambdaMessageFor(alert)), context);
    await handler(snsEvent(lambdaMessageFor({ ...alert, possibleRedelivery: true })), context);

    expect(received).toEqual([renderSlack(alert)]);
  });
});
