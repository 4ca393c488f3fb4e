import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAlertState } from '../../../functions/adapters/dynamodb/alert-state.js';
import { type Alert, alertsOf } from '../../../functions/domain/alert.js';
import { ensureTable } from '../../../local/embedded/dynamodb.js';
import { alertStateContract } from '../../support/alert-state-contract.js';
import { startTestTable } from '../../support/dynamo.js';

const NOW = new Date('2026-11-28T12:00:00Z');

function alert(alertId: string, jobIds: string[]): Alert {
  return {
    schemaVersion: 1,
    alertId,
    kind: 'alert',
    companyId: 'c1',
    companyName: null,
    reason: 'missing_configuration',
    category: 'accountant',
    jobs: jobIds.map((jobId) => ({
      jobId,
      status: 'failed',
      createdAt: NOW.toISOString(),
      numberOfItems: 1,
      failedItems: 1,
      failureReason: 'x'.repeat(300),
    })),
    totals: { jobs: jobIds.length, items: jobIds.length, failedItems: jobIds.length },
    detectedAt: NOW.toISOString(),
    possibleRedelivery: false,
  };
}

describe('DynamoAlertState on dynalite, the contract', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;

  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.close());

  alertStateContract('DynamoAlertState', async () => {
    const tableName = `alerts-${randomUUID().slice(0, 8)}`;
    await ensureTable(table.client, tableName);
    return () => new DynamoAlertState(table.doc, { tableName, retentionDays: 21 });
  });
});

// What only the DynamoDB adapter has to say: how long records live, how it batches, how it fits big alerts.
describe('DynamoAlertState on dynalite', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let state: DynamoAlertState;

  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.close());
  beforeEach(async () => {
    state = new DynamoAlertState(table.doc, { tableName: table.tableName, retentionDays: 21 });
    await state.acquireLease('poll-1', NOW, 60);
  });

  it('walks an alert through the outbox and then knows its jobs, with a TTL past the lookback', async () => {
    // Prepare
    const jobIds = Array.from({ length: 230 }, (_, i) => `job-${i}`);
    const big = alert('alert-1', jobIds);

    // Act
    await state.claim(big, NOW);
    const claimed = await state.outbox();
    await state.release('alert-1', 'SNS said no');
    const released = await state.outbox();
    await state.claim(big, NOW);
    await state.markPublished('alert-1');
    const published = await state.outbox();
    await state.complete(big, NOW, () => undefined);

    // Assess
    expect(claimed.map((e) => [e.message.alertId, e.status, e.attempts])).toEqual([
      ['alert-1', 'publishing', 1],
    ]);
    expect(claimed[0]?.message).toEqual(big);
    expect(released[0]?.status).toBe('pending');
    expect(published.map((e) => [e.status, e.attempts])).toEqual([['published', 2]]);
    expect(await state.outbox()).toEqual([]);
    const known = await state.knownJobIds([...jobIds, 'never-seen']);
    expect(known.size).toBe(230);
    expect(known.has('never-seen')).toBe(false);
    const record = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'JOB#job-7', sk: 'JOB' } }),
    );
    expect(record.Item?.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 21 * 86_400);
    // 231 ids in 3 batches, and the group read when the alert completes
    expect(state.requestCounts.BatchGetItem).toBe(4);
    expect(state.requestCounts.BatchWriteItem).toBe(Math.ceil(230 / 25));
    // claim, release, claim, mark published, complete: each one transaction with the lease check
    expect(state.requestCounts.TransactWriteItems).toBe(5);
  });
});

describe('DynamoAlertState on dynalite, with large alerts and staged polls', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let state: DynamoAlertState;

  beforeAll(async () => {
    table = await startTestTable();
    state = new DynamoAlertState(table.doc, { tableName: table.tableName, retentionDays: 21 });
    await state.acquireLease('poll-1', NOW, 60);
  });
  afterAll(() => table.close());

  it('stores an alert too large for one item with its failure texts cut, and publishes what it stored', async () => {
    // Prepare: 1,000 jobs with 2,000 characters of incompressible text each.
    const big = alert(
      'big',
      Array.from({ length: 1_000 }, (_, i) => `job-${i}`),
    );
    for (const job of big.jobs) job.failureReason = randomBytes(1_000).toString('hex');

    // Act
    const stored = await state.claim(big, NOW);

    // Assess
    const storedJobs = alertsOf(stored).flatMap((a) => a.jobs);
    expect(storedJobs.map((j) => j.jobId)).toEqual(big.jobs.map((j) => j.jobId));
    expect(storedJobs[0]?.failureReason?.length).toBeLessThan(2_000);
    const [entry] = await state.outbox();
    expect(entry?.message).toEqual(stored);
    await state.discard('big');
  });
});

