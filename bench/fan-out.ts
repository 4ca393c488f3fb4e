// The fan-out at scale: many connections, each with its own key on the demo Export API, dispatched by the
// dispatcher's tick into an in-process queue and polled one message per invocation (the poll queue's batch size is
// 1) by the poller's pollRequestHandler, in this process against dynalite and fauxqs's SNS. The real SQS path is
// covered by test/integration/fan-out.test.ts. One connection's poll also runs in a fresh process of the Lambda
// bundle, for the peak memory of one poller invocation.
import type { SQSEvent } from 'aws-lambda';
import { DynamoConnectionStore } from '../functions/adapters/dynamodb/connections.js';
import { parameterStoreReader } from '../functions/adapters/parameters/parameter-reader.js';
import { dispatch } from '../functions/app/dispatch.js';
import type { Log, PollQueue } from '../functions/app/ports.js';
import { parsePollerConfig } from '../functions/config/poller.js';
import { connectionParameterName, type PollRequest } from '../functions/contracts/connection.js';
import { parseStructuredMessage } from '../functions/contracts/structured-message.js';
import type { Connection } from '../functions/domain/connection.js';
import { awsRuntime } from '../functions/handlers/poller/aws-runtime.js';
import { createPoller } from '../functions/handlers/poller/compose.js';
import { pollRequestHandler } from '../functions/handlers/poller/poll-requests.js';
import type { DemoApi } from '../local/demo-api/server.js';
import { DemoStore } from '../local/demo-api/store.js';
import type { EmbeddedSns } from '../local/embedded/sns.js';
import { apiKeyOf, startLocalParts } from '../local/parts.js';
import { SCHEDULE_MINUTES } from './backlog.js';
import { coldIdeal } from './ideal.js';
import { type PollRun, runPollProcess } from './poll-process.js';
import { BENCH_POLLER_ENV, type BenchTools, LAMBDA_MEMORY_MB, PART_VARIABLES } from './scenario.js';

const STACK = 'alerts-bench';
/** A poll request's invocation as the stack gives it: the poller's 120 s timeout less middy's 5 s. */
const TIME_LEFT_MS = 115_000;
const LOOKBACK_DAYS = 2;
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

export interface FanOutOptions {
  connections: number;
  jobsPerConnection: number;
  /** With the built bundle and child, one connection's poll also runs in a fresh process (peak memory). */
  tools?: BenchTools | undefined;
}

export interface FanOutResult {
  connections: number;
  jobsPerConnection: number;
  /** The dispatcher's tick plus every poll request handled, in this process (ms). */
  totalMs: number;
  /** Poll requests the dispatcher queued, and the SendMessageBatch calls they take (ten to a call). */
  pollRequests: number;
  sqsSendBatches: number;
  /** Pleo requests the demo API answered, and the least one connection's cold poll could make (bench/ideal.ts). */
  pleoRequests: number;
  idealPleoRequestsPerConnection: number;
  /** Connection keys read from the parameter reader (the stack's own connection reads none). */
  parameterReads: number;
  /** Poll requests the handler reported as failed (SQS would give them again). */
  failedRequests: number;
  /** Jobs alerted, and alerted more than once; jobs no message named. */
  jobsAlerted: number;
  jobsAlertedTwice: number;
  jobsNeverAlerted: number;
  /** One connection's poll in a fresh process of the Lambda bundle; undefined without tools. */
  invocation?: PollRun | undefined;
}

/** `connections` companies with `jobsPerConnection` failed jobs each, every job of one reason, within the lookback. */
export function fanOutStore(connections: number, jobsPerConnection: number, now = Date.now()): DemoStore {
  const store = new DemoStore({ clock: () => new Date(now) });
  for (let index = 0; index < connections; index++) {
    const company = store.addCompany({ id: companyId(index), name: `Fan${index} ApS` });
    for (let job = 0; job < jobsPerConnection; job++) {
      store.addJob({
        companyId: company.id,
        status: 'failed',
        failureReasonType: 'missing_configuration',
        createdAt: new Date(now - 3_600_000 - job * 60_000).toISOString(),
      });
    }
  }
  return store;
}

function companyId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** The dispatcher's poll requests, kept in memory: what SQS would hand the poller, one message per invocation. */
class MemoryPollQueue implements PollQueue {
  readonly sent: PollRequest[] = [];
  batches = 0;
  async send(requests: readonly PollRequest[]): Promise<PollRequest[]> {
    this.sent.push(...requests);
    this.batches += Math.ceil(requests.length / 10);
    return [];
  }
}

export async function runFanOut(options: FanOutOptions): Promise<FanOutResult> {
  const store = fanOutStore(options.connections, options.jobsPerConnection);
  const since = new Date(Date.now() - LOOKBACK_DAYS * 86_400_000);
  const ideal = coldIdeal(fanOutStore(1, options.jobsPerConnection), since);
  // As withBenchParts does: the parts announce themselves in process.env, which the SDK reads too.
  for (const name of PART_VARIABLES) delete process.env[name];
  const parts = await startLocalParts({ env: process.env, newFailureEveryMs: 0, demoStore: store });
  try {
    const { api, sns, demoConnections } = parts;
    if (!api || !sns || !demoConnections) throw new Error('The fan-out needs the embedded demo API and SNS');
    const env = { ...process.env, ...BENCH_POLLER_ENV };
    return await fanOut(
      options,
      env,
      ideal.listPages + ideal.itemPages + ideal.resolutionPages,
      demoConnections,
      { api, sns },
    );
  } finally {
    await parts.close();
  }
}

