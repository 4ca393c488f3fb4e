// The fault sequences through real parts: the Pleo client over HTTP against the demo API (429, 5xx, timeouts,
// malformed and truncated bodies, 401), the DynamoDB adapter on dynalite behind a client that leaves batch work
// unprocessed and throttles, and SNS on fauxqs; plus crashes. Fewer sequences than in memory: each is real I/O.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoAlertState } from '../../functions/adapters/dynamodb/alert-state.js';
import { PleoClient } from '../../functions/adapters/pleo/client.js';
import { SnsAlertPublisher } from '../../functions/adapters/sns/publisher.js';
import { type PollSettings, pollOnce } from '../../functions/app/poll.js';
import type { Log, PleoExports } from '../../functions/app/ports.js';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import type { Fault as HttpFault } from '../../local/demo-api/faults.js';
import { startDemoApi } from '../../local/demo-api/server.js';
import { type EmbeddedDynamo, ensureTable, startDynalite } from '../../local/embedded/dynamodb.js';
import { type EmbeddedSns, startEmbeddedSns } from '../../local/embedded/sns.js';
import { deliveryProblems, type Received } from '../support/delivery-oracle.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/dynamo.js';
import { FaultJournal, FaultyProcess, FaultyPublisher, FaultyState } from '../support/faults.js';
import { DYNAMO_FAULTS, DYNAMO_OPERATIONS, FlakyDocumentClient } from '../support/flaky-dynamo.js';
import { alertsWithJobIds } from '../support/structured.js';
import { changesArb, deliveryFaultArb, jobsArb } from './arbitraries.js';
import { COMPANIES, DemoStoreWorld } from './world.js';

const START = new Date('2026-11-28T12:00:00Z');
const LEASE_SECONDS = 60;
const SEQUENCES = 40;
const MAX_ATTEMPTS = 3;
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const noWait = async () => {};

const httpFaultArb = fc.record({
  fault: fc.constantFrom<HttpFault>(
    { status: 429, retryAfterSeconds: 0 },
    { status: 500 },
    { status: 502 },
    { status: 503 },
    { delayMs: 250 },
    { malformedJson: true },
    { truncated: true },
    { status: 401 },
  ),
  // As many times as the client tries, or more, and Pleo is down for that request.
  times: fc.integer({ min: 1, max: MAX_ATTEMPTS + 1 }),
  itemsOnly: fc.boolean(),
});

