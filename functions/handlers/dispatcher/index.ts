// The scheduled dispatcher Lambda: at every tick, one message per poll request on the poll queue. Errors are
// rethrown so that its failure destination and the error alarm see them.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { parseDispatcherConfig } from '../../config/dispatcher.js';
import { mapStackTracesOnDemand } from '../../shared/stack-traces.js';
import { createDispatcher } from './compose.js';

mapStackTracesOnDemand(import.meta.url);
const logger = new Logger();
const metrics = new Metrics();
const dispatcher = createDispatcher(parseDispatcherConfig(process.env), {
  dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  sqs: new SQSClient({}),
  log: logger,
});

export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => {
    const outcome = await dispatcher.dispatch();
    metrics.addMetric('ConnectionsDispatched', MetricUnit.Count, outcome.connections);
    metrics.addMetric('MalformedConnections', MetricUnit.Count, outcome.malformedConnections);
    logger.info('Dispatched', { ...outcome });
    return outcome;
  });
