// The queues failures land in; alarms watch them.
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** An SQS queue that only collects failures: SSE-SQS encrypted, TLS only, kept 14 days for inspection. */
export function createDeadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // Says that it is a dead-letter queue (Control Tower's CT.SQS.PR.1). Lambda, SNS and Scheduler send to most
    // directly; the poll queue redrives into its own, which names it (a policy naming the source queue back would
    // make the two depend on each other).
    redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
  });
  const reason =
    'This queue is itself a dead-letter queue (a failure destination): nothing consumes it, so it needs none of its own; an alarm watches it.';
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}
