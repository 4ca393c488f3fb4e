// adapts the DynamoDB table to the OnceLedger port: a conditional write records a use, so two arrivals of one
// request (or two clicks on one link), even at the same moment, find one of them first.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OnceLedger } from '../../app/ports.js';
import { ONCE_PARTITION_PREFIX } from './partitions.js';

export class DynamoOnceLedger implements OnceLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async use(key: string, until: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(key), expiresAt: Math.ceil(until.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async used(key: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async forget(key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(key) }));
  }

  private key(key: string) {
    return { pk: `${ONCE_PARTITION_PREFIX}${key}`, sk: 'USED' };
  }
}
