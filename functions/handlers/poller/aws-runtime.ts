// The AWS clients the poller runs with, built once per process (Lambda cold start or `npm start`).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { secretsManagerReader } from '../../adapters/secrets/secret-reader.js';
import type { Log } from '../../app/ports.js';
import type { PollerRuntime } from './compose.js';

export function awsRuntime(log: Log): PollerRuntime {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    readSecret: secretsManagerReader(),
    log,
  };
}
