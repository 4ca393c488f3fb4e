import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as z from 'zod';
import { logicalIdOf, type Synthesized } from './synth.js';

export const ACME = '3f0c8f5e-4a7b-4c1d-9e2f-0a1b2c3d4e5f';
export const PLEO_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo/api-key-AbC123';
export const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack/webhook-XyZ789';

export const POLLER = { Description: Match.stringLikeRegexp('^Polls Pleo') };
export const NOTIFIER = { Description: Match.stringLikeRegexp('^Posts Pleo export alerts') };
export const DISPATCHER = { Description: Match.stringLikeRegexp('^Puts one poll request') };

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Logical ids of the resources every configuration has. */
export function core(template: Template) {
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
    dispatcher: logicalIdOf(template, 'AWS::Lambda::Function', DISPATCHER),
    pollDlq,
    deliveryDlq,
  };
}

/** Use of the stack key through one AWS service only. */
export function keyStatement(key: string, service: string, actions: string[]) {
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
export function tableKeyStatement(key: string) {
  return keyStatement(key, 'dynamodb', [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey*',
    'kms:ReEncrypt*',
  ]);
}

/** This stack's alarms, as CloudWatch names them to the topic and the key. */
export const OUR_ALARMS = {
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

export function envOf(template: Template, description: Record<string, unknown>): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: description }));
  return fn?.Properties.Environment.Variables;
}

/** Where the assembly keeps a function's bundle: asset.<hash>, the name of its zip in the template. */
export function assetDirOf(
  { template, assemblyDir }: Synthesized,
  description: Record<string, unknown>,
): string {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: description }));
  const { S3Key } = z.object({ Properties: z.object({ Code: z.object({ S3Key: z.string() }) }) }).parse(fn)
    .Properties.Code;
  return path.join(assemblyDir, `asset.${S3Key.replace(/\.zip$/, '')}`);
}