describe('DynamoAlertState on dynalite, when the poll runs out of time', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;

  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.close());

  it('sends nothing once the abort signal fired, and still gives the lease back', async () => {
    // Prepare
    const invocation = new AbortController();
    const state = new DynamoAlertState(table.doc, {
      tableName: table.tableName,
      retentionDays: 21,
      signal: invocation.signal,
    });
    await state.acquireLease('poll-1', NOW, 60);

    // Act
    invocation.abort(new Error('the invocation ran out of time'));
    const stage = await state.stage(alert('late', ['j1']), 'poll-1', NOW).catch((e: unknown) => e);
    await state.releaseLease('poll-1');

    // Assess
    expect(stage).toBeInstanceOf(Error);
    const fresh = new DynamoAlertState(table.doc, { tableName: table.tableName, retentionDays: 21 });
    expect(await fresh.outbox()).toEqual([]);
    expect(await fresh.acquireLease('poll-2', NOW, 60)).toBe(true);
  });
});

describe('DynamoAlertState with a mocked DynamoDB', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamo = mockClient(doc);
  const noWait = async () => {};

  beforeEach(() => dynamo.reset());

  it('retries UnprocessedKeys until every key is answered', async () => {
    // Prepare
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [{ pk: 'JOB#a' }] },
        UnprocessedKeys: { t: { Keys: [{ pk: 'JOB#b', sk: 'JOB' }] } },
      })
      .resolvesOnce({ Responses: { t: [{ pk: 'JOB#b' }] } });
    const state = new DynamoAlertState(doc, { tableName: 't', retentionDays: 21, sleep: noWait });

    // Act
    const known = await state.knownJobIds(['a', 'b', 'c']);

    // Assess
    expect([...known].sort()).toEqual(['a', 'b']);
    expect(dynamo).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(BatchGetCommand, 2, {
      RequestItems: { t: { Keys: [{ pk: 'JOB#b', sk: 'JOB' }], ProjectionExpression: 'pk, sk' } },
    });
  });

  it('retries UnprocessedItems of a batch write', async () => {
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: [{ PutRequest: { Item: { pk: 'JOB#a', sk: 'JOB' } } }] } })
      .resolves({});
    dynamo.on(BatchGetCommand).resolves({ Responses: {} });
    const state = new DynamoAlertState(doc, { tableName: 't', retentionDays: 21, sleep: noWait });
    await state.complete(alert('x', ['a', 'b']), NOW, () => undefined);
    expect(dynamo).toHaveReceivedCommandTimes(BatchWriteCommand, 2);
  });

  it('gives up with an error when DynamoDB keeps leaving keys unprocessed', async () => {
    dynamo.on(BatchGetCommand).resolves({ UnprocessedKeys: { t: { Keys: [{ pk: 'JOB#a', sk: 'JOB' }] } } });
    const state = new DynamoAlertState(doc, { tableName: 't', retentionDays: 21, sleep: noWait });
    await expect(state.knownJobIds(['a'])).rejects.toThrow(/unprocessed/);
  });

  it("passes the poll's abort signal to every call but the one giving the lease back", async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });
    dynamo.on(BatchGetCommand).resolves({ Responses: {} });
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const { signal } = new AbortController();
    const state = new DynamoAlertState(doc, { tableName: 't', retentionDays: 21, signal });

    // Act
    await state.acquireLease('poll-1', NOW, 60);
    await state.knownJobIds(['a']);
    await state.outbox();
    await state.stage(alert('x', ['a']), 'poll-1', NOW);
    await state.complete(alert('x', ['a']), NOW, () => undefined);
    await state.setPleoFailures(1);
    await state.releaseLease('poll-1');

    // Assess
    // The mock records send's arguments as they came: the command, then the options.
    const options = dynamo.calls().map((call) => (call.args as unknown[])[1] as { abortSignal?: unknown });
    expect(options.length).toBeGreaterThan(7);
    expect(options.slice(0, -1).every((o) => o?.abortSignal === signal)).toBe(true);
    expect(options.at(-1)).toBeUndefined();
  });

  it('propagates a DynamoDB error from the middle of a batched read', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { t: [] } })
      .rejectsOnce(new Error('ProvisionedThroughputExceeded'));
    const state = new DynamoAlertState(doc, {
      tableName: 't',
      retentionDays: 21,
      concurrency: 1,
      sleep: noWait,
    });
    const ids = Array.from({ length: 150 }, (_, i) => `j${i}`);
    await expect(state.knownJobIds(ids)).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});
