import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { arnOf, core, OUR_ALARMS, ref } from './stack-fixtures.js';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth.js';

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

    it('encrypts the dead-letter queues, declares them dead-letter queues, keeps messages 14 days and refuses requests without TLS', () => {
      // The poll queue besides (stack-fan-out.test.ts).
      template.resourceCountIs('AWS::SQS::Queue', 4);
      const deadLetterQueues = template.findResources('AWS::SQS::Queue', {
        Properties: { RedriveAllowPolicy: { redrivePermission: 'allowAll' } },
      });
      expect(Object.keys(deadLetterQueues)).toHaveLength(3);
      for (const queue of Object.values(deadLetterQueues)) {
        expect(queue.Properties).toMatchObject({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
      }
      for (const queue of Object.keys(template.findResources('AWS::SQS::Queue'))) {
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
  });
});
