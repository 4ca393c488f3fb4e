import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  KMSThrottlingException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnsAlertPublisher } from '../../../functions/adapters/sns/publisher.js';
import { PublishRefusedError } from '../../../functions/app/errors.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import { renderEmail } from '../../../functions/render/email/email.js';
import { makeAlert } from '../../render/alert-fixtures.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pleo-export-alerts';

describe('Class: SnsAlertPublisher', () => {
  const sns = mockClient(SNSClient);

  beforeEach(() => sns.reset());
  afterAll(() => sns.restore());

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
        reason: { DataType: 'String.Array', StringValue: JSON.stringify([alert.reason]) },
        category: { DataType: 'String.Array', StringValue: JSON.stringify([alert.category]) },
        kind: { DataType: 'String', StringValue: 'alert' },
      }),
    });
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    const byProtocol = JSON.parse(input?.Message ?? '{}');
    expect(Object.keys(byProtocol).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(byProtocol.default).toBe(renderEmail(alert).body);
    expect(parseStructuredMessage(byProtocol.sqs).alerts).toEqual([alert]);
  });

  it.each([
    [
      'a bad parameter',
      new InvalidParameterException({ message: 'bad', $metadata: { httpStatusCode: 400 } }),
    ],
    ['no permission', new AuthorizationErrorException({ message: 'no', $metadata: { httpStatusCode: 403 } })],
  ])('turns a definite refusal (%s) into PublishRefusedError: it was not delivered', async (_, refusal) => {
    // Prepare
    sns.on(PublishCommand).rejects(refusal);

    // Act
    const error = await new SnsAlertPublisher(TOPIC).publish(makeAlert()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PublishRefusedError);
    expect(error).toMatchObject({ cause: refusal });
    expect(String(error)).toMatch(/SNS answered 40[03]: /);
  });

  it.each([
    [
      'an internal error',
      new InternalErrorException({ message: 'boom', $metadata: { httpStatusCode: 500 } }),
    ],
    ['throttling', new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } })],
    ['KMS throttling', new KMSThrottlingException({ message: 'slow', $metadata: { httpStatusCode: 400 } })],
    ['a timeout', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })],
  ])('lets %s through as it is: the message may have gone out', async (_, failure) => {
    // Prepare
    sns.on(PublishCommand).rejects(failure);

    // Act
    const error = await new SnsAlertPublisher(TOPIC).publish(makeAlert()).catch((e: unknown) => e);

    // Assess
    expect(error).toBe(failure);
  });
});

describe('Class: SnsAlertPublisher, with the SNS client it builds', () => {
  let server: Server;
  let requests: number;
  let answer: (res: import('node:http').ServerResponse) => void;

  beforeEach(async () => {
    requests = 0;
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not take an answer lost after HTTP 200 for a refusal: the SDK error then carries 200', async () => {
    // Prepare: SNS took the message, then the connection broke in the middle of its answer.
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': '500' });
      res.write('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>');
      setTimeout(() => res.socket?.destroy(), 10);
    };

    // Act
    const error = await new SnsAlertPublisher(TOPIC).publish(makeAlert()).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(error).not.toBeInstanceOf(PublishRefusedError);
    expect(requests).toBe(1);
  });

  it('makes one attempt per publish: a 5xx is not retried behind the outbox', async () => {
    // Prepare
    answer = (res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
    };

    // Act
    const error = await new SnsAlertPublisher(TOPIC).publish(makeAlert()).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 503 } });
    expect(error).not.toBeInstanceOf(PublishRefusedError);
    expect(requests).toBe(1);
  });

  it('stops a publish at the abort signal', async () => {
    // Prepare: SNS never answers.
    answer = () => {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the invocation ran out of time')), 50);

    // Act
    const started = performance.now();
    const error = await new SnsAlertPublisher(TOPIC)
      .publish(makeAlert(), controller.signal)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PublishRefusedError);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
