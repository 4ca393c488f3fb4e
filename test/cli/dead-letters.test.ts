// dead-letters list|redrive|purge on fauxqs queues and a dynalite table; Lambda's Invoke runs the real Slack
// notifier in-process (its post ledger on dynalite, the webhook a stand-in that counts posts).

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_CHANNEL } from '../../functions/adapters/dynamodb/partitions.js';
import { DynamoPostLedger } from '../../functions/adapters/dynamodb/post-ledger.js';
import { createSlackNotifier } from '../../functions/handlers/slack-notifier/notifier.js';
import { type EmbeddedSns, startEmbeddedSns } from '../../local/embedded/sns.js';
import { lambdaMessageFor, snsEvent } from '../handlers/slack-notifier/fixtures.js';
import { makeAlert } from '../render/alert-fixtures.js';
import { cli } from '../support/cli.js';
import { startTestTable, TEST_CREDENTIALS, TEST_REGION } from '../support/dynamo.js';

const NOTIFIER = 'alerts-SlackNotifier-1A2B';
const POLLER = 'alerts-Poller-3C4D';
const NOTIFIER_ARN = `arn:aws:lambda:eu-west-1:123456789012:function:${NOTIFIER}`;

describe('dead-letters', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let fauxqs: EmbeddedSns;
  let sqs: SQSClient;
  let env: NodeJS.ProcessEnv;
  const lambda = mockClient(LambdaClient);
  const posts: unknown[] = [];
  const polls: unknown[] = [];

  beforeAll(async () => {
    table = await startTestTable();
    fauxqs = await startEmbeddedSns(TEST_REGION);
    sqs = new SQSClient({ endpoint: fauxqs.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    const queue = async (name: string) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    // The CLI's AWS clients read the process's environment, as they do when run from a shell.
    env = process.env;
    Object.assign(env, {
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
      TABLE_NAME: table.tableName,
      POLL_DEAD_LETTER_QUEUE_URL: await queue('poll-dlq'),
      DELIVERY_DEAD_LETTER_QUEUE_URL: await queue('delivery-dlq'),
      POLLER_FUNCTION_NAME: POLLER,
      SLACK_NOTIFIER_FUNCTION_NAME: NOTIFIER,
    });
    const notify = createSlackNotifier({
      logger: { info: () => {}, error: () => {} },
      ledger: new DynamoPostLedger(table.doc, table.tableName, SLACK_CHANNEL),
      getWebhookUrl: async () => 'https://hooks.slack.com/services/T000/B000/XXXX',
      fetch: async (_url, init) => {
        posts.push(JSON.parse(String(init?.body)));
        return new Response('ok', { status: 200 });
      },
    });
    lambda.on(InvokeCommand).callsFake(async (input: { FunctionName: string; Payload: Uint8Array }) => {
      const payload = JSON.parse(new TextDecoder().decode(input.Payload));
      if (input.FunctionName === NOTIFIER) await notify(payload);
      else polls.push(payload);
      return { StatusCode: 200 };
    });
  });
  beforeEach(() => {
    posts.length = 0;
    polls.length = 0;
  });
  afterAll(async () => {
    lambda.restore();
    sqs?.destroy();
    await fauxqs?.close();
    await table?.close();
  });

  const send = (queue: 'poll' | 'delivery', body: unknown, attributes: Record<string, string> = {}) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: queue === 'poll' ? env.POLL_DEAD_LETTER_QUEUE_URL : env.DELIVERY_DEAD_LETTER_QUEUE_URL,
        MessageBody: JSON.stringify(body),
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );

  /** What Lambda's on-failure destination writes when the notifier gave up on an event. */
  const notifierFailure = (alertId: string) => ({
    version: '1.0',
    timestamp: '2026-11-20T08:00:00.000Z',
    requestContext: {
      requestId: 'r-1',
      functionArn: `${NOTIFIER_ARN}:$LATEST`,
      condition: 'RetriesExhausted',
    },
    requestPayload: snsEvent(lambdaMessageFor(makeAlert({ alertId }))),
    responseContext: { statusCode: 200, functionError: 'Unhandled' },
    responsePayload: { errorType: 'SlackUnavailableError', errorMessage: 'Slack answered 503 three times' },
  });

  it('lists what failed for good and why, in both queues', async () => {
    // Prepare
    await send('delivery', notifierFailure('alert-listed'));
    await send(
      'poll',
      { task: 'digest' },
      { ERROR_CODE: 'AWS.Lambda.TooManyRequestsException', ERROR_MESSAGE: 'Rate exceeded' },
    );

    // Act
    const text = await cli(['dead-letters', 'list'], env);
    const json = JSON.parse(
      (await cli(['dead-letters', 'list', '--json', '--queue', 'delivery'], env)).stdout,
    );

    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Poll dead letters: 1\n .* scheduled event: AWS\.Lambda\.TooManyRequestsException: Rate exceeded\n/,
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `Delivery dead letters: 1\n .* failed run of ${NOTIFIER}: SlackUnavailableError: Slack answered 503 three times\n`,
      ),
    );
    expect(json.delivery).toMatchObject([{ origin: 'lambda', errorType: 'SlackUnavailableError' }]);
    expect(json.poll).toBeUndefined();

    // Clean up
    await cli(['dead-letters', 'purge'], env);
  });

  it('redrives a Slack post through the notifier once, however often it was dead-lettered', async () => {
    // Prepare: the same failed post twice, and a missed digest.
    await send('delivery', notifierFailure('alert-redriven'));
    await send('delivery', notifierFailure('alert-redriven'));
    await send('poll', { task: 'digest' }, { ERROR_CODE: 'AWS.Lambda.ServiceException' });

    // Act
    const result = await cli(['dead-letters', 'redrive'], env);
    const after = await cli(['dead-letters', 'list', '--json'], env);

    // Assess: one Slack post, the digest run again, nothing left.
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Redrove 3 dead letters');
    expect(posts).toHaveLength(1);
    expect(polls).toEqual([{ task: 'digest' }]);
    expect(JSON.parse(after.stdout)).toEqual({ poll: [], delivery: [] });
  });

  it('keeps a dead letter that fails again, naming why, with exit code 1', async () => {
    // Prepare: a record of a function that is not the alerter's.
    await send('delivery', {
      ...notifierFailure('alert-x'),
      requestContext: { functionArn: 'arn:aws:lambda:eu-west-1:1:function:other' },
    });

    // Act
    const result = await cli(['dead-letters', 'redrive', '--queue', 'delivery'], env);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /was not sent again: a record of arn:aws:lambda:eu-west-1:1:function:other, not of this alerter's functions/,
    );
    await cli(['dead-letters', 'purge', '--queue', 'delivery'], env);
    expect(JSON.parse((await cli(['dead-letters', 'list', '--json'], env)).stdout).delivery).toEqual([]);
  });

  it('refuses an unknown queue as bad usage', async () => {
    const result = await cli(['dead-letters', 'list', '--queue', 'email'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--queue is poll or delivery, not "email"');
  });
});
