// The actions Lambda behind its Function URL: Slack's clicks on the alerts' buttons. Thin wiring: the request as
// the Function URL hands it over, to the endpoint (endpoint.ts) and back.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { secretsManagerReader } from '../../adapters/secrets/secret-reader.js';
import { parseActionsConfig } from '../../config/actions.js';
import { mapStackTracesOnDemand } from '../../shared/stack-traces.js';
import { createActions } from './compose.js';
import { requestOf, resultOf } from './function-url.js';

mapStackTracesOnDemand(import.meta.url);

const logger = new Logger();
/** A click must be answered within Slack's 3 s: a DynamoDB request that hangs is cut short and retried. */
const DYNAMODB_TIMEOUTS = { connectionTimeout: 500, requestTimeout: 1_000 };

const endpoint = createActions(parseActionsConfig(process.env), {
  dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: DYNAMODB_TIMEOUTS })),
  readSecret: secretsManagerReader(),
  log: logger,
});

export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => resultOf(await endpoint(requestOf(event))));
