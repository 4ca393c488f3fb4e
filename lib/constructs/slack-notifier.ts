// The Slack notifier: a Lambda subscribed to the alert topic that posts each alert to an incoming webhook.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ITopic, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deliveredPartitionPattern, SLACK_CHANNEL } from '../../functions/adapters/dynamodb/partitions.js';
import { ENV } from '../../functions/config/env.js';
import type { LogLevel } from '../settings.js';
import { AlerterFunction } from './alerter-function.js';
import { EmptySecret } from './empty-secret.js';

export interface SlackNotifierProps {
  entry: string;
  serviceName: string;
  topic: ITopic;
  table: ITable;
  /** An existing secret holding the webhook URL; without it an empty one is created. */
  webhookSecretArn: string | undefined;
  /** Receives alerts that could not be handed to, or processed by, the notifier. */
  deadLetterQueue: IQueue;
  logRetention: RetentionDays;
  logKey: IKey;
  logLevel: LogLevel;
}

export class SlackNotifier extends Construct {
  /** The secret the notifier reads the webhook URL from (given, or created empty). */
  readonly webhookSecretArn: string;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: SlackNotifierProps) {
    super(scope, id);

    this.webhookSecretArn =
      props.webhookSecretArn ??
      new EmptySecret(
        this,
        'SlackWebhookUrl',
        'Slack incoming-webhook URL for Pleo export alerts (fill after deploy)',
      ).secretArn;

    const notifier = new AlerterFunction(this, 'Notifier', {
      entry: props.entry,
      description: 'Posts Pleo export alerts from the alert topic to Slack',
      serviceName: props.serviceName,
      timeout: Duration.seconds(30),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: props.deadLetterQueue,
      logRetention: props.logRetention,
      logKey: props.logKey,
      logLevel: props.logLevel,
    })
      .bindSecret(ENV.SLACK_WEBHOOK_SECRET_ARN, this.webhookSecretArn)
      // Records delivered alert ids to drop SNS redeliveries: its own records only.
      .bindTable(
        props.table,
        ['dynamodb:GetItem', 'dynamodb:PutItem'],
        [deliveredPartitionPattern(SLACK_CHANNEL)],
      );

    this.functionName = notifier.function.functionName;

    props.topic.addSubscription(
      new LambdaSubscription(notifier.function, {
        deadLetterQueue: props.deadLetterQueue,
        // Only the poller's messages carry `kind`; CloudWatch alarm notifications (no attributes) stay on email.
        filterPolicy: { kind: SubscriptionFilter.existsFilter() },
      }),
    );
  }
}
