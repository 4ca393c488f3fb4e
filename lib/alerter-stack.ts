// The whole alerter: schedule → poller → DynamoDB state → SNS topic → email and Slack, plus alarms on itself.
import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { CONNECTION_PARTITION, STATE_PARTITION_PATTERNS } from '../functions/adapters/dynamodb/partitions.js';
import { DISPATCHER_SETTINGS } from '../functions/config/dispatcher.js';
import { ENV } from '../functions/config/env.js';
import { POLLER_SETTINGS, pollerTiming } from '../functions/config/poller.js';
import { environmentOf } from '../functions/config/setting.js';
import { connectionParameterPath } from '../functions/contracts/connection.js';
import type { AlerterConfig } from './config.js';
import { ActionsEndpoint } from './constructs/actions-endpoint.js';
import { AlertTopic } from './constructs/alert-topic.js';
import { AlerterFunction } from './constructs/alerter-function.js';
import { createDeadLetterQueue } from './constructs/dead-letter-queue.js';
import { Dispatcher } from './constructs/dispatcher.js';
import { EmptySecret } from './constructs/empty-secret.js';
import { HealthAlarms } from './constructs/health-alarms.js';
import { PollQueue } from './constructs/poll-queue.js';
import { PollSchedules } from './constructs/poll-schedules.js';
import { SlackNotifier } from './constructs/slack-notifier.js';
import { StackKey } from './constructs/stack-key.js';

export interface AlerterStackProps extends StackProps {
  config: AlerterConfig;
}

const FUNCTIONS_DIR = path.join(import.meta.dirname, '..', 'functions');
const POLLER_TIMEOUT = Duration.seconds(120);

