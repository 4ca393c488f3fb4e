// The Pleo API key and the Slack webhook URL never show: not in anything written to stdout/stderr or the console
// (where Powertools' Logger writes), not in any error or its causes, not in a published alert. Realistic runs:
// the Lambda handler, the composed poll, the Slack notifier, and `npm start --once` as a child process, with Pleo
// and Slack failing in the ways that tend to echo credentials back.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PleoClient } from '../../functions/adapters/pleo/client.js';
import { PleoContractError } from '../../functions/adapters/pleo/errors.js';
import { PleoUnavailableError } from '../../functions/app/errors.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { awsRuntime } from '../../functions/handlers/poller/aws-runtime.js';
import { createPoller } from '../../functions/handlers/poller/compose.js';
import { createSlackNotifier } from '../../functions/handlers/slack-notifier/notifier.js';
import { buildSnsMessage } from '../../functions/render/sns-message.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import { DemoStore } from '../../local/demo-api/store.js';
import { type EmbeddedDynamo, ensureTable, startDynalite } from '../../local/embedded/dynamodb.js';
import { type EmbeddedSns, startEmbeddedSns } from '../../local/embedded/sns.js';
import { makeAlert } from '../render/alert-fixtures.js';
import { type CapturedOutput, captureOutput, errorTexts } from '../support/capture-output.js';
import { collect as collectAll } from '../support/collect.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/dynamo.js';

const API_KEY = `pleo-key-${randomUUID()}`;
/** A key Pleo refuses: a secret all the same. */
const REFUSED_KEY = `pleo-key-${randomUUID()}`;
const WEBHOOK_TOKEN = `hookToken${randomUUID().replaceAll('-', '')}`;
const WEBHOOK_PATH = `/services/T0SECRET/B0SECRET/${WEBHOOK_TOKEN}`;
const COMPANY = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
/** Every form in which the two secrets could leak. */
const SECRETS = [
  ...[API_KEY, REFUSED_KEY].flatMap((key) => [
    key,
    Buffer.from(`${key}:`).toString('base64').replace(/=+$/, ''),
    Buffer.from(key).toString('base64').replace(/=+$/, ''),
  ]),
  WEBHOOK_TOKEN,
];

function expectNoSecret(what: string, texts: readonly string[]): void {
  for (const text of texts) {
    for (const secret of SECRETS) {
      if (text.includes(secret)) expect.fail(`${what} contains a secret: …${around(text, secret)}…`);
    }
  }
}

function around(text: string, secret: string): string {
  const at = text.indexOf(secret);
  return text.slice(Math.max(0, at - 80), at + secret.length + 20);
}

/** A web server answering from a queue of replies set by the test; `echo` replies see the request. */
type Reply = (req: IncomingMessage, body: string) => { status: number; body: string; type?: string };
async function startServer(replies: Reply[], fallback: Reply) {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const reply = (replies.shift() ?? fallback)(req, body);
    res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** Pleo answering an error whose message quotes the request's Authorization header, and the URL. */
const pleoEcho =
  (status: number): Reply =>
  (req) => ({
    status,
    body: JSON.stringify({
      type: 'ERROR',
      message: `Rejected ${req.url} with Authorization: ${req.headers.authorization} (user ${API_KEY})`,
    }),
  });

const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'poller',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:poller',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/poller',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} satisfies Context;

