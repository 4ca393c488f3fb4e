// adapts SNS PublishCommand to the AlertPublisher port
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../../app/ports.js';
import type { Alert } from '../../domain/alert.js';

export class SnsAlertPublisher implements AlertPublisher {
  private loaded?: Promise<{
    sns: SNSClient;
    PublishCommand: typeof import('@aws-sdk/client-sns').PublishCommand;
    buildSnsMessage: typeof import('../../render/sns-message.js').buildSnsMessage;
  }>;

  constructor(
    private readonly topicArn: string,
    private readonly client?: SNSClient,
  ) {}

  async publish(alert: Alert): Promise<string> {
    // The SDK and the renderers load on the first publish: a poll with nothing to send never pays for them.
    this.loaded ??= Promise.all([import('@aws-sdk/client-sns'), import('../../render/sns-message.js')]).then(
      ([{ SNSClient, PublishCommand }, { buildSnsMessage }]) => ({
        sns: this.client ?? new SNSClient({}),
        PublishCommand,
        buildSnsMessage,
      }),
    );
    const { sns, PublishCommand, buildSnsMessage } = await this.loaded;
    const result = await sns.send(new PublishCommand({ TopicArn: this.topicArn, ...buildSnsMessage(alert) }));
    return result.MessageId ?? '';
  }
}
