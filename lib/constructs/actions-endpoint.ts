// The actions endpoint: a Lambda behind a Function URL that acts on the alerts' Slack buttons, with the Slack app's
// signing secret, a ceiling on clicks at once, access to only the records an action changes, and alarms.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CONTROL_PARTITION,
  ONCE_PARTITION_PREFIX,
  statePartitions,
} from '../../functions/adapters/dynamodb/partitions.js';
import { ACTIONS_SETTINGS } from '../../functions/config/actions.js';
import { ENV } from '../../functions/config/env.js';
import { environmentOf } from '../../functions/config/setting.js';
import { SLACK_ACTIONS_PATH } from '../../functions/handlers/actions/endpoint.js';
import type { LogLevel } from '../settings.js';
import { AlerterFunction } from './alerter-function.js';
import { EmptySecret } from './empty-secret.js';

export interface ActionsEndpointProps {
  entry: string;
  serviceName: string;
  table: ITable;
  /** Slack's clicks are taken from this workspace only; undefined: no Slack buttons, no signing secret. */
  slackTeamId: string | undefined;
  /** Pleo's address, for a retry. */
  pleoApiUrl: string;
  /** The secret of the Pleo key that may create export jobs; undefined: no retry. */
  retryKeySecretArn: string | undefined;
  /** Clicks handled at once at most (reserved concurrency); 0 reserves none. */
  concurrency: number;
  topic: ITopic;
  alarmNamePrefix: string;
  /** Never used by a Function URL's synchronous invocations; the function construct wants one. */
  deadLetterQueue: IQueue;
  logRetention: RetentionDays;
  logKey: IKey;
  logLevel: LogLevel;
}

export class ActionsEndpoint extends Construct {
  /** The Function URL, ending in `/`. */
  readonly url: string;
  /** Slack's interactivity Request URL. */
  readonly slackUrl: string;
  /** The key the poller signs the emails' links with, and the endpoint checks them with. */
  readonly emailLinkKeySecretArn: string;
  readonly signingSecretArn: string | undefined;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ActionsEndpointProps) {
    super(scope, id);

    const actions = new AlerterFunction(this, 'Handler', {
      entry: props.entry,
      description: 'Acts on the buttons of Pleo export alerts (acknowledge, snooze, mute)',
      serviceName: props.serviceName,
      // Slack gives up after 3 s; a click is a few DynamoDB requests and one post to Slack.
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: props.concurrency > 0 ? props.concurrency : undefined,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      deadLetterQueue: props.deadLetterQueue,
      logRetention: props.logRetention,
      logKey: props.logKey,
      logLevel: props.logLevel,
      environment: environmentOf(ACTIONS_SETTINGS, {
        slackTeamId: props.slackTeamId,
        pleoApiUrl: props.pleoApiUrl,
      }),
    })
      // Finding the open group a button is about: the groups (the stack's connection's, and each connection's), read only.
      .bindTable(props.table, ['dynamodb:Query'], [statePartitions().group, statePartitions('*').group])
      // What an action writes: acknowledgements, snoozes and mutes.
      .bindTable(
        props.table,
        ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        [CONTROL_PARTITION],
      )
      // A Slack request, or an email link, is acted on once: a replay finds its record.
      .bindTable(
        props.table,
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        [`${ONCE_PARTITION_PREFIX}*`],
      );

    // The alerter's own key, never anyone else's: generated, never in the template.
    const linkKey = new Secret(this, 'EmailLinkKey', {
      description:
        'Signs the action links in Pleo export alert emails (generated; replace it to void every link sent)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(linkKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the key voids every action link in the emails of the last 7 days; replace it by hand when it may have leaked (put-secret-value with a new random value).',
    });
    this.emailLinkKeySecretArn = linkKey.secretArn;
    actions.bindSecret(ENV.EMAIL_LINK_KEY_SECRET_ARN, linkKey.secretArn);

    if (props.retryKeySecretArn !== undefined) {
      actions.bindSecret(ENV.PLEO_RETRY_KEY_SECRET_ARN, props.retryKeySecretArn);
    }

    if (props.slackTeamId !== undefined) {
      this.signingSecretArn = new EmptySecret(
        this,
        'SlackSigningSecret',
        'Signing secret of the Slack app whose buttons act on Pleo export alerts (fill after deploy)',
      ).secretArn;
      actions.bindSecret(ENV.SLACK_SIGNING_SECRET_ARN, this.signingSecretArn);
    }

    // Slack cannot sign in to AWS: the URL is public, and every request proves itself by Slack's signature.
    const functionUrl = actions.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    });
    this.url = functionUrl.url;
    this.slackUrl = `${functionUrl.url}${SLACK_ACTIONS_PATH.slice(1)}`;
    this.functionName = actions.function.functionName;
    const why =
      "Slack's interactivity requests cannot carry AWS credentials, so the function URL (and the invoke permission it needs) is public; the function refuses every request Slack did not sign (HMAC-SHA256 with the app's signing secret, within 5 minutes, once) before reading it.";
    Validations.of(actions.function).acknowledge(
      {
        id: 'cdk-validator-cfnguard::lambda_function_url_auth_check',
        reason: `Function URL without IAM auth: ${why}`,
      },
      {
        id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
        reason: `Control Tower's CT.LAMBDA.PR.2 (no public access): ${why}`,
      },
    );

    const action = new SnsAction(props.topic);
    const period = Duration.minutes(5);
    const alarms = {
      Errors: {
        name: 'ActionsErrors',
        description:
          'The actions endpoint failed to act on a click (it threw, or timed out). Look at its log group.',
        metric: actions.function.metricErrors({ period, statistic: 'Sum' }),
      },
      Throttles: {
        name: 'ActionsThrottled',
        description:
          'Clicks were turned away: more arrived at once than the actions endpoint reserves (actionsConcurrency), or someone is flooding its URL.',
        metric: actions.function.metricThrottles({ period, statistic: 'Sum' }),
      },
    };
    for (const [id, { name, description, metric }] of Object.entries(alarms)) {
      const alarm = new Alarm(this, id, {
        alarmName: `${props.alarmNamePrefix}${name}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
