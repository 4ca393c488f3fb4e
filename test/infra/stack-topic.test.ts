import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACME,
  arnOf,
  core,
  NOTIFIER,
  OUR_ALARMS,
  PLEO_SECRET_ARN,
  ref,
  SLACK_SECRET_ARN,
} from './stack-fixtures.js';
import { logicalIdOf, SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth.js';

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

    it('has no subscriptions, no Slack notifier and no digest until configured', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      // The poller and the dispatcher.
      template.resourceCountIs('AWS::Lambda::Function', 2);
    });

    it('outputs what the deployer needs after deploy', () => {
      // Act
      const outputs = Object.keys(template.toJSON().Outputs);

      // Assess
      expect(outputs.sort()).toEqual(
        [
          'AlertTopicArn',
          'DeliveryDeadLetterQueueUrl',
          'DispatcherFunctionName',
          'EncryptionKeyArn',
          'PleoApiKeySecretArn',
          'PollDeadLetterQueueUrl',
          'PollQueueDeadLetterQueueUrl',
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
    }, SYNTH_TIMEOUT_MS);

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
  });

  describe('with existing secrets and no reserved concurrency', () => {
    let synthesized: Synthesized;
    let template: Template;
    let _ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize({
        pleoApiKeySecretArn: PLEO_SECRET_ARN,
        slackWebhookSecretArn: SLACK_SECRET_ARN,
        reservePollerConcurrency: 'false',
      });
      template = synthesized.template;
      _ids = core(template);
    }, SYNTH_TIMEOUT_MS);

    it('turns Slack on because a webhook secret is named', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    });
  });
});
