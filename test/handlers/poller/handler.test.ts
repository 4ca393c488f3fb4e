// The poller Lambda handler end to end: middy, Powertools, the secret from Secrets Manager (mocked), the demo
// Export API over HTTP, dynalite and fauxqs.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIGEST_EVENT, SUCCESSFUL_POLLS_METRIC } from '../../../functions/contracts/poller.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import { type DemoApi, startDemoApi } from '../../../local/demo-api/server.js';
import { type LocalParts, startLocalParts } from '../../../local/parts.js';
import { onlyAlert } from '../../support/structured.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo-api-key-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

function context(remainingMs = 120_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'poller',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:poller',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/poller',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } satisfies Context;
}

describe('the poller Lambda handler', () => {
  let api: DemoApi;
  let parts: LocalParts;
  let handler: typeof import('../../../functions/handlers/poller/index.js')['handler'];
  const stdout: string[] = [];

  beforeAll(async () => {
    api = await startDemoApi({ apiKeys: ['the-key'] });
    for (const key of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS', 'PLEO_API_KEY'])
      delete process.env[key];
    vi.stubEnv('PLEO_API_URL', api.url);
    vi.stubEnv('PLEO_CREDENTIAL_SECRET_ARN', SECRET_ARN);
    vi.stubEnv('PLEO_MAX_REQUESTS_PER_SECOND', '0');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'PleoExportAlerts');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'poller-test');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    // As in the Lambda, credentials are there: with the secret in (a mocked) Secrets Manager, `npm start`'s parts
    // leave the credentials to the SDK rather than giving the embedded services stand-ins.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    parts = await startLocalParts({ env: process.env, newFailureEveryMs: 0 });
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: 'the-key' });
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
    ({ handler } = await import('../../../functions/handlers/poller/index.js'));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await parts.close();
    await api.close();
  });

  it('polls with the key from the secret, publishes, logs and emits metrics, and reads the secret once', async () => {
    // Act
    const first = await handler({}, context());
    const second = await handler({}, context());

    // Assess
    expect(first).toMatchObject({ skipped: false, alertsPublished: expect.any(Number) });
    expect(first.alertsPublished).toBeGreaterThan(0);
    expect(second).toMatchObject({ newFailures: 0, alertsPublished: 0 });
    expect(await parts.sns?.drain()).toHaveLength(first.alertsPublished);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    const output = stdout.join('');
    expect(output).toContain('"message":"Poll finished"');
    expect(output).toContain(`"${SUCCESSFUL_POLLS_METRIC}":1`);
    expect(output).toMatch(/"Namespace":"PleoExportAlerts"/);
    expect(output).not.toContain('the-key');
  });

  it('sends the digest when the schedule asks for it', async () => {
    // Prepare: the event the stack's digest schedule sends (lib/constructs/poll-schedules.ts).
    const event = DIGEST_EVENT;

    // Act
    await handler(event, context());

    // Assess
    const [digest] = ((await parts.sns?.drain()) ?? []).map((body) =>
      onlyAlert(parseStructuredMessage(body)),
    );
    expect(digest?.kind).toBe('digest');
    expect(digest?.digest?.open.length).toBeGreaterThan(0);
  });

  it('returns before the Lambda times out when Pleo hangs, having listed what it could in its time', async () => {
    // Prepare: Pleo answers nothing for 6 s; the invocation has 12 s left, middy ends it at 7 s.
    api.faults.enqueue({ delayMs: 6_000 }, { times: 5 });
    const started = performance.now();

    // Act
    const outcome = await handler({}, context(12_000));

    // Assess
    expect(outcome).toMatchObject({ skipped: false });
    expect(performance.now() - started).toBeLessThan(7_000);
    api.faults.clear();
  });

  it('rethrows when the poll cannot finish before the Lambda times out, so the failure is seen', async () => {
    // Prepare: a new failure whose items take longer than the invocation has left.
    const companyId = api.store.listJobs()[0]?.companyId ?? '';
    const { id } = api.store.addJob({
      companyId,
      status: 'completed_with_errors',
      createdAt: new Date().toISOString(),
      items: [{ status: 'failed', count: 1, failureReasonType: 'receipt_upload_failure' }],
    });
    api.faults.enqueue({ delayMs: 10_000 }, { times: 5, pathPrefix: `/v2/export-jobs/${id}/items` });

    // Act + Assess
    await expect(handler({}, context(12_000))).rejects.toThrow();
    expect(stdout.join('')).toMatch(/"FailedPolls":1/);
    api.faults.clear();
  });
});
