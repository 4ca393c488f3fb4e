// adapts SQS SendMessageBatch to the PollQueue port: the dispatcher's poll requests, ten to a call.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PollQueue } from '../../app/ports.js';
import type { PollRequest } from '../../contracts/connection.js';

/** The most entries SQS takes in one SendMessageBatch. */
const BATCH = 10;

export class SqsPollQueue implements PollQueue {
  /** SendMessageBatch calls made, for the benchmark and the dispatcher's log. */
  requestCount = 0;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Sends every request, ten to a call, and answers those SQS did not take (each entry of a batch is taken or
   * refused on its own). A call that fails outright throws: the requests after it are not sent either.
   */
  async send(requests: readonly PollRequest[]): Promise<PollRequest[]> {
    const refused: PollRequest[] = [];
    for (let start = 0; start < requests.length; start += BATCH) {
      const batch = requests.slice(start, start + BATCH);
      this.requestCount++;
      const { Failed = [] } = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((request, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(request),
          })),
        }),
      );
      for (const failure of Failed) {
        const request = batch[Number(failure.Id)];
        if (request) refused.push(request);
      }
    }
    return refused;
  }
}
