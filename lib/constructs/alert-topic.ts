// The SNS topic alerts and alarms go to, encrypted with the stack's KMS key, and its email subscriptions.
import { Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, type IRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
  /** What the names of the alarms that notify the topic start with: only those may use it. */
  alarmNamePrefix: string;
}

export class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly key: IKey;

  private readonly deliveryDeadLetterQueue: IQueue;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.deliveryDeadLetterQueue = props.deliveryDeadLetterQueue;

    this.key = props.key;
    const { account, region, partition } = Stack.of(this);
    // The alarms of this stack, as the CloudWatch service names them when it acts for them.
    const ourAlarms = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: {
        'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:${props.alarmNamePrefix}*`,
      },
    };
    // CloudWatch alarm actions publish to the encrypted topic as the CloudWatch service.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: ourAlarms,
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
        sid: 'AllowCloudWatchAlarmsOfThisStack',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: ourAlarms,
      }),
    );
  }

  /**
   * Refuses publishing to anyone but `publisher` and AWS services (of which the policy lets CloudWatch alarms
   * only): otherwise anyone in the account allowed sns:Publish could send any email or Block Kit to the readers.
   */
  publishedOnlyBy(publisher: IRole): void {
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyThePollerAndAlarmsPublish',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnNotEquals: { 'aws:PrincipalArn': publisher.roleArn },
          // A service principal has no PrincipalArn; the Allow statements above decide for those.
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
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
