// The AWS clients the poller runs with, built once per process (Lambda cold start or `npm start`).
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../../app/ports.js';
import type { PollerRuntime } from './compose.js';

/** How long the Pleo credential is cached between invocations. */
const SECRET_CACHE_SECONDS = 300;

function isNoValueYet(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === 'ResourceNotFoundException' && /AWSCURRENT|version/i.test(e.message)) return true;
  }
  return false;
}

export function awsRuntime(log: Log): PollerRuntime {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    readSecret: async (arn) => {
      try {
        const value = await getSecret(arn, { maxAge: SECRET_CACHE_SECONDS });
        return typeof value === 'string' ? value : undefined;
      } catch (error) {
        // A secret created empty by the stack has no version until someone puts the key in it.
        if (isNoValueYet(error)) return undefined;
        throw error;
      }
    },
    log,
  };
}
