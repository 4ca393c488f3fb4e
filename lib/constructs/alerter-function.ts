// A Lambda function with this project's defaults, and bindX() methods that grant access and set the env var together.
import { AssetHashType, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  type IDestination,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/config/env.js';
import { METRICS_NAMESPACE } from '../../functions/contracts/poller.js';
import { buildLambda, PROJECT_ROOT } from '../lambda-build.js';
import { nodeOptions } from '../node-options.js';
import type { LogLevel } from '../settings.js';

/** The CloudWatch namespace of the functions' Powertools (EMF) metrics. */

export interface AlerterFunctionProps {
  /** Absolute path of the entry file (it exports `handler`). */
  entry: string;
  description: string;
  /** Powertools service name: the `service` key of every log line and metric dimension. */
  serviceName: string;
  timeout: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  /** Lambda's own retries of a failed asynchronous invocation (0–2). */
  retryAttempts: number;
  /** How long Lambda keeps trying an asynchronous event before sending it to the dead-letter queue. */
  maxEventAge: Duration;
  /** Receives asynchronous invocations that failed after all retries (Lambda on-failure destination). */
  deadLetterQueue: IQueue;
  logRetention: RetentionDays;
  /** Encrypts the function's log group (Control Tower's CT.CLOUDWATCH.PR.3). */
  logKey: IKey;
  logLevel: LogLevel;
  environment?: Record<string, string>;
}

/** The `kms:ViaService` value of an AWS service calling KMS for the function in this stack's region. */
function viaService(scope: Construct, service: string): string {
  return `${service}.${Stack.of(scope).region}.amazonaws.com`;
}

/**
 * Lambda's on-failure destination, with the one action Lambda needs of it: CDK's SqsDestination would also grant
 * sqs:GetQueueAttributes and sqs:GetQueueUrl.
 */
function sendOnlyDestination(queue: IQueue, role: IRole): IDestination {
  return {
    bind: () => {
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
      );
      return { destination: queue.queueArn };
    },
  };
}

/** DynamoDB actions a function may be given on a table; no Scan, no table administration. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:Query'
  /** The lease check in the transactions that fence the poller's writes. */
  | 'dynamodb:ConditionCheckItem';

export class AlerterFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AlerterFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);

    const runtime = Runtime.NODEJS_24_X;
    this.function = new LambdaFunction(this, 'Function', {
      // Built by lib/lambda-build.ts, as the benchmark measures it: NodejsFunction builds one file, without the
      // code splitting that keeps what a poll may never use out of the cold start.
      code: Code.fromAsset(PROJECT_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          image: runtime.bundlingImage,
          local: {
            tryBundle: (outputDir) => {
              buildLambda(props.entry, outputDir);
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      // Text, not JSON: with JSON Lambda filters the lines itself (at INFO when no level is set, dropping DEBUG) and
      // hands Powertools that level in AWS_LAMBDA_LOG_LEVEL, which wins over POWERTOOLS_LOG_LEVEL (so WARN logged
      // INFO). Powertools writes JSON either way; the metric lines must reach CloudWatch at every level.
      loggingFormat: LoggingFormat.TEXT,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      onFailure: sendOnlyDestination(props.deadLetterQueue, this.role),
      environment: {
        NODE_OPTIONS: nodeOptions(props.memorySize ?? 256),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        // Powertools alone filters the log lines. Lambda's application log level would also filter the metric (EMF)
        // lines, which carry no level and count as INFO: at WARN the metrics, and the alerter-down alarm, would go.
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
    });

    Validations.of(this.function).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations go to an SQS on-failure destination, which supersedes DeadLetterConfig and records the error too.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason:
          'One function per flow with no downstream calls to trace; structured logs and EMF metrics cover it, and X-Ray would need xray:* on Resource::*.',
      },
      {
        id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason:
          "Control Tower's CT.LAMBDA.PR.3 (a function in a VPC): the function calls a public HTTPS API (Pleo's Export API, Slack's webhooks) and AWS APIs, so in a VPC it would need a NAT gateway (about $33 a month per availability zone, more than the whole stack) and holds no network resource a VPC would protect.",
      },
    );
  }

  /** Sets an environment variable; merges with what is there. */
  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * Lets the function use `actions` on the table's items whose partition key matches one of `partitions` (IAM
   * StringLike patterns: functions/adapters/dynamodb/partitions.ts), and its key through DynamoDB only; tells it
   * the table's name in its variable.
   */
  bindTable(table: ITable, actions: readonly TableAction[], partitions: readonly string[]): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
      }),
    );
    if (table.encryptionKey) {
      // What DynamoDB asks of the caller's key permissions for item reads and writes (as CDK's table grants).
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:Encrypt',
            'kms:ReEncrypt*',
            'kms:GenerateDataKey*',
          ],
          resources: [table.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'dynamodb') } },
        }),
      );
      const reason =
        'The key actions DynamoDB needs of a caller, on the table key, when DynamoDB calls for it only.';
      Validations.of(this.role).acknowledge(
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
      );
    }
    return this.addEnvironment(ENV.TABLE_NAME, table.tableName);
  }

  /** Lets the function publish to the topic (and use its key, through SNS only), and tells it the ARN in its variable. */
  bindAlertTopic(topic: ITopic, key: IKey): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'sns') } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'SNS encrypts with the topic key through GenerateDataKey and GenerateDataKeyWithoutPlaintext; the grant is limited to that one key.',
    });
    return this.addEnvironment(ENV.ALERT_TOPIC_ARN, topic.topicArn);
  }

  /**
   * Lets the function read the connections' keys: the SecureString parameters under `path` (one of the stack's own,
   * `/pleo-export-alerts/<stack>/connections/`), decrypted with the stack's key through SSM only.
   */
  bindConnectionParameters(path: string, key: IKey): this {
    const { partition, region, account } = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [`arn:${partition}:ssm:${region}:${account}:parameter${path}*`],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'ssm') } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${path}*]`,
      reason:
        "GetParameter on the connections' keys: the parameters under the stack's own path, one per connection, added by the CLI after deploy.",
    });
    return this;
  }

  /** Lets the function read exactly this secret's value, and tells it the ARN in `envName`. */
  bindSecret(envName: string, secretArn: string): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
    );
    return this.addEnvironment(envName, secretArn);
  }
}
