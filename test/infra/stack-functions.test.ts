// The poller and the Slack notifier: runtime, environment, bundling, and exactly the permissions each needs.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPollerBundle } from '../../bench/bundle.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import {
  ACME,
  arnOf,
  assetDirOf,
  core,
  envOf,
  keyStatement,
  NOTIFIER,
  PLEO_SECRET_ARN,
  POLLER,
  ref,
  SLACK_SECRET_ARN,
  tableKeyStatement,
} from './stack-fixtures.js';
import { logicalIdOf, SYNTH_TIMEOUT_MS, type Synthesized, statementsOfRole, synthesize } from './synth.js';

describe('Class: AlerterStack', () => {
  describe('with the default configuration', () => {
    let synthesized: Synthesized;
    let template: Template;
    let ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize();
      template = synthesized.template;
      ids = core(template);
    }, SYNTH_TIMEOUT_MS);

    it('runs the poller on Node.js 24, arm64, 256 MB, 120 s, five at a time, logging to its own encrypted log group kept a year', () => {
      // Prepare
      const logGroup = new Capture();

      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...POLLER,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 120,
        ReservedConcurrentExecutions: 5,
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

    it("gives the poll a lease longer than the function's timeout and a budget that leaves time to deliver", () => {
      // Prepare
      const [poller] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: POLLER }));
      const timeout = Number(poller?.Properties.Timeout);
      const env = envOf(template, POLLER);

      // Assess: whatever the timeout, a poll that runs to it still holds its lease, and stops asking Pleo well before.
      expect(Number(env.LEASE_SECONDS)).toBeGreaterThan(timeout);
      expect(Number(env.POLL_BUDGET_SECONDS)).toBeLessThan(timeout);
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
        PLEO_API_GATEWAY: 'false',
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
        ROLLUP_ABOVE: '3',
        QUIET_FIRST_POLL: 'true',
        DIGEST_TIME_ZONE: 'Europe/Copenhagen',
        STACK_NAME: 'PleoExportAlerts',
        SLACK_ACTIONS: 'false',
        RETRY_EXPORTS: 'false',
        TABLE_NAME: ref(ids.table),
        ALERT_TOPIC_ARN: ref(ids.topic),
      });
    });

    it('grants the poller exactly its log group, sending to its dead-letter queue, its secret, its table items, the topic and the key (through SNS and DynamoDB), and the fan-out’s part', () => {
      // Prepare
      const [poller] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: POLLER }));
      const logGroup = poller?.Properties.LoggingConfig.LogGroup.Ref as string;
      const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret');

      // Act
      const statements = statementsOfRole(template, ids.pollerRole);

      // Assess: the connections' records and keys and the poll queue (stack-fan-out.test.ts) besides.
      expect(statements).toHaveLength(12);
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
              'dynamodb:ConditionCheckItem',
              'dynamodb:DeleteItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Resource: arnOf(ids.table),
            Condition: {
              'ForAllValues:StringLike': {
                'dynamodb:LeadingKeys': [
                  'LEASE',
                  'OUTBOX',
                  'SEAL',
                  'GROUP',
                  'LEASE#*',
                  'OUTBOX#*',
                  'SEAL#*',
                  'GROUP#*',
                  'CONTROL',
                  'JOB#*',
                ],
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
    }, SYNTH_TIMEOUT_MS);

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

    it('ships each function as index.mjs and its chunks, each with its source map beside it, for stack traces mapped on demand', () => {
      for (const props of [POLLER, NOTIFIER]) {
        const dir = assetDirOf(synthesized, props);
        const code = filesOf(dir).filter((file) => file.endsWith('.mjs'));
        expect(code).toContain('index.mjs');
        for (const file of code) {
          expect(readFileSync(path.join(dir, file), 'utf8').trimEnd()).toMatch(
            new RegExp(`//# sourceMappingURL=${path.basename(file).replaceAll('.', '\\.')}\\.map$`),
          );
        }
        expect(Object.values(template.findResources('AWS::Lambda::Function', { Properties: props }))).toEqual(
          [expect.objectContaining({ Properties: expect.objectContaining({ Handler: 'index.handler' }) })],
        );
      }
      // The SNS client is in a chunk of its own, read on the first publish.
      expect(
        filesOf(assetDirOf(synthesized, POLLER)).filter((file) => file.startsWith('chunks/')),
      ).not.toEqual([]);
    });

    it('builds the poller exactly as the benchmark measures it', async () => {
      const deployedDir = assetDirOf(synthesized, POLLER);
      const outDir = await mkdtemp(path.join(tmpdir(), 'poller-bundle-'));
      try {
        const measuredDir = path.dirname((await buildPollerBundle(outDir)).path);
        // The code, byte for byte; the maps name the sources relative to where they are written.
        const code = (dir: string) =>
          filesOf(dir).map((file) => [
            file,
            file.endsWith('.mjs') ? readFileSync(path.join(dir, file), 'utf8') : '',
          ]);
        expect(code(deployedDir)).toEqual(code(measuredDir));
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
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
      // Secrets never on a command line: the outputs say how to fill them from a file.
      for (const output of ['PleoApiKeySecretArn', 'SlackWebhookSecretArn']) {
        expect(template.toJSON().Outputs[output].Description).toMatch(/--secret-string file:\/\/\S+$/);
      }
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
    }, SYNTH_TIMEOUT_MS);

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

    it('reserves no concurrency for the poller (for accounts on the starter quota)', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...POLLER,
        ReservedConcurrentExecutions: Match.absent(),
      });
    });
  });
});

/** The files under `dir`, as paths relative to it. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
