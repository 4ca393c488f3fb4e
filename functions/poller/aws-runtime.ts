// The AWS clients the poller runs with, built once per process (Lambda cold start or `npm start`).
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PollerRuntime } from './compose.js';
import type { Log } from './ports.js';

/** How long the Pleo credential is cached between invocations. */
const SECRET_CACHE_SECONDS = 300;

export function awsRuntime(log: Log): PollerRuntime {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    readSecret: async (arn) => {
      const value = await getSecret(arn, { maxAge: SECRET_CACHE_SECONDS });
      return typeof value === 'string' ? value : undefined;
    },
    log,
  };
}
