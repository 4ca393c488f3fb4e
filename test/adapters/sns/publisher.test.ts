import { InternalErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsAlertPublisher } from '../../../functions/adapters/sns/publisher.js';
import { PublishRefusedError } from '../../../functions/app/errors.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import { renderEmail } from '../../../functions/render/email/email.js';
import { makeAlert } from '../../render/alert-fixtures.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pleo-export-alerts';

describe('Class: SnsAlertPublisher', () => {
  const sns = mockClient(SNSClient);

  beforeEach(() => sns.reset());

  it('publishes one JSON-structured message: text for email and default, the alert for lambda, sqs and https', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const alert = makeAlert();

    // Act
    const messageId = await new SnsAlertPublisher(TOPIC).publish(alert);

    // Assess
    expect(messageId).toBe('m-1');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: renderEmail(alert).subject,
      MessageAttributes: expect.objectContaining({
        company: { DataType: 'String', StringValue: alert.companyId },
        reason: { DataType: 'String', StringValue: alert.reason },
        category: { DataType: 'String', StringValue: alert.category },
        kind: { DataType: 'String', StringValue: 'alert' },
      }),
    });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    const byProtocol = JSON.parse(input?.Message ?? '{}');
    expect(Object.keys(byProtocol).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(byProtocol.default).toBe(renderEmail(alert).body);
    expect(parseStructuredMessage(byProtocol.sqs).alert).toEqual(alert);
  });

  it('turns an answer from SNS into a refusal, so the poll can tell it from a lost answer', async () => {
    // Prepare
    const refusal = new InternalErrorException({ message: 'boom', $metadata: { httpStatusCode: 500 } });
    sns.on(PublishCommand).rejects(refusal);

    // Act
    const error = await new SnsAlertPublisher(TOPIC).publish(makeAlert()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PublishRefusedError);
    expect(error).toMatchObject({
      message: 'SNS answered 500: InternalErrorException: boom',
      cause: refusal,
    });
  });

  it('lets an error without an answer from SNS through as it is: the message may have gone out', async () => {
    // Prepare
    const lost = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    sns.on(PublishCommand).rejects(lost);

    // Act
    const error = await new SnsAlertPublisher(TOPIC).publish(makeAlert()).catch((e: unknown) => e);

    // Assess
    expect(error).toBe(lost);
  });
});
