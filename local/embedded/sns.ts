// An in-process SNS and SQS (fauxqs) for `npm start` and the integration tests: a topic with a queue
// subscribed to it, standing in for the email and Slack subscribers.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

export interface EmbeddedSns {
  endpoint: string;
  topicArn: string;
  queueUrl: string;
  /** Receives and deletes what has arrived on the subscribed queue: the raw SNS envelopes' bodies. */
  drain(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startEmbeddedSns(region: string): Promise<EmbeddedSns> {
  const server = await startFauxqs({ port: 0, logger: false, defaultRegion: region });
  const { topicArn } = server.createTopic('pleo-export-alerts', { region });
  const { queueUrl } = server.createQueue('alert-subscriber', { region });
  server.subscribe({ topic: 'pleo-export-alerts', queue: 'alert-subscriber', region });
  const sqs = new SQSClient({ endpoint: server.address, region });
  return {
    endpoint: server.address,
    topicArn,
    queueUrl,
    drain: () => drainQueue(sqs, queueUrl),
    close: async () => {
      sqs.destroy();
      await server.stop();
    },
  };
}

async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
}
