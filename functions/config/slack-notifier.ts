// The Slack notifier's settings, parsed once at cold start: a bad value fails fast, naming the variable.
import { secretArn } from './rules.js';
import { type Env, loadEnvironment, setting, type Values } from './setting.js';
import { tableName } from './table.js';

export const SLACK_NOTIFIER_SETTINGS = {
  /**
   * the secret holding the Slack incoming-webhook URL
   * @stack `slackWebhookSecretArn`, or the secret the stack creates
   */
  webhookSecretArn: setting(secretArn, { env: 'SLACK_WEBHOOK_SECRET_ARN', required: true }),
  tableName,
};

export type SlackNotifierConfig = Values<typeof SLACK_NOTIFIER_SETTINGS>;

/** @throws {ConfigError} naming each missing or invalid variable. */
export function parseSlackNotifierConfig(env: Env): SlackNotifierConfig {
  return loadEnvironment('Slack notifier', SLACK_NOTIFIER_SETTINGS, env);
}
