import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { buildPollerBundle } from '../../bench/bundle.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import {
  DIGEST_EVENT,
  METRICS_NAMESPACE,
  SUCCESSFUL_POLLS_METRIC,
} from '../../functions/contracts/poller.js';
import { ContextError } from '../../lib/config.js';
import { logicalIdOf, type Synthesized, statementsOfRole, synthesize } from './synth.js';

const ACME = '3f0c8f5e-4a7b-4c1d-9e2f-0a1b2c3d4e5f';
const PLEO_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo/api-key-AbC123';
const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack/webhook-XyZ789';

const POLLER = { Description: Match.stringLikeRegexp('^Polls Pleo') };
const NOTIFIER = { Description: Match.stringLikeRegexp('^Posts Pleo export alerts') };

const ref = (logicalId: string) => ({ Ref: logicalId });
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Logical ids of the resources every configuration has. */
function core(template: Template) {
  const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
  const [pollDlq, deliveryDlq] = ['PollDeadLetterQueue', 'DeliveryDeadLetterQueue'].map((name) => {
    const id = queues.find((queue) => queue.startsWith(name));
    if (!id) throw new Error(`no queue ${name}`);
    return id;
  }) as [string, string];
  const poller = logicalIdOf(template, 'AWS::Lambda::Function', POLLER);
  const pollerRole = template.findResources('AWS::Lambda::Function', { Properties: POLLER })[poller]
    ?.Properties.Role['Fn::GetAtt'][0] as string;
  return {
    table: logicalIdOf(template, 'AWS::DynamoDB::Table'),
    topic: logicalIdOf(template, 'AWS::SNS::Topic'),
    key: logicalIdOf(template, 'AWS::KMS::Key'),
    poller,
    pollerRole,
    pollDlq,
    deliveryDlq,
  };
}

/** Use of the stack key through one AWS service only. */
function keyStatement(key: string, service: string, actions: string[]) {
  return {
    Effect: 'Allow',
    Action: actions,
    Resource: arnOf(key),
    Condition: {
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, ref('AWS::Region'), '.amazonaws.com']] },
      },
    },
  };
}

/** The key use DynamoDB asks of a function reading and writing the table: through DynamoDB only. */
function tableKeyStatement(key: string) {
  return keyStatement(key, 'dynamodb', [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey*',
    'kms:ReEncrypt*',
  ]);
}

/** This stack's alarms, as CloudWatch names them to the topic and the key. */
const OUR_ALARMS = {
  StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
  ArnLike: {
    'aws:SourceArn': {
      'Fn::Join': [
        '',
        [
          'arn:',
          ref('AWS::Partition'),
          ':cloudwatch:',
          ref('AWS::Region'),
          ':',
          ref('AWS::AccountId'),
          ':alarm:PleoExportAlerts-*',
        ],
      ],
    },
  },
};

function envOf(template: Template, description: Record<string, unknown>): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: description }));
  return fn?.Properties.Environment.Variables;
}

/** Where the assembly keeps a function's bundle: asset.<hash>, the name of its zip in the template. */
function assetDirOf({ template, assemblyDir }: Synthesized, description: Record<string, unknown>): string {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: description }));
  const { S3Key } = z.object({ Properties: z.object({ Code: z.object({ S3Key: z.string() }) }) }).parse(fn)
    .Properties.Code;
  return path.join(assemblyDir, `asset.${S3Key.replace(/\.zip$/, '')}`);
}