const stepArb = fc.record({
  changes: changesArb,
  http: fc.array(httpFaultArb, { maxLength: 2 }),
  dynamo: fc.array(
    fc.record({
      operation: fc.constantFrom(...DYNAMO_OPERATIONS),
      nth: fc.nat(2),
      kind: fc.constantFrom(...DYNAMO_FAULTS),
    }),
    { maxLength: 2 },
  ),
  faults: fc.array(deliveryFaultArb, { maxLength: 2 }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

const scenarioArb = fc.record({
  initialJobs: jobsArb(3),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 3 }),
  perCompany: fc.boolean(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

interface Counts {
  sequences: number;
  polls: number;
  injected: number;
  messages: number;
}

describe('exactly-once delivery under faults (demo API over HTTP, dynalite, fauxqs)', () => {
  let dynalite: EmbeddedDynamo;
  let dynamo: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let sns: EmbeddedSns;
  let snsClient: SNSClient;

  beforeAll(async () => {
    // The embedded SNS reads its subscriber queue with the default credential chain.
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
    [dynalite, sns] = await Promise.all([startDynalite(), startEmbeddedSns(TEST_REGION)]);
    dynamo = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
    doc = DynamoDBDocumentClient.from(dynamo);
    snsClient = new SNSClient({ endpoint: sns.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  });
  afterAll(async () => {
    dynamo.destroy();
    snsClient.destroy();
    await Promise.all([dynalite.close(), sns.close()]);
    vi.unstubAllEnvs();
  });

  const received = async (): Promise<Received[]> =>
    (await sns.drain()).flatMap((body) => alertsWithJobIds(parseStructuredMessage(body)));

  /** Runs one sequence; returns the oracle's complaints. */
  async function runSequence(scenario: Scenario, counts: Counts): Promise<string[]> {
    const tableName = `alerts-${Math.random().toString(36).slice(2, 10)}`;
    await ensureTable(dynamo, tableName);
    const world = new DemoStoreWorld(START);
    const api = await startDemoApi({ store: world.demo });
    const journal = new FaultJournal();
    const publisher = new SnsAlertPublisher(sns.topicArn, snsClient);
    const settings: PollSettings = {
      companies: scenario.perCompany ? COMPANIES.map((id) => ({ id })) : [],
      lookbackDays: 30,
      itemConcurrency: 2,
      dynamoConcurrency: 2,
      leaseSeconds: LEASE_SECONDS,
      budgetMs: 60_000,
      reminders: { intervalMs: 2 * (LEASE_SECONDS + 1) * 1000, max: 1 },
      flapGraceMs: 0,
      resolutionCheckMs: 0,
      unreachableAlertAfterPolls: 2,
      digestTimeZone: 'UTC',
      // Small: a company's few messages of a kind are combined, so combined messages go through the real parts too.
      rollupAbove: 1,
      quietFirstPoll: true,
      deliveryConcurrency: 2,
    };
    let pollNumber = 0;
    const poll = async (step: Step | undefined) => {
      pollNumber++;
      counts.polls++;
      const now = new Date(START.getTime() + pollNumber * (LEASE_SECONDS + 1) * 1000);
      const invocation = new FaultyProcess(step?.faults ?? [], journal);
      for (const { fault, times, itemsOnly } of step?.http ?? []) {
        api.faults.enqueue(fault, { times, pathPrefix: itemsOnly ? '/v2/export-jobs/' : '/v2/export-jobs' });
        if ('status' in fault && fault.status === 401) journal.credentialsFaults++;
        else journal.unavailableFaults++;
      }
      const dynamoClient = new FlakyDocumentClient(doc, step?.dynamo ?? [], () => invocation.alive());
      try {
        return await pollOnce(
          {
            pleo: journaled(pleoClient(api.url, step?.changes.midListing, world), journal),
            state: new FaultyState(
              new DynamoAlertState(dynamoClient.asClient(), { tableName, retentionDays: 67, sleep: noWait }),
              invocation,
            ),
            publisher: async () => new FaultyPublisher(publisher, invocation),
            log: silent,
            now: () => now,
            owner: `poll-${pollNumber}`,
          },
          settings,
        );
      } finally {
        const enqueued = (step?.http ?? []).reduce((sum, { times }) => sum + times, 0);
        counts.injected += dynamoClient.injected + enqueued - api.faults.pending;
        api.faults.clear();
      }
    };

    try {
      for (const spec of scenario.initialJobs) world.add(spec);
      for (const step of scenario.steps) {
        for (const spec of step.changes.newJobs) world.add(spec);
        for (const pick of step.changes.flips) world.flip(pick);
        await poll(step).catch(() => {});
      }
      const clean = await poll(undefined);
      const delivered = await received();
      await poll(undefined);
      const late = (await received()).filter((message) => message.kind === 'alert');
      counts.injected += journal.injected;
      counts.messages += delivered.length;

      const problems = deliveryProblems([...delivered, ...late], world.truth(), journal);
      if (clean.skipped) problems.push('the first clean poll was skipped');
      if (late.length > 0) problems.push(`${late.length} alert(s) published after the clean poll`);
      const left = await new DynamoAlertState(doc, { tableName, retentionDays: 67 }).outbox();
      if (left.length > 0) problems.push(`${left.length} outbox entries left after the clean poll`);
      return problems;
    } finally {
      await api.close();
    }
  }

  it(`delivers every failure exactly once after ${SEQUENCES} fault sequences through real parts`, async () => {
    // Prepare
    const counts: Counts = { sequences: 0, polls: 0, injected: 0, messages: 0 };

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        counts.sequences++;
        expect(await runSequence(scenario, counts)).toEqual([]);
      }),
      // Real I/O makes shrinking slow: the seed and path printed on failure replay the sequence.
      { numRuns: SEQUENCES, endOnFailure: true },
    );
    console.log(
      `reliability: ${counts.sequences} fault sequences ran through the demo API, dynalite and fauxqs ` +
        `(${counts.polls} polls, ${counts.injected} faults injected, ${counts.messages} messages received)`,
    );
    expect(counts.sequences).toBe(SEQUENCES);
    // Real I/O on a shared machine: a minute and more under load.
  }, 180_000);
});

/** The real client, fast to retry, with a job changing status after a chosen number of listing pages. */
function pleoClient(
  baseUrl: string,
  midListing: { afterPage: number; pick: number } | null | undefined,
  world: DemoStoreWorld,
): PleoClient {
  let pages = 0;
  return new PleoClient({
    baseUrl,
    credential: { kind: 'apiKey', apiKey: 'demo-key' },
    pageSize: 2,
    retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1_000 },
    requestTimeoutMs: 100,
    deps: {
      sleep: noWait,
      random: () => 0,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        if (new URL(String(url)).pathname === '/v2/export-jobs' && ++pages === midListing?.afterPage) {
          world.flip(midListing.pick);
        }
        return response;
      },
    },
  });
}

/** Notes the jobs whose failed items could not be fetched: they may be alerted under their own reason. */
function journaled(client: PleoClient, journal: FaultJournal): PleoExports {
  return {
    get requestCount() {
      return client.requestCount;
    },
    listJobs: (query) => client.listJobs(query),
    listFailedItems: async function* (jobId, signal) {
      try {
        yield* client.listFailedItems(jobId, signal);
      } catch (error) {
        journal.itemsFailedFor.add(jobId);
        throw error;
      }
    },
  };
}
