import { describe, expect, it } from 'vitest';
import { parseSlackNotifierConfig } from '../../functions/config/slack-notifier.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf';

describe('Function: parseSlackNotifierConfig', () => {
  it('reads the webhook secret ARN and the table', () => {
    expect(
      parseSlackNotifierConfig({ SLACK_WEBHOOK_SECRET_ARN: ARN, TABLE_NAME: 'alerts', OTHER: 'x' }),
    ).toEqual({ webhookSecretArn: ARN, tableName: 'alerts' });
  });

  it.each([
    ['missing', { TABLE_NAME: 'alerts' }, 'SLACK_WEBHOOK_SECRET_ARN: is required'],
    ['without its table', { SLACK_WEBHOOK_SECRET_ARN: ARN }, 'TABLE_NAME: is required'],
    [
      'empty',
      { SLACK_WEBHOOK_SECRET_ARN: '', TABLE_NAME: 'alerts' },
      'SLACK_WEBHOOK_SECRET_ARN: must be a Secrets Manager secret ARN',
    ],
    [
      'not a Secrets Manager ARN',
      { SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/x', TABLE_NAME: 'alerts' },
      'SLACK_WEBHOOK_SECRET_ARN: must be a Secrets Manager secret ARN',
    ],
  ])('fails naming the variable when it is %s', (_case, env, message) => {
    expect(() => parseSlackNotifierConfig(env)).toThrow(`Invalid Slack notifier configuration: ${message}`);
  });
});
