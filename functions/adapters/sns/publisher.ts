// adapts SNS PublishCommand to the AlertPublisher port
import type { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import { PublishRefusedError } from '../../app/errors.js';
import type { AlertPublisher } from '../../app/ports.js';
import type { Message } from '../../domain/alert.js';
import type { RenderOptions } from '../../render/sns-message.js';

/**
 * One Publish attempt per claim: the outbox retries, flagging a copy that may be a repeat; the SDK retrying a
 * timeout or a 5xx behind its back could deliver copies nobody flagged. A request that hangs ends well within the
 * poll, leaving the entry `publishing` for the next poll.
 */
export const SNS_CLIENT_CONFIG = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} satisfies SNSClientConfig;

export class SnsAlertPublisher implements AlertPublisher {
  private loaded?: Promise<{
    sns: SNSClient;
    PublishCommand: typeof import('@aws-sdk/client-sns').PublishCommand;
    buildSnsMessage: typeof import('../../render/sns-message.js').buildSnsMessage;
  }>;

  constructor(
    private readonly topicArn: string,
    private readonly client?: SNSClient,
    /** What the renderings offer (buttons, signed links), read at each publish: a link key may come from a secret. */
    private readonly render: () => Promise<RenderOptions> = async () => ({}),
  ) {}

  /** @throws PublishRefusedError when SNS definitely did not take the message; anything else as it came. */
  async publish(message: Message, signal?: AbortSignal): Promise<string> {
    // The SDK and the renderers load on the first publish: a poll with nothing to send never pays for them.
    this.loaded ??= Promise.all([import('@aws-sdk/client-sns'), import('../../render/sns-message.js')]).then(
      ([{ SNSClient, PublishCommand }, { buildSnsMessage }]) => ({
        sns: this.client ?? new SNSClient(SNS_CLIENT_CONFIG),
        PublishCommand,
        buildSnsMessage,
      }),
    );
    const { sns, PublishCommand, buildSnsMessage } = await this.loaded;
    const render = await this.render();
    try {
      const result = await sns.send(
        new PublishCommand({ TopicArn: this.topicArn, ...buildSnsMessage(message, render) }),
        {
          abortSignal: signal,
        },
      );
      return result.MessageId ?? '';
    } catch (error) {
      const status = refusal(error);
      throw status === undefined
        ? error
        : new PublishRefusedError(`SNS answered ${status}: ${error}`, { cause: error });
    }
  }
}

/**
 * A 4xx that is not throttling says SNS looked at the request and turned it down. Anything else may have been
 * delivered: a 5xx, throttling (a gateway's 429 says nothing of what happened behind it), a timeout, or an error
 * after a 200 whose body never arrived (the SDK's metadata then carries 200).
 */
function refusal(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const definite =
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    status !== 429 &&
    !/throttl|toomanyrequests|requestlimitexceeded/i.test(error.name);
  return definite ? status : undefined;
}