export class AlerterStack extends Stack {
  constructor(scope: Construct, id: string, props: AlerterStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays;
    const { key } = new StackKey(this, 'Encryption');

    const table = new Table(this, 'State', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      // The only state (what was alerted, open incidents): kept when the stack is destroyed or the table would be
      // replaced, so it can be inspected or restored. A new deployment starts with a new, empty table.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const pollDeadLetters = createDeadLetterQueue(this, 'PollDeadLetterQueue');
    const deliveryDeadLetters = createDeadLetterQueue(this, 'DeliveryDeadLetterQueue');

    // The alarms' names start with it, and the topic lets only alarms so named publish.
    const alarmNamePrefix = `${this.stackName}-`;
    const alerts = new AlertTopic(this, 'Alerts', {
      key,
      deliveryDeadLetterQueue: deliveryDeadLetters,
      alarmNamePrefix,
    });
    for (const email of config.alertEmails) alerts.addEmail({ email });
    for (const subscription of config.emailSubscriptions) alerts.addEmail(subscription);

    const pleoSecretArn =
      config.pleoApiKeySecretArn ??
      new EmptySecret(this, 'PleoApiKey', 'Pleo API key for the export alerter (fill after deploy)')
        .secretArn;

    // Buttons in Slack need the endpoint and Slack both.
    const slackActions = config.actionsEnabled && config.slack.enabled;
    const pollerServiceName = `${this.stackName}-poller`;
    const poller = new AlerterFunction(this, 'Poller', {
      entry: path.join(FUNCTIONS_DIR, 'handlers', 'poller', 'index.ts'),
      description: 'Polls Pleo for failed export jobs and publishes new failures to the alert topic',
      serviceName: pollerServiceName,
      timeout: POLLER_TIMEOUT,
      // As many polls at once as the poll queue starts (each connection's lease guards its own overlaps). Accounts
      // with the starter quota of 10 concurrent executions cannot reserve any: `reservePollerConcurrency: false`.
      reservedConcurrentExecutions: config.reservePollerConcurrency ? config.pollConcurrency : undefined,
      // The next scheduled tick is the retry.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(Math.min(Math.max(config.scheduleMinutes, 5), 360)),
      deadLetterQueue: pollDeadLetters,
      logRetention,
      logKey: key,
      logLevel: config.logLevel,
      // The deployers' settings as they gave them (defaults included, for operators to read), the rest derived.
      environment: environmentOf(POLLER_SETTINGS, {
        ...config,
        ...pollerTiming(POLLER_TIMEOUT.toSeconds()),
        digestTimeZone: config.digest.timeZone,
        stackName: this.stackName,
        slackActions,
        retryExports: config.actionsEnabled && config.pleoRetryKeySecretArn !== undefined,
      }),
    })
      .bindSecret(ENV.PLEO_CREDENTIAL_SECRET_ARN, pleoSecretArn)
      .bindTable(
        table,
        [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:Query',
          // Every write of a poll goes in a transaction (TransactWriteItems) with a check of the lease's owner.
          'dynamodb:ConditionCheckItem',
        ],
        STATE_PARTITION_PATTERNS,
      )
      // The records a poll request names (the connection records; nothing else of them).
      .bindTable(table, ['dynamodb:GetItem'], [CONNECTION_PARTITION])
      .bindConnectionParameters(connectionParameterPath(this.stackName), key)
      .bindAlertTopic(alerts.topic, alerts.key);
    alerts.publishedOnlyBy(poller.role);

    const pollQueue = new PollQueue(this, 'PollQueue', { key, pollerTimeout: POLLER_TIMEOUT });
    pollQueue.consumeWith(poller.function, poller.role, config.pollConcurrency);
    const dispatcher = new Dispatcher(this, 'Dispatcher', {
      entry: path.join(FUNCTIONS_DIR, 'handlers', 'dispatcher', 'index.ts'),
      serviceName: `${this.stackName}-dispatcher`,
      table,
      pollQueue,
      environment: environmentOf(DISPATCHER_SETTINGS, {
        stackName: this.stackName,
        companies: config.companies,
      }),
      maxEventAge: Duration.minutes(Math.min(Math.max(config.scheduleMinutes, 1), 360)),
      deadLetterQueue: pollDeadLetters,
      logRetention,
      logKey: key,
      logLevel: config.logLevel,
    });

    new PollSchedules(this, 'Schedules', {
      dispatcher: dispatcher.function,
      poller: poller.function,
      scheduleMinutes: config.scheduleMinutes,
      digest: config.digest,
      deadLetterQueue: pollDeadLetters,
    });

    const slack = config.slack.enabled
      ? new SlackNotifier(this, 'Slack', {
          entry: path.join(FUNCTIONS_DIR, 'handlers', 'slack-notifier', 'index.ts'),
          serviceName: `${this.stackName}-slack-notifier`,
          topic: alerts.topic,
          table,
          webhookSecretArn: config.slack.webhookSecretArn,
          deadLetterQueue: deliveryDeadLetters,
          logRetention,
          logKey: key,
          logLevel: config.logLevel,
        })
      : undefined;

    const actions = config.actionsEnabled
      ? new ActionsEndpoint(this, 'Actions', {
          entry: path.join(FUNCTIONS_DIR, 'handlers', 'actions', 'index.ts'),
          serviceName: `${this.stackName}-actions`,
          table,
          slackTeamId: slackActions ? config.slackTeamId : undefined,
          concurrency: config.actionsConcurrency,
          pleoApiUrl: config.pleoApiUrl,
          retryKeySecretArn: config.pleoRetryKeySecretArn,
          topic: alerts.topic,
          alarmNamePrefix,
          deadLetterQueue: deliveryDeadLetters,
          logRetention,
          logKey: key,
          logLevel: config.logLevel,
        })
      : undefined;

    new HealthAlarms(this, 'Health', {
      topic: alerts.topic,
      poller: poller.function,
      dispatcher: dispatcher.function,
      pollerServiceName,
      scheduleMinutes: config.scheduleMinutes,
      missedPollsBeforeAlarm: config.missedPollsBeforeAlarm,
      deadLetterQueues: {
        Poll: pollDeadLetters,
        Delivery: deliveryDeadLetters,
        PollQueue: pollQueue.deadLetterQueue,
      },
      alarmNamePrefix,
    });

    new CfnOutput(this, 'AlertTopicArn', {
      value: alerts.topic.topicArn,
      description: 'SNS topic for alerts and alarms: subscribe more endpoints here',
    });
    new CfnOutput(this, 'StateTableName', {
      value: table.tableName,
      description: 'DynamoDB table of what was alerted (retained on destroy)',
    });
    new CfnOutput(this, 'EncryptionKeyArn', {
      value: key.keyArn,
      description: 'KMS key of the topic, log groups and table: kept with the table on destroy',
    });
    new CfnOutput(this, 'PollerFunctionName', { value: poller.function.functionName });
    new CfnOutput(this, 'PollerLogGroupName', { value: poller.logGroup.logGroupName });
    new CfnOutput(this, 'PleoApiKeySecretArn', {
      value: pleoSecretArn,
      description:
        'Fill with the key saved in a file, never on a command line: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string file://pleo-key.txt',
    });
    if (slack) {
      new CfnOutput(this, 'SlackWebhookSecretArn', {
        value: slack.webhookSecretArn,
        description:
          'Fill with the webhook URL saved in a file, never on a command line: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string file://slack-webhook.txt',
      });
      new CfnOutput(this, 'SlackNotifierFunctionName', {
        value: slack.functionName,
        description: "Post a dead-lettered Slack message again: invoke it with the record's requestPayload",
      });
    }
    if (actions) {
      // Emails link to the endpoint, with links the poller signs.
      poller
        .bindSecret(ENV.EMAIL_LINK_KEY_SECRET_ARN, actions.emailLinkKeySecretArn)
        .addEnvironment(ENV.ACTIONS_URL, actions.url);
      new CfnOutput(this, 'ActionsFunctionName', { value: actions.functionName });
      if (actions.signingSecretArn) {
        new CfnOutput(this, 'SlackInteractivityUrl', {
          value: actions.slackUrl,
          description:
            "The Slack app's Interactivity & Shortcuts → Request URL: the alerts' buttons send their clicks here",
        });
        new CfnOutput(this, 'SlackSigningSecretArn', {
          value: actions.signingSecretArn,
          description:
            "Fill with the Slack app's signing secret saved in a file, never on a command line: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string file://slack-signing-secret.txt",
        });
      }
    }
    new CfnOutput(this, 'PollDeadLetterQueueUrl', {
      value: pollDeadLetters.queueUrl,
      description: 'Polls that failed or could not be started',
    });
    new CfnOutput(this, 'PollQueueDeadLetterQueueUrl', {
      value: pollQueue.deadLetterQueue.queueUrl,
      description: "Poll requests whose connections' polls failed twice",
    });
    new CfnOutput(this, 'DispatcherFunctionName', { value: dispatcher.function.functionName });
    new CfnOutput(this, 'DeliveryDeadLetterQueueUrl', {
      value: deliveryDeadLetters.queueUrl,
      description: 'Alerts that could not be delivered to email or Slack',
    });
  }
}
