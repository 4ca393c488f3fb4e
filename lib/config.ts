// CDK context → validated stack configuration. A bad value stops `cdk synth` with a message naming the key. The
// context keys are the poller's settings deployers set (functions/config/poller.ts) and the stack's own
// (lib/settings.ts); the rules across them are here.

import { ACTIONS_SETTINGS } from '../functions/config/actions.js';
import { maxFlapGraceMinutes, POLLER_SETTINGS, pleoHostCheck } from '../functions/config/poller.js';
import {
  type Check,
  contextSettings,
  type Issue,
  parseSettings,
  type Values,
} from '../functions/config/setting.js';
import { ALERTER_COMPANY_ID } from '../functions/domain/incidents.js';
import { STACK_SETTINGS } from './settings.js';

export type { DigestConfig, EmailSubscription } from './settings.js';

/** Every context key the app reads. */
export const CONTEXT_SETTINGS = {
  ...contextSettings(POLLER_SETTINGS),
  ...contextSettings(ACTIONS_SETTINGS),
  ...STACK_SETTINGS,
};
export const CONTEXT_KEYS = Object.keys(CONTEXT_SETTINGS) as readonly string[];

type Context = Values<typeof CONTEXT_SETTINGS>;

/** SNS refuses a filter policy whose value lists multiply to more than this (its "filter policy complexity"). */
const MAX_FILTER_COMBINATIONS = 150;

/** Room left for PLEO_COMPANIES in the poller's 4 KB of environment variables. */
const MAX_COMPANIES_JSON = 3000;

/** Thrown by {@link loadConfig} when a context value is invalid; the message names every bad key. */
export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

const CHECKS: readonly Check<typeof CONTEXT_SETTINGS>[] = [
  pleoHostCheck,
  (context, report) => {
    const seen = new Set<string>();
    // The repeat is reported under the key it is in: alertEmails may repeat an address by itself.
    const all = [
      ...context.alertEmails.map((address) => ({ address, key: 'alertEmails' as const })),
      ...context.emailSubscriptions.map(({ email }) => ({
        address: email,
        key: 'emailSubscriptions' as const,
      })),
    ];
    for (const { address, key } of all) {
      const folded = address.toLowerCase();
      if (seen.has(folded)) {
        report({
          setting: key,
          message: `${address} is subscribed twice (alertEmails and emailSubscriptions together must list each address once)`,
        });
      }
      seen.add(folded);
    }
  },
  // Otherwise CloudFormation fails half-way through the deploy; one address cannot be split over subscriptions.
  (context, report) => {
    context.emailSubscriptions.forEach(({ companies, categories, kinds }, index) => {
      // The digest covers every company in one message, sent as the alerter's own company with category info.
      if (kinds?.includes('digest') && (companies || (categories && !categories.includes('info')))) {
        report({
          setting: 'emailSubscriptions',
          path: [index, 'kinds'],
          message: `asks for the digest, which its ${companies ? 'companies' : 'categories'} filter never lets through: the digest covers every company and is sent with company "${ALERTER_COMPANY_ID}" and category "info"; leave "digest" out here, or subscribe an address without that filter`,
        });
      }
      const combinations = [companies, categories, kinds].reduce((n, list) => n * (list?.length ?? 1), 1);
      if (combinations > MAX_FILTER_COMBINATIONS) {
        report({
          setting: 'emailSubscriptions',
          path: [index],
          message: `companies × categories × kinds is ${combinations}, and SNS accepts a filter of at most ${MAX_FILTER_COMBINATIONS}: list fewer, or leave categories or kinds out to take them all`,
        });
      }
    });
  },
  // All of a function's environment variables together must stay under 4 KB.
  (context, report) => {
    if (JSON.stringify(context.companies).length > MAX_COMPANIES_JSON) {
      report({
        setting: 'companies',
        message: `too many to pass to the poller (more than ${MAX_COMPANIES_JSON} characters of JSON); leave it empty to poll organisation-wide`,
      });
    }
  },
  // The poller caps the grace window at this; a deployer is told instead.
  (context, report) => {
    const max = maxFlapGraceMinutes(context.lookbackDays);
    if (context.flapGraceMinutes > max) {
      report({
        setting: 'flapGraceMinutes',
        message: `must be at most half of lookbackDays (${max} minutes), or a held failure could leave the lookback unsent`,
      });
    }
  },
  // Slack's clicks would be refused, every one: only the configured workspace's are acted on.
  (context, report) => {
    const slack = context.slackEnabled ?? context.slackWebhookSecretArn !== undefined;
    if (context.actionsEnabled && slack && context.slackTeamId === undefined) {
      report({
        setting: 'slackTeamId',
        message:
          'is required with actionsEnabled and Slack: the Slack workspace (T…) whose clicks the buttons act on',
      });
    }
  },
  // CloudWatch evaluates at most one day of periods.
  (context, report) => {
    const minutes = context.scheduleMinutes * context.missedPollsBeforeAlarm;
    if (minutes > 1440) {
      report({
        setting: 'missedPollsBeforeAlarm',
        message: `scheduleMinutes × missedPollsBeforeAlarm must be at most 1440 (one day); got ${minutes}`,
      });
    }
  },
];

export type SlackConfig =
  | { enabled: false }
  /** `webhookSecretArn` undefined: the stack creates an empty secret to fill after deploy. */
  | { enabled: true; webhookSecretArn: string | undefined };

export interface AlerterConfig extends Omit<Context, 'slackEnabled' | 'slackWebhookSecretArn'> {
  slack: SlackConfig;
}

const describeIssue = ({ setting, path = [], message }: Issue): string =>
  `Invalid context "${setting}"${path.length > 0 ? ` at ${path.map(String).join('.')}` : ''}: ${message}`;

/**
 * Reads the stack configuration from CDK context values (as `node.tryGetContext` returns them).
 * @throws {ContextError} when a value is invalid, naming the key(s).
 */
export function loadConfig(readContext: (key: string) => unknown): AlerterConfig {
  const { values, issues } = parseSettings(CONTEXT_SETTINGS, readContext, {
    requireRequired: false,
    checks: CHECKS,
  });
  if (issues.length > 0) throw new ContextError(issues.map(describeIssue).join('\n'));
  const { slackEnabled, slackWebhookSecretArn, ...rest } = values;
  // Naming a webhook secret means "use Slack" unless Slack is switched off explicitly.
  const enabled = slackEnabled ?? slackWebhookSecretArn !== undefined;
  return {
    ...rest,
    slack: enabled ? { enabled: true, webhookSecretArn: slackWebhookSecretArn } : { enabled: false },
  };
}

/**
 * Whether an address gets the CloudWatch alarms (alerter down, poller errors, dead letters). Alarm notifications
 * carry no message attributes, so an SNS filter policy never matches them, and the Slack notifier takes only
 * messages with a `kind`: only addresses without any filter receive them.
 */
export function receivesAlarms(config: AlerterConfig): boolean {
  return (
    config.alertEmails.length > 0 ||
    config.emailSubscriptions.some(({ companies, categories, kinds }) => !companies && !categories && !kinds)
  );
}

/**
 * Context keys that look like this app's settings but are not read by it (a typo such as `alertEmail`).
 * Keys CDK itself uses contain `:` or start with `@`.
 */
export function unknownContextKeys(context: Record<string, unknown>): string[] {
  const cdkOwned = (key: string) =>
    key.includes(':') || key.startsWith('@') || key === 'acknowledged-issue-numbers';
  return Object.keys(context).filter((key) => !cdkOwned(key) && !CONTEXT_KEYS.includes(key));
}
