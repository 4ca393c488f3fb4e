// The AWS clients the poller runs with, built once per process (Lambda cold start or `npm start`).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parameterStoreReader } from '../../adapters/parameters/parameter-reader.js';
import { secretsManagerReader } from '../../adapters/secrets/secret-reader.js';
import type { Log } from '../../app/ports.js';
import type { PollerRuntime } from './compose.js';

/**
 * A DynamoDB request that hangs ends well inside the poll (the SDK retries it, its default three attempts): a poll
 * never waits on one past its own deadline.
 */
const DYNAMODB_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000 };

export function awsRuntime(log: Log): PollerRuntime {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: DYNAMODB_TIMEOUTS })),
    readSecret: secretsManagerReader(),
    readParameter: parameterStoreReader(),
    log,
  };
}
