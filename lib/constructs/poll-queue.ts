// The poll queue: the dispatcher puts one message per poll request on it at every tick, and the poller consumes it
// with an SQS event source, at most `pollConcurrency` at once. A message that keeps failing goes to its own
// dead-letter queue, which an alarm watches.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { EventSourceMapping, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createDeadLetterQueue } from './dead-letter-queue.js';

export interface PollQueueProps {
  /** Encrypts the messages (the stack's key). */
  key: IKey;
  /** The poller's timeout: a message comes back only once the poll that took it has surely ended. */
  pollerTimeout: Duration;
}

/** Receives before a message is dead-lettered: the poll, and one retry. A later tick polls the connection anyway. */
const MAX_RECEIVE_COUNT = 2;

export class PollQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: PollQueueProps) {
    super(scope, id);
    this.key = props.key;
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue');
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      // SQS asks KMS for a data key once an hour per sender and receiver, not every 5 minutes.
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      // As long as a poll's lease: a failed poll's message is taken again only once its lease has run out.
      visibilityTimeout: props.pollerTimeout.plus(Duration.seconds(60)),
      // A request not polled within the hour is overtaken by later ticks' requests for the same connections.
      retentionPeriod: Duration.hours(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }

  /** Lets the role send poll requests (and SQS encrypt them with the key for it). */
  grantSend(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    this.grantKeyUse(role, ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  /**
   * The poller consumes the queue: one message an invocation (each poll has the whole invocation's time), at most
   * `maxConcurrency` invocations at once, failed messages reported one by one (partial batch responses).
   */
  consumeWith(poller: IFunction, role: IRole, maxConcurrency: number): EventSourceMapping {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: [this.queue.queueArn],
      }),
    );
    this.grantKeyUse(role, ['kms:Decrypt']);
    const mapping = new EventSourceMapping(this, 'Consumer', {
      target: poller,
      eventSourceArn: this.queue.queueArn,
      batchSize: 1,
      maxConcurrency,
      reportBatchItemFailures: true,
    });
    Validations.of(mapping).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "An SQS event source takes no on-failure destination: a message that keeps failing goes to the poll queue's own dead-letter queue (its redrive policy), which an alarm watches.",
    });
    return mapping;
  }

  private grantKeyUse(role: IRole, actions: string[]): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
