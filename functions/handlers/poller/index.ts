// The poller Lambda: thin wiring around createPoller. It takes the poll queue's messages (a poll of the connections
// each names), the digest schedule's event, and any other event as a poll of the stack's own connection (a manual
// `aws lambda invoke`). Errors are rethrown so that SQS's retries, Lambda's and the failure destination see them.
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { DynamoConnectionStore } from '../../adapters/dynamodb/connections.js';
import { parsePollerConfig } from '../../config/poller.js';
import { isDigestEvent, SUCCESSFUL_POLLS_METRIC } from '../../contracts/poller.js';
import { connectionFromRecord } from '../../domain/connection.js';
import { mapStackTracesOnDemand } from '../../shared/stack-traces.js';
import { awsRuntime } from './aws-runtime.js';
import { createPoller, type PollOutcome } from './compose.js';
import { pollRequestHandler } from './poll-requests.js';

mapStackTracesOnDemand(import.meta.url);
const logger = new Logger();
const metrics = new Metrics();
const config = parsePollerConfig(process.env);
const runtime = awsRuntime(logger);
const store = new DynamoConnectionStore(runtime.dynamo, config.tableName);
const poller = createPoller(config, {
  ...runtime,
  // Every connection: one digest for them all, and what the others of a company have yet to deliver.
  connections: async () => [
    config.stackConnection,
    ...(await store.list()).connections.map(connectionFromRecord),
  ],
});
const pollRequests = pollRequestHandler({
  poller,
  store,
  log: logger,
  onPolled: (result) => {
    if ('outcome' in result) {
      record(result.outcome);
      logger.info('Poll finished', { ...result.outcome });
    } else {
      metrics.addMetric('FailedPolls', MetricUnit.Count, 1);
      logger.error('Poll failed', { connection: result.connection, error: result.error });
    }
  },
});

/** middy rejects the invocation this long before Lambda would end it, and aborts the poll's signal. */
const TIMEOUT_EARLY_MS = 5_000;

export const handler = middy({ timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(reportFailure())
  .handler(async (event: unknown, context, { signal }) => {
    const invocation = () => ({ signal, timeLeftMs: context.getRemainingTimeInMillis() - TIMEOUT_EARLY_MS });
    if (isSqsEvent(event)) return pollRequests(event, invocation);
    const outcome = isDigestEvent(event)
      ? await poller.digest(invocation())
      : await poller.poll(invocation());
    record(outcome);
    logger.info('Poll finished', { ...outcome });
    return outcome;
  });

/**
 * Logs and counts a failed poll, timeouts included, before the metrics are flushed; the error still propagates
 * so that Lambda's retries and the failure destination see it.
 */
function reportFailure(): MiddlewareObj {
  return {
    onError: async ({ error }) => {
      // A poll request's failed polls were each counted and logged as they ended.
      if (error instanceof FullBatchFailureError) return;
      metrics.addMetric('FailedPolls', MetricUnit.Count, 1);
      logger.error('Poll failed', error ?? 'unknown error');
    },
  };
}

function record(outcome: PollOutcome): void {
  if (outcome.skipped) return;
  metrics.addMetric(SUCCESSFUL_POLLS_METRIC, MetricUnit.Count, 1);
  metrics.addMetric('JobsSeen', MetricUnit.Count, outcome.jobsSeen);
  metrics.addMetric('NewFailures', MetricUnit.Count, outcome.newFailures);
  metrics.addMetric('AlertsPublished', MetricUnit.Count, outcome.alertsPublished);
  metrics.addMetric('PleoRequests', MetricUnit.Count, outcome.pleoRequests);
  metrics.addMetric('InvalidRecordsSkipped', MetricUnit.Count, outcome.invalidRecords);
  metrics.addMetric('PollDurationMs', MetricUnit.Milliseconds, outcome.durationMs);
}

function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  return (
    Array.isArray(records) &&
    records.every((r) => (r as { eventSource?: unknown })?.eventSource === 'aws:sqs')
  );
}
