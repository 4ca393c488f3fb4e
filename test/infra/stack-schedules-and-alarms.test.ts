import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DIGEST_EVENT,
  METRICS_NAMESPACE,
  SUCCESSFUL_POLLS_METRIC,
} from '../../functions/contracts/poller.js';
import { ACME, arnOf, core, envOf, POLLER, ref } from './stack-fixtures.js';
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

    it('polls every 5 minutes through EventBridge Scheduler (the dispatcher) with retries and a dead-letter queue', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        State: 'ENABLED',
        Target: {
          Arn: arnOf(ids.dispatcher),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: arnOf(ids.pollDlq) },
          Input: Match.absent(),
        },
      });
    });

    it("lets the scheduler role be taken on by this stack's schedules only, invoke only the dispatcher (the poller too with a digest) and send only to the poll dead-letter queue", () => {
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
            Resource: [arnOf(ids.dispatcher), { 'Fn::Join': ['', [arnOf(ids.dispatcher), ':*']] }],
          },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.pollDlq) },
        ]),
      );
    });

    it('names every alarm after the stack, as the topic and key policies expect', () => {
      expect(
        Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
          (alarm) => alarm.Properties.AlarmName,
        ),
      ).toEqual([
        'PleoExportAlerts-PollerErrors',
        'PleoExportAlerts-DispatcherErrors',
        'PleoExportAlerts-AlerterDown',
        'PleoExportAlerts-PollDeadLetters',
        'PleoExportAlerts-DeliveryDeadLetters',
        'PleoExportAlerts-PollQueueDeadLetters',
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
      const deadLetterQueues = template.findResources('AWS::SQS::Queue', {
        Properties: { RedriveAllowPolicy: Match.anyValue() },
      });
      expect(Object.keys(deadLetterQueues)).toHaveLength(3);
      for (const queue of Object.keys(deadLetterQueues)) {
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
      template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
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

    it('polls at the configured rate', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(10 minutes)',
        Target: { Arn: arnOf(ids.dispatcher), Input: Match.absent() },
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
  });
});
