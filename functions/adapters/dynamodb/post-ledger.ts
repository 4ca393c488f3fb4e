// adapts the DynamoDB table to the PostLedger port of the Slack notifier: which alerts were posted already
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deliveredPartition } from './partitions.js';

/** Remembers delivered alert ids, so a redelivered SNS message (or a flagged re-publish) posts once. */
export interface PostLedger {
  delivered(alertId: string): Promise<boolean>;
  record(alertId: string, now: Date): Promise<void>;
}

/** Long enough for any redelivery: SNS retries and the poller's outbox work within hours. */
const KEPT_SECONDS = 7 * 86_400;

export class DynamoPostLedger implements PostLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly channel: string,
  ) {}

  async delivered(alertId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(alertId), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async record(alertId: string, now: Date): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(alertId),
            deliveredAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + KEPT_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Another delivery of the same message recorded it first: the post happened, which is what counts.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private key(alertId: string) {
    return { pk: deliveredPartition(this.channel, alertId), sk: 'DELIVERED' };
  }
}
