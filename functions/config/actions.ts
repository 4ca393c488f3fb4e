// The actions endpoint's settings (the Lambda behind the Function URL, and `npm start`'s local server), parsed once
// at start: a bad value fails at once, naming the variable.
import * as z from 'zod/mini';
import { emailLinkKey, emailLinkKeySecretArn } from './action-links.js';
import { POLLER_SETTINGS } from './poller.js';
import { credential, secretArn, wholeNumber } from './rules.js';
import { type Check, type Env, loadEnvironment, setting, type Values } from './setting.js';
import { tableName } from './table.js';

export const ACTIONS_SETTINGS = {
  /**
   * the secret holding the Slack app's signing secret (Basic Information → App Credentials → Signing Secret).
   * Slack clicks are refused while neither this nor `SLACK_SIGNING_SECRET` is set
   * @stack the secret the stack creates, with Slack and `actionsEnabled`
   */
  slackSigningSecretArn: setting(secretArn, { env: 'SLACK_SIGNING_SECRET_ARN' }),
  /** the Slack app's signing secret itself, for a run on your machine (`npm start` then serves Slack's clicks) */
  slackSigningSecret: setting(credential, { env: 'SLACK_SIGNING_SECRET' }),
  /**
   * the Slack workspace (team id, `T…`, in the workspace's URL or `auth.test`) whose clicks are acted on: a click
   * from any other workspace is refused. Required with Slack's signing secret
   */
  slackTeamId: setting(
    z.string().check(z.regex(/^[TE][A-Z0-9]{2,}$/, 'expected a Slack team id such as T0123ABCD')),
    {
      env: 'SLACK_TEAM_ID',
      context: true,
    },
  ),
  emailLinkKeySecretArn,
  emailLinkKey,
  /**
   * the secret holding a second Pleo API key, with `export-jobs:write` (and `export-jobs:read`, to list the failed
   * expenses), that Retry export uses; the poller's key stays read-only. Without it (or `PLEO_RETRY_KEY`), no retry
   * @stack `pleoRetryKeySecretArn`
   */
  retryKeySecretArn: setting(secretArn, { env: 'PLEO_RETRY_KEY_SECRET_ARN' }),
  /** that key itself, for a run on your machine (`npm start` uses the demo's key) */
  retryKey: setting(credential, { env: 'PLEO_RETRY_KEY' }),
  pleoApiUrl: POLLER_SETTINGS.pleoApiUrl,
  /**
   * the port on 127.0.0.1 where `npm start` serves the actions endpoint (Slack's Request URL `/slack/actions`, the
   * emails' links) when `SLACK_SIGNING_SECRET` is set; 0: any free port. Not used in Lambda
   */
  actionsPort: setting(wholeNumber(0, 65_535), { env: 'ACTIONS_PORT', default: 8787 }),
  tableName,
};

const CHECKS: readonly Check<typeof ACTIONS_SETTINGS>[] = [
  (s, report) => {
    const { slackSigningSecretArn, slackSigningSecret, slackTeamId } = ACTIONS_SETTINGS;
    if (s.slackSigningSecretArn !== undefined && s.slackSigningSecret !== undefined) {
      report({
        setting: 'slackSigningSecret',
        message: `set one of ${slackSigningSecretArn.env} and ${slackSigningSecret.env}, not both`,
      });
    }
    const signed = s.slackSigningSecretArn !== undefined || s.slackSigningSecret !== undefined;
    if (signed && s.slackTeamId === undefined) {
      report({
        setting: 'slackTeamId',
        message: `is required with Slack's signing secret: only clicks from that workspace are acted on (${slackTeamId.env})`,
      });
    }
  },
];

export type ActionsConfig = Values<typeof ACTIONS_SETTINGS>;

/** @throws {ConfigError} naming each bad variable, never a secret's value. */
export function parseActionsConfig(env: Env): ActionsConfig {
  return loadEnvironment('actions', ACTIONS_SETTINGS, env, CHECKS);
}
