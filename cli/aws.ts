// The AWS clients the commands use, made as the Lambdas make theirs: region, credentials and endpoints
// (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS, …) from the environment, so a local table or topic just works.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertState } from '../functions/adapters/dynamodb/alert-state.js';
import type { Deployment } from './deployment.js';

/** Job records are written by the poller only; the CLI's reads and control writes never depend on this. */
const UNUSED_RETENTION_DAYS = 1;

/** The alerter's state table, read (and its controls written) through the poller's own adapter. */
export function stateOf(deployment: Deployment): { state: DynamoAlertState; close: () => void } {
  const client = new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(client);
  return {
    state: new DynamoAlertState(doc, {
      tableName: deployment.tableName,
      retentionDays: UNUSED_RETENTION_DAYS,
    }),
    close: () => client.destroy(),
  };
}
