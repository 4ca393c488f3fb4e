import { describe, expect, it } from 'vitest';
import { loadSlackNotifierConfig } from '../../functions/slack-notifier/config.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-webhook-AbCdEf';

describe('loadSlackNotifierConfig', () => {
  it('reads the webhook secret ARN', () => {
    expect(loadSlackNotifierConfig({ SLACK_WEBHOOK_SECRET_ARN: ARN, OTHER: 'x' })).toEqual({
      SLACK_WEBHOOK_SECRET_ARN: ARN,
    });
  });

  it.each([
    ['missing', {}, 'SLACK_WEBHOOK_SECRET_ARN is required'],
    [
      'empty',
      { SLACK_WEBHOOK_SECRET_ARN: '' },
      'SLACK_WEBHOOK_SECRET_ARN must be a Secrets Manager secret ARN',
    ],
    [
      'not a Secrets Manager ARN',
      { SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/x' },
      'SLACK_WEBHOOK_SECRET_ARN must be a Secrets Manager secret ARN',
    ],
  ])('fails naming the variable when it is %s', (_case, env, message) => {
    expect(() => loadSlackNotifierConfig(env)).toThrow(`Invalid Slack notifier configuration: ${message}`);
  });
});
