// The poller as Lambda runs it: the bundle the stack deploys (built as the stack builds it), invoked again and again
// in one process (the environment frozen after an invocation and thawed for the next), each time with little time
// left, against the demo Export API with a backlog and latency. Over successive invocations every failure is
// alerted exactly once, and each invocation returns before middy's timeout.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildPollerBundle } from '../../../bench/bundle.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import type { PollOutcome } from '../../../functions/handlers/poller/compose.js';
import { DemoStore } from '../../../local/demo-api/store.js';
import { type LocalParts, startLocalParts } from '../../../local/parts.js';
import { alertsWithJobIds } from '../../support/structured.js';

/** Four groups: few alerts to deliver per invocation, each small enough for SNS to carry every job id. */
const REASONS = [
  'invalid_configuration',
  'missing_configuration',
  'validation_failure',
  'service_unreachable',
] as const;
const COMPANY = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
/** 14 pages of failures; at 250 ms a request one invocation lists about eight. */
const BACKLOG = 1_400;
const LATENCY_MS = 250;
/** middy ends an invocation 5 s before Lambda would: these leave it 7 s. */
const REMAINING_MS = 12_000;

function context(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'poller',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:poller',
    memoryLimitInMB: '256',
    awsRequestId: `req-${deadline}`,
    logGroupName: '/aws/lambda/poller',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('the bundled poller, invoked as Lambda invokes it', () => {
  let outDir: string;
  let parts: LocalParts;
  let store: DemoStore;
  let handler: (event: unknown, context: Context) => Promise<PollOutcome>;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'bundled-poller-'));
    const bundle = await buildPollerBundle(outDir);
    store = new DemoStore();
    store.addCompany(COMPANY);
    const now = Date.now();
    for (let i = 0; i < BACKLOG; i++) {
      store.addJob({
        companyId: COMPANY.id,
        status: 'failed',
        failureReasonType: REASONS[i % REASONS.length],
        createdAt: new Date(now - 3_600_000 - i * 60_000).toISOString(),
      });
    }
    for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS', 'PLEO_API_URL', 'PLEO_API_KEY'])
      delete process.env[name];
    vi.stubEnv('POLL_BUDGET_SECONDS', '90');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    parts = await startLocalParts({ env: process.env, newFailureEveryMs: 0, demoStore: store });
    parts.api?.faults.enqueue({ delayMs: LATENCY_MS }, { times: 1_000_000 });
    ({ handler } = await import(pathToFileURL(bundle.path).href));
    // Bundling the poller with the AWS SDK takes a while on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await parts?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('alerts every failure of a backlog exactly once over successive invocations, each returning in time', async () => {
    // Act: invoke until an invocation finds nothing new.
    const outcomes: Array<PollOutcome | Error> = [];
    for (let invocation = 0; invocation < 10; invocation++) {
      const outcome = await handler({}, context(REMAINING_MS)).catch((error: Error) => error);
      outcomes.push(outcome);
      if (!(outcome instanceof Error) && invocation > 1 && outcome.newFailures === 0) break;
    }

    // Assess: no invocation ran into middy's timeout (it would have rejected); the first delivered part of the
    // backlog; in the end each failure went out once.
    expect(outcomes.filter((outcome) => outcome instanceof Error)).toEqual([]);
    const [first] = outcomes as PollOutcome[];
    expect(first?.alertsPublished).toBeGreaterThan(0);
    expect(first?.jobsSeen).toBeLessThan(BACKLOG);
    const messages = ((await parts.sns?.drain()) ?? []).map((body) => parseStructuredMessage(body));
    // Jobs listed in full, and those a large (combined) message names by id only.
    const alerted = messages.flatMap(alertsWithJobIds).flatMap((alert) => alert.jobIds);
    expect(alerted.sort()).toEqual(
      store
        .listJobs({ statuses: ['failed'] })
        .map((job) => job.id)
        .sort(),
    );
    expect(outcomes.length).toBeGreaterThan(2);
  }, 180_000);
});
