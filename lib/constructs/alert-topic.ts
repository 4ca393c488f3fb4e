// The SNS topic alerts and alarms go to, encrypted with the stack's KMS key, and its email subscriptions.
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** One email address and, optionally, which alerts it wants (by the message attributes the poller sets). */
export interface EmailRecipient {
  email: string;
  /** Company ids (message attribute `company`). */
  companies?: string[] | undefined;
  /** Who can act (message attribute `category`). */
  categories?: string[] | undefined;
  /** alert | resolved | reminder | digest (message attribute `kind`). */
  kinds?: string[] | undefined;
}

export interface AlertTopicProps {
  /** Encrypts the topic; CloudWatch alarms are let use it. */
  key: IKey;
  /** Receives messages SNS could not deliver to an email subscriber. */
  deliveryDeadLetterQueue: IQueue;
}

export class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly key: IKey;

  private readonly deliveryDeadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.deliveryDeadLetterQueue = props.deliveryDeadLetterQueue;

    this.key = props.key;
    // CloudWatch alarm actions publish to the encrypted topic as the CloudWatch service.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: 'Pleo export alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch alarms need saying explicitly.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.topic.env.account } },
      }),
    );
  }

  /**
   * Subscribes an email address. Without filters it receives every message, CloudWatch alarm
   * notifications included; with filters only the alerts matching all of them (alarms carry no attributes).
   */
  addEmail(recipient: EmailRecipient): void {
    const allowlists = {
      company: recipient.companies,
      category: recipient.categories,
      kind: recipient.kinds,
    };
    const filterPolicy = Object.fromEntries(
      Object.entries(allowlists).flatMap(([attribute, allowlist]) =>
        allowlist ? [[attribute, SubscriptionFilter.stringFilter({ allowlist })]] : [],
      ),
    );
    this.topic.addSubscription(
      new EmailSubscription(recipient.email, {
        deadLetterQueue: this.deliveryDeadLetterQueue,
        ...(Object.keys(filterPolicy).length > 0 ? { filterPolicy } : {}),
      }),
    );
  }
}
