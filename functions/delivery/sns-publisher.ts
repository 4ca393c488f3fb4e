// adapts SNS PublishCommand to the AlertPublisher port
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../domain/alert.js';
import type { AlertPublisher } from '../poller/ports.js';
import { buildSnsMessage } from '../render/sns-message.js';

export class SnsAlertPublisher implements AlertPublisher {
  publishCount = 0;
  private sdk?: Promise<{
    sns: SNSClient;
    PublishCommand: typeof import('@aws-sdk/client-sns').PublishCommand;
  }>;

  constructor(
    private readonly topicArn: string,
    private readonly client?: SNSClient,
  ) {}

  async publish(alert: Alert): Promise<string> {
    // The SDK is loaded on the first publish, so a poll with nothing to send never pays for it.
    this.sdk ??= import('@aws-sdk/client-sns').then(({ SNSClient, PublishCommand }) => ({
      sns: this.client ?? new SNSClient({}),
      PublishCommand,
    }));
    const { sns, PublishCommand } = await this.sdk;
    this.publishCount++;
    const result = await sns.send(new PublishCommand({ TopicArn: this.topicArn, ...buildSnsMessage(alert) }));
    return result.MessageId ?? '';
  }
}