describe('Class: AlerterStack', () => {
  describe('with the default configuration', () => {
    let synthesized: Synthesized;
    let template: Template;
    let ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize();
      template = synthesized.template;
      ids = core(template);
    });

    it('leaves no cdk-nag or Control Tower finding unacknowledged, and warns only that nobody receives the alerts yet', () => {
      expect(synthesized.plugins).toContain('cdk-validator-cfnguard');
      expect(synthesized.findings).toEqual([
        {
          plugin: 'Construct Annotations',
          rule: 'Annotation::pleo-export-alerts:noRecipients',
          severity: 'warning',
          paths: ['PleoExportAlerts'],
        },
      ]);
    });

    it("acknowledges only Control Tower's CT.LAMBDA.PR.3 (functions in a VPC), saying why", () => {
      expect(synthesized.acknowledged.filter(({ plugin }) => plugin === 'cdk-validator-cfnguard')).toEqual([
        {
          plugin: 'cdk-validator-cfnguard',
          id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          reason: expect.stringMatching(/NAT gateway .* more than the whole stack/),
          paths: ['PleoExportAlerts/Poller/Function/Resource'],
        },
      ]);
    });

    it('polls every 5 minutes through EventBridge Scheduler with retries and a dead-letter queue', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Target: {
          Arn: arnOf(ids.poller),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: arnOf(ids.pollDlq) },
          Input: Match.absent(),
        },
      });
    });

    it("lets the scheduler role be taken on by this stack's schedules only, invoke only the poller and send only to the poll dead-letter queue", () => {
      // Prepare
      const role = logicalIdOf(template, 'AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
        },
      });
      const group = logicalIdOf(template, 'AWS::Scheduler::ScheduleGroup');
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId'), 'aws:SourceArn': arnOf(group) },
              },
            },
          ],
        },
      });
      template.allResourcesProperties('AWS::Scheduler::Schedule', {
        GroupName: template.toJSON().Resources[group].Properties.Name,
      });

      // Act
      const statements = statementsOfRole(template, role);

      // Assess
      expect(statements).toHaveLength(2);
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: [arnOf(ids.poller), { 'Fn::Join': ['', [arnOf(ids.poller), ':*']] }],
          },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.pollDlq) },
        ]),
      );
    });

    it('runs the poller on Node.js 24, arm64, 256 MB, 120 s, one at a time, logging to its own encrypted log group kept a year', () => {
      // Prepare
      const logGroup = new Capture();

      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...POLLER,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 120,
        ReservedConcurrentExecutions: 1,
        Handler: 'index.handler',
        LoggingConfig: {
          LogFormat: 'Text',
          ApplicationLogLevel: Match.absent(),
          LogGroup: { Ref: logGroup },
        },
      });
      expect(template.toJSON().Resources[logGroup.asString()]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 365, KmsKeyId: arnOf(ids.key) },
        DeletionPolicy: 'Delete',
      });
    });

    it('gives up on a failed poll at once (the next tick retries) and keeps it in the poll dead-letter queue', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(ids.poller),
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 300,
        DestinationConfig: { OnFailure: { Destination: arnOf(ids.pollDlq) } },
      });
    });

    it('wires the poller environment to the table, topic, secret and configuration', () => {
      expect(envOf(template, POLLER)).toEqual({
        NODE_OPTIONS: '--max-semi-space-size=4 --max-old-space-size=128',
        POWERTOOLS_SERVICE_NAME: 'PleoExportAlerts-poller',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: 'PleoExportAlerts',
        PLEO_API_URL: 'https://external.pleo.io',
        PLEO_CREDENTIAL_SECRET_ARN: ref(logicalIdOf(template, 'AWS::SecretsManager::Secret')),
        PLEO_COMPANIES: '[]',
        LOOKBACK_DAYS: '7',
        LEASE_SECONDS: '180',
        POLL_BUDGET_SECONDS: '90',
        REMINDER_INTERVAL_HOURS: '24',
        REMINDER_MAX_COUNT: '3',
        FLAP_GRACE_MINUTES: '0',
        RESOLUTION_CHECK_MINUTES: '15',
        UNREACHABLE_ALERT_AFTER_POLLS: '3',
        DIGEST_TIME_ZONE: 'Europe/Copenhagen',
        TABLE_NAME: ref(ids.table),
        ALERT_TOPIC_ARN: ref(ids.topic),
      });
    });

    it('grants the poller exactly its log group, sending to its dead-letter queue, its secret, its table items, the topic and the key (through SNS and DynamoDB)', () => {
      // Prepare
      const logGroup = logicalIdOf(template, 'AWS::Logs::LogGroup');
      const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret');

      // Act
      const statements = statementsOfRole(template, ids.pollerRole);

      // Assess
      expect(statements).toHaveLength(7);
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(logGroup),
          },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.pollDlq) },
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ref(secret) },
          {
            Effect: 'Allow',
            Action: [
              'dynamodb:BatchGetItem',
              'dynamodb:BatchWriteItem',
              'dynamodb:DeleteItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Resource: arnOf(ids.table),
            Condition: {
              'ForAllValues:StringLike': {
                'dynamodb:LeadingKeys': ['LEASE', 'OUTBOX', 'SEAL', 'GROUP', 'JOB#*'],
              },
            },
          },
          { Effect: 'Allow', Action: 'sns:Publish', Resource: ref(ids.topic) },
          keyStatement(ids.key, 'sns', ['kms:Decrypt', 'kms:GenerateDataKey*']),
          tableKeyStatement(ids.key),
        ]),
      );
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        },
        ManagedPolicyArns: Match.absent(),
      });
    });

    it('creates the Pleo API key secret without any value in the template', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 1);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        SecretString: Match.absent(),
        GenerateSecretString: Match.absent(),
      });
    });

    it('keeps state in an on-demand table with PITR and TTL, encrypted with the stack key, that survives `cdk destroy`', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(ids.key) },
        },
      });
    });

    it.each([
      ['AWS::DynamoDB::Table', 'TableName'],
      ['AWS::SNS::Topic', 'TopicName'],
      ['AWS::Lambda::Function', 'FunctionName'],
      ['AWS::SQS::Queue', 'QueueName'],
      ['AWS::Logs::LogGroup', 'LogGroupName'],
      ['AWS::SecretsManager::Secret', 'Name'],
      ['AWS::IAM::Role', 'RoleName'],
    ])('lets CloudFormation name every %s (no %s)', (type, nameProperty) => {
      template.allResourcesProperties(type, { [nameProperty]: Match.absent() });
    });

    it('encrypts the topic with a rotating customer-managed key, kept with the table, that CloudWatch alarms may use', () => {
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(ids.key) });
      template.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        Properties: {
          EnableKeyRotation: true,
          KeyPolicy: {
            Statement: Match.arrayWith([
              {
                Sid: 'AllowCloudWatchAlarmsToUseTheKey',
                Effect: 'Allow',
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
                Resource: '*',
                Condition: OUR_ALARMS,
              },
            ]),
          },
        },
      });
    });

    it('lets CloudWatch Logs use the key for the log groups of this account and region only', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowCloudWatchLogsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: { 'Fn::Join': ['', ['logs.', ref('AWS::Region'), '.amazonaws.com']] } },
              Action: [
                'kms:Decrypt*',
                'kms:Describe*',
                'kms:Encrypt*',
                'kms:GenerateDataKey*',
                'kms:ReEncrypt*',
              ],
              Resource: '*',
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': [
                      '',
                      [
                        'arn:',
                        ref('AWS::Partition'),
                        ':logs:',
                        ref('AWS::Region'),
                        ':',
                        ref('AWS::AccountId'),
                        ':log-group:*',
                      ],
                    ],
                  },
                },
              },
            },
          ]),
        },
      });
    });

    it('refuses a grant on the key unless it is for an AWS resource (Control Tower CT.KMS.PR.3)', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'DenyGrantsOtherThanForAwsResources',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: {
                BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
              },
            },
          ]),
        },
      });
    });

    it('refuses publishes without TLS, lets this stack’s CloudWatch alarms publish and refuses everyone but the poller', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref(ids.topic)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Principal: '*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sns:Publish',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Condition: OUR_ALARMS,
            }),
            {
              Sid: 'OnlyThePollerAndAlarmsPublish',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sns:Publish',
              Resource: ref(ids.topic),
              Condition: {
                ArnNotEquals: { 'aws:PrincipalArn': arnOf(ids.pollerRole) },
                BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
              },
            },
          ]),
        },
      });
    });

    it('encrypts both dead-letter queues, declares them dead-letter queues, keeps messages 14 days and refuses requests without TLS', () => {
      template.resourceCountIs('AWS::SQS::Queue', 2);
      template.allResourcesProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedriveAllowPolicy: { redrivePermission: 'allowAll' },
      });
      for (const queue of [ids.pollDlq, ids.deliveryDlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [ref(queue)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('names every alarm after the stack, as the topic and key policies expect', () => {
      expect(
        Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
          (alarm) => alarm.Properties.AlarmName,
        ),
      ).toEqual([
        'PleoExportAlerts-PollerErrors',
        'PleoExportAlerts-AlerterDown',
        'PleoExportAlerts-PollDeadLetters',
        'PleoExportAlerts-DeliveryDeadLetters',
      ]);
    });

    it('alarms on any poller error, notifying the topic on ALARM and on OK', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(ids.poller) }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        AlarmActions: [ref(ids.topic)],
        OKActions: [ref(ids.topic)],
      });
    });

    it('alarms when no poll succeeded for 3 schedule periods, counting missing data as failure', () => {
      // The metric the poller writes (functions/handlers/poller/index.ts), named once for both.
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRICS_NAMESPACE,
        MetricName: SUCCESSFUL_POLLS_METRIC,
        Dimensions: [{ Name: 'service', Value: envOf(template, POLLER).POWERTOOLS_SERVICE_NAME }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [ref(ids.topic)],
        OKActions: [ref(ids.topic)],
      });
    });

    it('alarms on the first message in each dead-letter queue', () => {
      for (const queue of [ids.pollDlq, ids.deliveryDlq]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [ref(ids.topic)],
          OKActions: [ref(ids.topic)],
        });
      }
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    });

    it('has no subscriptions, no Slack notifier and no digest until configured', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      template.resourceCountIs('AWS::Lambda::Function', 1);
    });

    it('outputs what the deployer needs after deploy', () => {
      // Act
      const outputs = Object.keys(template.toJSON().Outputs);

      // Assess
      expect(outputs.sort()).toEqual(
        [
          'AlertTopicArn',
          'DeliveryDeadLetterQueueUrl',
          'EncryptionKeyArn',
          'PleoApiKeySecretArn',
          'PollDeadLetterQueueUrl',
          'PollerFunctionName',
          'PollerLogGroupName',
          'StateTableName',
        ].sort(),
      );
    });
  });

  describe('with emails, filters, Slack, a digest and custom values', () => {
    let synthesized: Synthesized;
    let template: Template;
    let ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize({
        scheduleMinutes: '10',
        missedPollsBeforeAlarm: 4,
        lookbackDays: 14,
        logRetentionDays: 731,
        companies: [{ id: ACME, name: 'Acme ApS' }],
        alertEmails: 'ops@example.com',
        emailSubscriptions: [
          {
            email: 'acme@example.com',
            companies: [ACME],
            categories: ['accountant'],
            kinds: ['alert', 'reminder'],
          },
        ],
        slackEnabled: true,
        digest: { enabled: true, localTime: '07:30', timeZone: 'Europe/Copenhagen' },
        logLevel: 'WARN',
      });
      template = synthesized.template;
      ids = core(template);
    });

    it('filters the logs at WARN in Powertools, not in Lambda, so that the metric lines (no level) still reach CloudWatch', () => {
      for (const fn of Object.values(
        template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }),
      )) {
        expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('WARN');
        expect(fn.Properties.LoggingConfig).toEqual({
          LogFormat: 'Text',
          LogGroup: expect.anything(),
        });
      }
    });

    it('leaves no validation finding unacknowledged, and acknowledges CT.LAMBDA.PR.3 for the notifier too', () => {
      expect(synthesized.findings).toEqual([]);
      expect(synthesized.acknowledged).toContainEqual(
        expect.objectContaining({
          id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          paths: ['PleoExportAlerts/Slack/Notifier/Function/Resource'],
        }),
      );
    });

    it('polls at the configured rate', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(10 minutes)',
        Target: { Arn: arnOf(ids.poller), Input: Match.absent() },
      });
    });

    it('sends the digest daily at the local time in its time zone', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 2);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 7 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Copenhagen',
        Target: {
          Arn: arnOf(ids.poller),
          Input: JSON.stringify(DIGEST_EVENT),
          DeadLetterConfig: { Arn: arnOf(ids.pollDlq) },
        },
      });
    });

    it('declares the alerter down after the configured number of missed 10-minute periods', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'SuccessfulPolls',
        Period: 600,
        EvaluationPeriods: 4,
      });
    });

    it('passes companies and the other settings to the poller', () => {
      expect(envOf(template, POLLER)).toMatchObject({
        PLEO_COMPANIES: JSON.stringify([{ id: ACME, name: 'Acme ApS' }]),
        LOOKBACK_DAYS: '14',
      });
      template.allResourcesProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 731,
        KmsKeyId: arnOf(ids.key),
      });
    });

    it('gives the poller an environment its own configuration parser accepts', () => {
      // Prepare: CloudFormation references resolve to values of the right shape at deploy time.
      const env = Object.fromEntries(
        Object.entries(envOf(template, POLLER)).map(([name, value]) => [
          name,
          typeof value === 'string'
            ? value
            : name.endsWith('_SECRET_ARN')
              ? `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`
              : name.endsWith('_ARN')
                ? `arn:aws:sns:eu-west-1:123456789012:${name}`
                : 'resolved',
        ]),
      );

      // Act
      const config = parsePollerConfig(env);

      // Assess
      expect(config).toMatchObject({ lookbackDays: 14, companies: [{ id: ACME, name: 'Acme ApS' }] });
      expect(config.budgetMs).toBeLessThan(120_000);
    });

    it('subscribes plain emails to everything and filtered ones by message attributes', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 3);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: ref(ids.topic),
        FilterPolicy: Match.absent(),
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.deliveryDlq) },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'acme@example.com',
        FilterPolicy: { company: [ACME], category: ['accountant'], kind: ['alert', 'reminder'] },
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.deliveryDlq) },
      });
    });

    it('ships each function with its source map beside it, for stack traces mapped on demand', () => {
      const assetDirs = [assetDirOf(synthesized, POLLER), assetDirOf(synthesized, NOTIFIER)];
      for (const dir of assetDirs) {
        expect(readdirSync(dir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
        expect(readFileSync(path.join(dir, 'index.mjs'), 'utf8').trimEnd()).toMatch(
          /\/\/# sourceMappingURL=index\.mjs\.map$/,
        );
      }
    });

    it('builds the poller exactly as the benchmark measures it', async () => {
      const deployed = readFileSync(path.join(assetDirOf(synthesized, POLLER), 'index.mjs'), 'utf8');
      const outDir = await mkdtemp(path.join(tmpdir(), 'poller-bundle-'));
      try {
        const measured = readFileSync((await buildPollerBundle(outDir)).path, 'utf8');
        expect(deployed).toBe(measured);
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    });

    it('subscribes the Slack notifier to alerts only (messages with a kind), with a dead-letter queue', () => {
      // Prepare
      const notifier = logicalIdOf(template, 'AWS::Lambda::Function', NOTIFIER);

      // Assess
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        Endpoint: arnOf(notifier),
        TopicArn: ref(ids.topic),
        FilterPolicy: { kind: [{ exists: true }] },
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.deliveryDlq) },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(notifier),
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: arnOf(ids.deliveryDlq) } },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...NOTIFIER,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 30,
      });
    });

    it('creates an empty Slack webhook secret and gives the notifier only it, its own delivery records, the key through DynamoDB and sending to its dead-letter queue', () => {
      // Prepare
      const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', {
        Description: Match.stringLikeRegexp('Slack'),
      });
      const notifierFn = template.findResources('AWS::Lambda::Function', { Properties: NOTIFIER });
      const role = Object.values(notifierFn)[0]?.Properties.Role['Fn::GetAtt'][0] as string;

      // Act
      const statements = statementsOfRole(template, role);

      // Assess
      template.allResourcesProperties('AWS::SecretsManager::Secret', {
        SecretString: Match.absent(),
        GenerateSecretString: Match.absent(),
      });
      expect(envOf(template, NOTIFIER)).toMatchObject({
        SLACK_WEBHOOK_SECRET_ARN: ref(secret),
        TABLE_NAME: ref(ids.table),
        POWERTOOLS_SERVICE_NAME: 'PleoExportAlerts-slack-notifier',
      });
      expect(statements).toHaveLength(5);
      expect(statements).toEqual(
        expect.arrayContaining([
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ref(secret) },
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
            Resource: arnOf(ids.table),
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELIVERED#slack#*'] } },
          },
          tableKeyStatement(ids.key),
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.deliveryDlq) },
        ]),
      );
      expect(template.toJSON().Outputs.SlackWebhookSecretArn.Value).toEqual(ref(secret));
      // To post a dead-lettered message again.
      expect(template.toJSON().Outputs.SlackNotifierFunctionName.Value).toEqual(
        ref(logicalIdOf(template, 'AWS::Lambda::Function', NOTIFIER)),
      );
    });
  });

  describe('with existing secrets and no reserved concurrency', () => {
    let synthesized: Synthesized;
    let template: Template;
    let ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize({
        pleoApiKeySecretArn: PLEO_SECRET_ARN,
        slackWebhookSecretArn: SLACK_SECRET_ARN,
        reservePollerConcurrency: 'false',
      });
      template = synthesized.template;
      ids = core(template);
    });

    it('warns only that nobody receives the alarms: Slack takes alerts, never CloudWatch alarm notifications', () => {
      expect(synthesized.findings).toEqual([
        {
          plugin: 'Construct Annotations',
          rule: 'Annotation::pleo-export-alerts:noAlarmRecipients',
          severity: 'warning',
          paths: ['PleoExportAlerts'],
        },
      ]);
    });

    it('creates no secret and grants reading exactly the given ones', () => {
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      expect(envOf(template, POLLER)).toMatchObject({ PLEO_CREDENTIAL_SECRET_ARN: PLEO_SECRET_ARN });
      expect(envOf(template, NOTIFIER)).toMatchObject({ SLACK_WEBHOOK_SECRET_ARN: SLACK_SECRET_ARN });
      expect(statementsOfRole(template, ids.pollerRole)).toContainEqual({
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: PLEO_SECRET_ARN,
      });
      expect(template.toJSON().Outputs.PleoApiKeySecretArn.Value).toBe(PLEO_SECRET_ARN);
    });

    it('turns Slack on because a webhook secret is named', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    });

    it('reserves no concurrency for the poller (for accounts on the starter quota)', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...POLLER,
        ReservedConcurrentExecutions: Match.absent(),
      });
    });
  });

  describe('with a mistyped context key', () => {
    it('stops the synth, naming the key and the setting it looks like', () => {
      expect(() => synthesize({ alertEmail: 'ops@example.com' })).toThrow(
        new ContextError(
          'Context "alertEmail" is not a setting of this app: did you mean "alertEmails"? (README, "Deploy")',
        ),
      );
      expect(() => synthesize({ colour: 'blue' })).toThrow(
        /^Context "colour" is not a setting of this app \(README/,
      );
    });
  });
});