async function fanOut(
  options: FanOutOptions,
  baseEnv: NodeJS.ProcessEnv,
  idealPerConnection: number,
  [own, ...others]: Connection[],
  { api, sns }: { api: DemoApi; sns: EmbeddedSns },
): Promise<FanOutResult> {
  if (!own) throw new Error('The fan-out needs at least one connection');
  // The stack's own key covers the first company; the others are stored connections with their keys in parameters.
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    STACK_NAME: STACK,
    PLEO_API_KEY: apiKeyOf(own),
    PLEO_COMPANIES: JSON.stringify(own.companies),
    LOOKBACK_DAYS: String(LOOKBACK_DAYS),
    QUIET_FIRST_POLL: 'false',
    ROLLUP_ABOVE: '0',
  };
  const runtime = awsRuntime(silent);
  const config = parsePollerConfig(env);
  const connections = new DynamoConnectionStore(runtime.dynamo, config.tableName);
  const keys = new Map<string, string>();
  for (const connection of others) {
    const parameter = connectionParameterName(STACK, connection.name);
    keys.set(parameter, apiKeyOf(connection));
    await connections.add({
      name: connection.name,
      companyId: String(connection.companyId),
      credential: { kind: 'parameter', name: parameter },
      addedAt: new Date().toISOString(),
    });
  }
  let parameterReads = 0;
  const poller = createPoller(config, {
    ...runtime,
    readParameter: parameterStoreReader(async (name) => {
      parameterReads++;
      return keys.get(name);
    }),
  });
  const handle = pollRequestHandler({ poller, store: connections, log: silent, onPolled: () => {} });
  const queue = new MemoryPollQueue();
  const requestsBefore = api.requests.total;

  const started = performance.now();
  await dispatch({ store: connections, queue, stackConnection: poller.stackConnection, log: silent });
  let failedRequests = 0;
  for (const [index, request] of queue.sent.entries()) {
    const response = await handle(sqsEvent(String(index), request), () => ({
      signal: new AbortController().signal,
      timeLeftMs: TIME_LEFT_MS,
    }));
    failedRequests += response.batchItemFailures.length;
  }
  const totalMs = performance.now() - started;
  const pleoRequests = api.requests.total - requestsBefore;

  const alerted = new Map<string, number>();
  for (const message of (await sns.drain()).map((body) => parseStructuredMessage(body))) {
    for (const job of message.alerts.flatMap((alert) => alert.jobs))
      alerted.set(job.jobId, (alerted.get(job.jobId) ?? 0) + 1);
  }
  const jobs = api.store.listJobs({ statuses: ['failed'] });
  const invocation = options.tools
    ? await runPollProcess({
        child: options.tools.child,
        bundle: options.tools.bundle,
        env: Object.fromEntries(
          Object.entries({ ...env, STACK_NAME: `${STACK}-invocation` }).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        ),
        memoryMb: LAMBDA_MEMORY_MB,
        remainingMs: TIME_LEFT_MS,
      })
    : undefined;
  runtime.dynamo.destroy();
  return {
    connections: options.connections,
    jobsPerConnection: options.jobsPerConnection,
    totalMs,
    pollRequests: queue.sent.length,
    sqsSendBatches: queue.batches,
    pleoRequests,
    idealPleoRequestsPerConnection: idealPerConnection,
    parameterReads,
    failedRequests,
    jobsAlerted: alerted.size,
    jobsAlertedTwice: [...alerted.values()].filter((times) => times > 1).length,
    jobsNeverAlerted: jobs.filter((job) => !alerted.has(job.id)).length,
    invocation,
  };
}

function sqsEvent(messageId: string, request: PollRequest): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: messageId,
        body: JSON.stringify(request),
        attributes: {} as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:poll-queue',
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

/**
 * List prices (us-east-1, on demand, free tiers ignored), as the pricing pages state them: Lambda on arm64 and a
 * standard SQS queue; SSM GetParameter costs nothing at standard throughput and this much at higher throughput.
 */
export const LIST_PRICES = {
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  sqsPerRequest: 0.4 / 1_000_000,
  ssmHigherThroughputPerRequest: 0.05 / 10_000,
} as const;

/** Ticks in a 30-day month on the stack's default schedule. */
export const TICKS_PER_MONTH = (30 * 24 * 60) / SCHEDULE_MINUTES;

/**
 * What one connection costs a month, one tick every SCHEDULE_MINUTES: Lambda invocations (one per poll request, as
 * the poll queue's batch size is 1, and the dispatcher's share), Lambda time (this machine's in-process time at the
 * poller's memory), SQS requests (SendMessageBatch, then a receive and a delete per message; the event source's
 * idle long polls not counted) and parameter reads (every read reaching SSM: Powertools' cache only lowers it).
 */
export function monthlyCostPerConnection(result: FanOutResult) {
  const per = (value: number) => (value / result.connections) * TICKS_PER_MONTH;
  const lambdaRequests = per(result.pollRequests + 1);
  const gbSeconds = per((result.totalMs / 1_000) * (LAMBDA_MEMORY_MB / 1_024));
  const sqsRequests = per(result.sqsSendBatches + 2 * result.pollRequests);
  const parameterReads = per(result.parameterReads);
  const lambda = lambdaRequests * LIST_PRICES.lambdaPerRequest + gbSeconds * LIST_PRICES.lambdaPerGbSecond;
  const sqs = sqsRequests * LIST_PRICES.sqsPerRequest;
  const ssm = parameterReads * LIST_PRICES.ssmHigherThroughputPerRequest;
  return { lambdaRequests, gbSeconds, sqsRequests, parameterReads, lambda, sqs, ssm, total: lambda + sqs };
}
