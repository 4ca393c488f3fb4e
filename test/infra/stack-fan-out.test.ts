// The fan-out: the schedule starts the dispatcher, which sends poll requests to the poll queue; the poller consumes
// it with an SQS event source whose maximum concurrency is the poller's reserved concurrency; each part with only
// the access it needs.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { arnOf, core, DISPATCHER, envOf, keyStatement, ref, tableKeyStatement } from './stack-fixtures.js';
import { logicalIdOf, SYNTH_TIMEOUT_MS, statementsOfRole, synthesize } from './synth.js';

function fanOut(template: Template) {
  const queues = template.findResources('AWS::SQS::Queue');
  const pollQueue = Object.keys(queues).find((id) => queues[id]?.Properties.RedrivePolicy);
  const pollQueueDlq = Object.keys(queues).find((id) => id.startsWith('PollQueueDeadLetterQueue'));
  const dispatcher = logicalIdOf(template, 'AWS::Lambda::Function', DISPATCHER);
  const dispatcherRole = template.findResources('AWS::Lambda::Function', { Properties: DISPATCHER })[
    dispatcher
  ]?.Properties.Role['Fn::GetAtt'][0] as string;
  if (!pollQueue || !pollQueueDlq) throw new Error('no poll queue or no dead-letter queue of it');
  return { pollQueue, pollQueueDlq, dispatcher, dispatcherRole };
}

describe('Class: AlerterStack, fan-out', () => {
  describe('with the default configuration', () => {
    let template: Template;
    let ids: ReturnType<typeof core> & ReturnType<typeof fanOut>;

    beforeAll(() => {
      template = synthesize().template;
      ids = { ...core(template), ...fanOut(template) };
    }, SYNTH_TIMEOUT_MS);

    it('starts the dispatcher at every tick, and the poller for the digest only', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(5 minutes)',
        Target: Match.objectLike({
          Arn: arnOf(ids.dispatcher),
          DeadLetterConfig: { Arn: arnOf(ids.pollDlq) },
        }),
      });
      expect(envOf(template, DISPATCHER)).toMatchObject({
        POLL_QUEUE_URL: ref(ids.pollQueue),
        TABLE_NAME: ref(ids.table),
        STACK_NAME: 'PleoExportAlerts',
      });
    });

    it("encrypts the poll queue with the stack's key and dead-letters a request whose poll failed twice", () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: arnOf(ids.key),
        KmsDataKeyReusePeriodSeconds: 3600,
        VisibilityTimeout: 180,
        MessageRetentionPeriod: 3600,
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.pollQueueDlq), maxReceiveCount: 2 },
      });
      // A dead-letter queue says so (Control Tower's CT.SQS.PR.1).
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedriveAllowPolicy: { redrivePermission: 'allowAll' },
        MessageRetentionPeriod: 1209600,
      });
    });

    it('consumes the queue one request an invocation, 5 at once, as many as the poller may run', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(ids.pollQueue),
        FunctionName: ref(ids.poller),
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 5 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Polls Pleo'),
        ReservedConcurrentExecutions: 5,
      });
    });

    it('lets the dispatcher list connection records only and send to the poll queue only', () => {
      // Act
      const statements = statementsOfRole(template, ids.dispatcherRole);

      // Assess
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: arnOf(ids.table),
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONNECTION'] } },
          },
          tableKeyStatement(ids.key),
          // To the poll queue, and its failed ticks to the poll dead-letter queue.
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: [arnOf(ids.pollDlq), arnOf(ids.pollQueue)],
          },
          keyStatement(ids.key, 'sqs', ['kms:Decrypt', 'kms:GenerateDataKey']),
        ]),
      );
      const actions = statements.flatMap((s) => (s as { Action: string | string[] }).Action);
      expect(
        actions.filter((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:') || a.startsWith('ssm:')),
      ).toEqual(['sqs:SendMessage', 'dynamodb:Query']);
    });

    it("lets the poller read only the connections' parameters, decrypted with the stack's key through SSM", () => {
      // Act
      const statements = statementsOfRole(template, ids.pollerRole);

      // Assess
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: 'ssm:GetParameter',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  ref('AWS::Partition'),
                  ':ssm:',
                  ref('AWS::Region'),
                  ':',
                  ref('AWS::AccountId'),
                  ':parameter/pleo-export-alerts/PleoExportAlerts/connections/*',
                ],
              ],
            },
          },
          { ...keyStatement(ids.key, 'ssm', []), Action: 'kms:Decrypt' },
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: arnOf(ids.table),
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONNECTION'] } },
          },
          {
            Effect: 'Allow',
            Action: [
              'sqs:ChangeMessageVisibility',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
              'sqs:ReceiveMessage',
            ],
            Resource: arnOf(ids.pollQueue),
          },
          { ...keyStatement(ids.key, 'sqs', []), Action: 'kms:Decrypt' },
        ]),
      );
    });

    it("alarms on the dispatcher's errors and on requests in the poll queue's dead-letter queue", () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'PleoExportAlerts-DispatcherErrors',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(ids.dispatcher) }],
        AlarmActions: [ref(ids.topic)],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'PleoExportAlerts-PollQueueDeadLetters',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.pollQueueDlq, 'QueueName'] } }],
      });
    });
  });

  it(
    'keeps the queue and the reserved concurrency in step when pollConcurrency changes',
    () => {
      // Prepare
      const { template } = synthesize({ pollConcurrency: '12', 'aws:cdk:bundling-stacks': [] });

      // Act
      const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
      const [poller] = Object.values(
        template.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('^Polls Pleo') },
        }),
      );

      // Assess
      expect(mapping?.Properties.ScalingConfig.MaximumConcurrency).toBe(12);
      expect(poller?.Properties.ReservedConcurrentExecutions).toBe(12);
    },
    SYNTH_TIMEOUT_MS,
  );
});
