// What any poller shaped as DESIGN.md and STYLE.md ask loads and builds before its own code runs: Powertools
// Logger, Metrics and Parameters, middy, and the DynamoDB client at module scope. Bundled like the poller, it shows
// how much of the poller's cold start its own code adds. No product code here.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { awsRuntime } from '../../functions/handlers/poller/aws-runtime.js';

const logger = new Logger();
const runtime = awsRuntime(logger);

export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(new Metrics()))
  .handler(async () => runtime.readSecret('shell'));
