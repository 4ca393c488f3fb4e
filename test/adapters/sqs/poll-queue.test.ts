import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsPollQueue } from '../../../functions/adapters/sqs/poll-queue.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/poll-queue';
const requests = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ connections: [`client-${i}`] }));

describe('Class: SqsPollQueue', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('sends the requests ten to a call, each as its JSON', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsPollQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

    // Act
    const refused = await queue.send(requests(23));

    // Assess
    expect(refused).toEqual([]);
    expect(queue.requestCount).toBe(3);
    const sizes = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 3]);
    expect(sqs).toHaveReceivedNthCommandWith(SendMessageBatchCommand, 3, {
      QueueUrl: QUEUE_URL,
      Entries: [
        { Id: '0', MessageBody: '{"connections":["client-20"]}' },
        { Id: '1', MessageBody: '{"connections":["client-21"]}' },
        { Id: '2', MessageBody: '{"connections":["client-22"]}' },
      ],
    });
  });

  it('answers the entries SQS refused, after sending every batch', async () => {
    // Prepare: the first batch's fourth entry refused.
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError' }] })
      .resolves({});
    const queue = new SqsPollQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

    // Act
    const refused = await queue.send(requests(12));

    // Assess
    expect(refused).toEqual([{ connections: ['client-3'] }]);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
  });
});
