// adapts SNS PublishCommand to the AlertPublisher port
import type { SNSClient } from '@aws-sdk/client-sns';
import { PublishRefusedError } from '../../app/errors.js';
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

  /** @throws PublishRefusedError when SNS answered and did not take the message; anything else as it came. */
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
    try {
      const result = await sns.send(
        new PublishCommand({ TopicArn: this.topicArn, ...buildSnsMessage(alert) }),
      );
      return result.MessageId ?? '';
    } catch (error) {
      // An answer from SNS (an HTTP status in the SDK's metadata) says the message was not taken; without one (a
      // timeout, a connection lost after sending) it may have gone out.
      const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
        ?.httpStatusCode;
      throw status === undefined
        ? error
        : new PublishRefusedError(`SNS answered ${status}: ${error}`, { cause: error });
    }
  }
}
