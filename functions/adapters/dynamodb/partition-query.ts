// Every item of one partition, page by page, read consistently: the one Query loop the adapters share.
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

/** Sends one page's Query: the caller's client, with its own abort signal and request counting. */
export type SendQuery = (query: QueryCommand) => Promise<QueryCommandOutput>;

export async function* partitionItems(
  send: SendQuery,
  table: string,
  pk: string,
): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}
