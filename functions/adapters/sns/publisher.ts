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
      throw asRefusal(error);
    }
  }
}

/**
 * An error that carries SNS's answer (an HTTP status in the SDK's `$metadata`) as a refusal: the message was not
 * taken. An error without one (a timeout, a connection lost after sending) is returned as it is: the message may
 * have gone out.
 */
export function asRefusal(error: unknown): unknown {
  const metadata = typeof error === 'object' && error !== null ? Reflect.get(error, '$metadata') : undefined;
  const status =
    typeof metadata === 'object' && metadata !== null ? Reflect.get(metadata, 'httpStatusCode') : undefined;
  if (typeof status !== 'number') return error;
  return new PublishRefusedError(`SNS answered ${status}: ${String(error)}`, { cause: error });
}
