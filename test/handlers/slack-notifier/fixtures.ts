// SNS events carrying structured alert messages, as the Slack notifier receives them.
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import type { Message } from '../../../functions/domain/alert.js';
import { buildSnsMessage } from '../../../functions/render/sns-message.js';

/** What SNS hands a `lambda` subscriber for this message: the `lambda` entry of the per-protocol map. */
export function lambdaMessageFor(alert: Message): string {
  const byProtocol: unknown = JSON.parse(buildSnsMessage(alert).Message);
  if (typeof byProtocol !== 'object' || byProtocol === null || !('lambda' in byProtocol)) {
    throw new Error('no lambda entry');
  }
  return String(byProtocol.lambda);
}

export function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map(
      (message, index): SNSEventRecord => ({
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: `msg-${index}`,
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
          Subject: 'subject',
          Message: message,
          Timestamp: '2024-05-01T09:35:13.000Z',
          SignatureVersion: '1',
          Signature: 'sig',
          SigningCertUrl: 'https://sns.example/cert.pem',
          UnsubscribeUrl: 'https://sns.example/unsubscribe',
          MessageAttributes: {},
        },
      }),
    ),
  };
}
