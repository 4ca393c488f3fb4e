// A dynalite-backed table per test file, through the real AWS SDK.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startDynalite } from '../../local/embedded/dynamodb.js';

export const TEST_REGION = 'eu-west-1';
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startTestTable() {
  const dynalite = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
  });
  const tableName = `alerts-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return {
    endpoint: dynalite.endpoint,
    tableName,
    client,
    doc: DynamoDBDocumentClient.from(client),
    close: async () => {
      client.destroy();
      await dynalite.close();
    },
  };
}