describe('secrets never leak', () => {
  let dynalite: EmbeddedDynamo;
  let sns: EmbeddedSns;
  let demo: DemoApi;
  let pleoReplies: Reply[];
  let pleo: Awaited<ReturnType<typeof startServer>>;
  let output: CapturedOutput;
  let tableName: string;

  /** Everything subscribers received so far: no alert carries a secret either. */
  const published = async () => sns.drain();

  beforeAll(async () => {
    [dynalite, sns] = await Promise.all([startDynalite(), startEmbeddedSns(TEST_REGION)]);
    const store = new DemoStore();
    store.addCompany(COMPANY);
    for (const failureReasonType of ['missing_configuration', 'authorization_failure'] as const) {
      store.addJob({ companyId: COMPANY.id, status: 'failed', failureReasonType });
    }
    store.addJob({ companyId: COMPANY.id, status: 'completed_with_errors', numberOfItems: 3 });
    demo = await startDemoApi({ store, apiKeys: [API_KEY] });
    pleoReplies = [];
    pleo = await startServer(pleoReplies, pleoEcho(401));
    tableName = `alerts-${randomUUID().slice(0, 8)}`;
    for (const [name, value] of Object.entries({
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_SERVICE_NAME: 'secrets-test',
      POWERTOOLS_METRICS_NAMESPACE: 'SecretsTest',
      TABLE_NAME: tableName,
      ALERT_TOPIC_ARN: sns.topicArn,
    })) {
      vi.stubEnv(name, value);
    }
    const dynamo = new DynamoDBClient({});
    await ensureTable(dynamo, tableName);
    dynamo.destroy();
  });
  afterAll(async () => {
    await Promise.all([dynalite.close(), sns.close(), demo.close(), close(pleo.server)]);
    vi.unstubAllEnvs();
  });
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
  });

  const poller = (url: string, apiKey = API_KEY, logger = new Logger()) =>
    createPoller(
      parsePollerConfig({
        ...process.env,
        PLEO_API_URL: url,
        PLEO_API_KEY: apiKey,
        PLEO_MAX_REQUESTS_PER_SECOND: '0',
      }),
      awsRuntime(logger),
    );

  it('keeps them out of a poll that works, with debug logging on', async () => {
    // Act
    const logger = new Logger();
    const outcome = await poller(demo.url, API_KEY, logger).poll();
    logger.info('Poll finished', { ...outcome });

    // Assess
    expect(outcome.alertsPublished).toBeGreaterThan(0);
    expect(output.text()).toContain('Poll finished');
    expectNoSecret('the output', [output.text()]);
    expectNoSecret('the published alerts', await published());
  });

  it('keeps them out of a poll Pleo refuses (401), its error and the alert about the key', async () => {
    // Act
    const logger = new Logger();
    const error = await poller(demo.url, REFUSED_KEY, logger)
      .poll()
      .catch((e: unknown) => e);
    logger.error('Poll failed', error as Error);

    // Assess
    expect(error).toMatchObject({ name: 'PleoCredentialsError', status: 401 });
    expectNoSecret('the error', errorTexts(error));
    expectNoSecret('the output', [output.text()]);
    const alerts = await published();
    expect(alerts.join('\n')).toContain('pleo_api_key_invalid');
    expectNoSecret('the published alerts', alerts);
  });

  it.each([401, 403, 400, 404])(
    'keeps them out when Pleo answers %i with the Authorization header echoed in its error',
    async (status) => {
      // Prepare
      pleoReplies.push(pleoEcho(status));
      const logger = new Logger();

      // Act
      const error = await poller(pleo.url, API_KEY, logger)
        .poll()
        .catch((e: unknown) => e);
      logger.error('Poll failed', error as Error);

      // Assess
      expect(error).toBeInstanceOf(Error);
      expectNoSecret('the error', errorTexts(error));
      expectNoSecret('the output', [output.text()]);
      expectNoSecret('the published alerts', await published());
    },
  );

  it.each<[string, Reply, typeof PleoUnavailableError | typeof PleoContractError]>([
    ['a 503 that quotes the header', pleoEcho(503), PleoUnavailableError],
    [
      'a 502 HTML page that quotes it',
      (req) => ({ status: 502, type: 'text/html', body: `<p>${req.headers.authorization}</p>` }),
      PleoUnavailableError,
    ],
    [
      'a 200 that is not JSON and quotes it',
      (req) => ({ status: 200, body: `{"auth": "${req.headers.authorization}"` }),
      PleoContractError,
    ],
    [
      'a 200 page whose envelope is wrong and quotes it',
      (req) => ({ status: 200, body: JSON.stringify({ data: [], auth: req.headers.authorization }) }),
      PleoContractError,
    ],
  ])('keeps them out of the client error for %s', async (_case, reply, errorClass) => {
    // Prepare
    for (let i = 0; i < 3; i++) pleoReplies.push(reply);
    const client = new PleoClient({
      baseUrl: pleo.url,
      credential: { kind: 'apiKey', apiKey: API_KEY },
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 100 },
      deps: { sleep: async () => {}, random: () => 0 },
    });

    // Act
    const error = await collectAll(client.listFailedItems(COMPANY.id)).catch((e: unknown) => e);
    pleoReplies.length = 0;

    // Assess
    expect(error).toBeInstanceOf(errorClass);
    expectNoSecret('the error', errorTexts(error));
  });

  it('keeps them out of the Lambda handler’s logs and metrics when Pleo echoes the key in a 401', async () => {
    // Prepare: the handler reads its configuration when it is loaded, as in a cold start
    vi.stubEnv('PLEO_API_URL', pleo.url);
    vi.stubEnv('PLEO_API_KEY', API_KEY);
    const { handler } = await import('../../functions/handlers/poller/index.js');
    pleoReplies.push(pleoEcho(401));

    // Act
    const error = await handler({}, lambdaContext).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'PleoCredentialsError' });
    expect(output.text()).toContain('Poll failed');
    expectNoSecret('the error', errorTexts(error));
    expectNoSecret('the output', [output.text()]);
    expectNoSecret('the published alerts', await published());
  });

  describe('the Slack notifier', () => {
    let slackReplies: Reply[];
    let slack: Awaited<ReturnType<typeof startServer>>;
    const event = (): SNSEvent => ({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alerts:sub',
          Sns: {
            Type: 'Notification',
            MessageId: 'msg-1',
            TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
            Subject: 'subject',
            Message: buildSnsMessage(makeAlert()).Message,
            Timestamp: '2024-05-01T09:35:13.000Z',
            SignatureVersion: '1',
            Signature: 'sig',
            SigningCertUrl: 'https://sns.example/cert.pem',
            UnsubscribeUrl: 'https://sns.example/unsubscribe',
            MessageAttributes: {},
          },
        },
      ],
    });

    beforeAll(async () => {
      slackReplies = [];
      slack = await startServer(slackReplies, () => ({ status: 200, body: 'ok', type: 'text/plain' }));
    });
    afterAll(() => close(slack.server));

    it.each<[string, Reply | 'unreachable']>([
      ['invalid_blocks (400)', () => ({ status: 400, body: 'invalid_blocks', type: 'text/plain' })],
      ['no_service (404)', () => ({ status: 404, body: 'no_service', type: 'text/plain' })],
      [
        'a 400 that quotes the URL',
        (req) => ({ status: 400, body: `bad hook ${req.url}`, type: 'text/plain' }),
      ],
      ['5xx that quote the URL until retries run out', (req) => ({ status: 503, body: `down: ${req.url}` })],
      ['a network error', 'unreachable'],
    ])('keeps the webhook URL out when Slack answers %s', async (_case, reply) => {
      // Prepare
      const closed = await startServer([], () => ({ status: 200, body: '' }));
      await close(closed.server);
      const base = reply === 'unreachable' ? closed.url : slack.url;
      if (reply !== 'unreachable') for (let i = 0; i < 4; i++) slackReplies.push(reply);
      const notify = createSlackNotifier({
        logger: new Logger({ serviceName: 'slack-notifier' }),
        getWebhookUrl: async () => `${base}${WEBHOOK_PATH}`,
        ledger: { delivered: async () => false, record: async () => {} },
        sleep: async () => {},
      });

      // Act
      const error = await notify(event()).catch((e: unknown) => e);
      slackReplies.length = 0;

      // Assess
      expect(error).toMatchObject({ name: 'SlackPostError' });
      expect(output.text()).toContain('Could not post alert to Slack');
      expectNoSecret('the error', errorTexts(error));
      expectNoSecret('the output', [output.text()]);
    });

    it('keeps both out of `npm start --once`, with a key Pleo accepts or refuses and Slack refusing', async () => {
      // Prepare
      const run = promisify(execFile);
      const start = async (apiKey: string) => {
        const env = {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PLEO_API_URL: demo.url,
          PLEO_API_KEY: apiKey,
          SLACK_WEBHOOK_URL: `${slack.url}${WEBHOOK_PATH}`,
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
        };
        const result = await run('node_modules/.bin/tsx', ['local/start.ts', '--once'], {
          env,
          timeout: 60_000,
        }).catch((error: { stdout: string; stderr: string }) => error);
        return `${result.stdout}${result.stderr}`;
      };
      slackReplies.push(...Array.from({ length: 20 }, () => () => ({ status: 400, body: 'invalid_blocks' })));

      // Act
      const [accepted, refused] = await Promise.all([start(API_KEY), start(REFUSED_KEY)]);
      slackReplies.length = 0;

      // Assess
      expect(accepted).toMatch(/messages? published/);
      expect(accepted).toContain('Slack post failed');
      expect(refused).toMatch(/Poll failed: .*API key/);
      expectNoSecret('npm start with the right key', [accepted]);
      expectNoSecret('npm start with a refused key', [refused]);
      // Two child processes through tsx: over half a minute on a loaded machine.
    }, 120_000);
  });
});
