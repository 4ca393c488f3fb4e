// adapts the state table to the ConnectionStore port: one item per connection in the CONNECTION partition.
//
// Items:  CONNECTION/<name>   the connection's record (contracts/connection.ts); its key is elsewhere (a parameter)
//
// Written by people through the CLI, read by the dispatcher at every tick: one partition, so one Query lists them
// all (a few hundred records of a few hundred bytes each), and IAM can grant exactly it (dynamodb:LeadingKeys).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectionListing, ConnectionStore } from '../../app/ports.js';
import { type ConnectionRecord, connectionRecordSchema } from '../../contracts/connection.js';
import { partitionItems, type SendQuery } from './partition-query.js';
import { CONNECTION_PARTITION } from './partitions.js';

export class DynamoConnectionStore implements ConnectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(record: ConnectionRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: CONNECTION_PARTITION, sk: record.name, ...connectionRecordSchema.parse(record) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(name: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: CONNECTION_PARTITION, sk: name },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : parseRecord(Item);
  }

  async list(): Promise<ConnectionListing> {
    const listing: ConnectionListing = { connections: [], malformed: [] };
    const send: SendQuery = (query) => this.client.send(query);
    for await (const item of partitionItems(send, this.table, CONNECTION_PARTITION)) {
      const parsed = connectionRecordSchema.safeParse(withoutKeys(item));
      if (parsed.success) listing.connections.push(parsed.data);
      else listing.malformed.push({ name: String(item.sk), problem: parsed.error.issues[0]?.message ?? '' });
    }
    return listing;
  }

  async remove(name: string): Promise<ConnectionRecord | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: CONNECTION_PARTITION, sk: name },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes === undefined ? undefined : parseRecord(Attributes);
  }
}

/** A record as stored; one that does not fit the contract fails naming the connection. */
function parseRecord(item: Record<string, unknown>): ConnectionRecord {
  const parsed = connectionRecordSchema.safeParse(withoutKeys(item));
  if (!parsed.success)
    throw new Error(
      `The connection record ${String(item.sk)} is malformed: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

function withoutKeys({ pk: _pk, sk: _sk, ...record }: Record<string, unknown>): Record<string, unknown> {
  return record;
}
