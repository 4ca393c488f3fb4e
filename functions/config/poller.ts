// The poller's settings, parsed once from its environment at start, and the values derived from them. A bad value
// fails at start with its variable's name. The doc comments are the configuration reference (docs/configuration.md).

import * as z from 'zod/mini';
import { connectionNameSchema } from '../contracts/connection.js';
import type { Connection, CredentialSource } from '../domain/connection.js';
import type { ReminderPolicy } from '../domain/lifecycle.js';
import { emailLinkKey, emailLinkKeySecretArn } from './action-links.js';
import {
  companies,
  credential,
  flag,
  isoDate,
  isPleoOrLocalHost,
  pleoApiUrl,
  secretArn,
  timeZone,
  topicArn,
  wholeNumber,
} from './rules.js';
import { type Check, type Env, loadEnvironment, setting, type Values } from './setting.js';
import { tableName } from './table.js';

export const POLLER_SETTINGS = {
  /**
   * Pleo API base URL: https (http only for an API on this machine), no user name or password in it; a path (e.g.
   * a gateway's `/pleo`) is kept
   */
  pleoApiUrl: setting(pleoApiUrl, {
    env: 'PLEO_API_URL',
    context: true,
    required: true,
    default: 'https://external.pleo.io',
  }),
  /**
   * `true` when `PLEO_API_URL` is a gateway in front of Pleo on a host of your own: the API key is sent to it, so a
   * host outside Pleo's (`*.pleo.io`) is refused unless this says so
   */
  pleoApiGateway: setting(flag(), { env: 'PLEO_API_GATEWAY', context: true, default: false }),
  /**
   * the secret holding the API key, as plain text or `{"apiKey":"…"}`. Exactly one of this, `PLEO_API_KEY` and
   * `PLEO_API_TOKEN`
   * @stack `pleoApiKeySecretArn`, or the secret the stack creates
   */
  pleoCredentialSecretArn: setting(secretArn, { env: 'PLEO_CREDENTIAL_SECRET_ARN' }),
  /** the API key itself (spaces around it are dropped) */
  pleoApiKey: setting(credential, { env: 'PLEO_API_KEY' }),
  /** a bearer token instead of an API key (spaces around it are dropped) */
  pleoApiToken: setting(credential, { env: 'PLEO_API_TOKEN' }),
  /**
   * the date (`YYYY-MM-DD`) the stack's own API key expires, as set when it was created in Pleo: the alerter warns
   * 30, 7 and 1 days before
   * @default unknown: a yearly reminder to record it
   */
  pleoApiKeyExpiresOn: setting(isoDate, { env: 'PLEO_API_KEY_EXPIRES_ON', context: true }),
  /**
   * the name of the stack's own connection (the key above), in its messages and in `connections list`
   * @stack the stack's name
   */
  stackName: setting(connectionNameSchema, { env: 'STACK_NAME', default: 'pleo-export-alerts' }),
  /**
   * `[{"id":"<uuid>","name":"Acme ApS"}]`: poll these companies one by one and name them in alerts. Ids in either
   * case, names up to 200 characters, at most 3,000 characters of JSON in all (the stack passes them in the poller's
   * 4 KB of environment). Needed for a multi-entity organisation: Pleo wants its listings asked company by company
   * @default `[]`: the whole organisation
   */
  companies: setting(companies, { env: 'PLEO_COMPANIES', context: true, default: [] }),
  /**
   * how far back failures are looked for, in days, by when the export was created (Pleo has no "updated since").
   * An export that fails longer than this after it started, e.g. one left pending until it expires, is not seen; a
   * new deployment alerts the failures of this window. Job records are kept twice as long plus a week, so an old
   * failure is never alerted twice
   */
  lookbackDays: setting(wholeNumber(1, 90), { env: 'LOOKBACK_DAYS', context: true, default: 7 }),
  /**
   * a ceiling on requests to Pleo per second for each connection, retries included (0: none). Pleo asks
   * integrations to stay under 500 requests a minute: 8 a second is 480
   */
  pleoMaxRequestsPerSecond: setting(wholeNumber(0, 1_000), {
    env: 'PLEO_MAX_REQUESTS_PER_SECOND',
    default: 8,
  }),
  /** job item listings in flight at once */
  itemConcurrency: setting(wholeNumber(1, 16), { env: 'ITEM_CONCURRENCY', default: 4 }),
  /** DynamoDB batch reads in flight at once, overlapping with Pleo paging */
  dynamoConcurrency: setting(wholeNumber(1, 16), { env: 'DYNAMODB_CONCURRENCY', default: 4 }),
  /**
   * companies whose messages are delivered at the same time (each company's one after another). Every delivery
   * writes a few DynamoDB transactions, each checking the one lease item (one item takes at most 1,000 write units
   * a second), and one SNS publish (SNS takes hundreds to thousands a second per region): 8 delivers a storm of
   * 1,000 messages in about 15 s within both
   */
  deliveryConcurrency: setting(wholeNumber(1, 32), { env: 'DELIVERY_CONCURRENCY', default: 8 }),
  /** time one request to Pleo may take, in milliseconds */
  pleoRequestTimeoutMs: setting(wholeNumber(1_000, 60_000), {
    env: 'PLEO_REQUEST_TIMEOUT_MS',
    default: 10_000,
  }),
  /** seconds one request may spend waiting between retries before Pleo counts as unavailable */
  pleoRetryBudgetSeconds: setting(wholeNumber(0, 300), { env: 'PLEO_RETRY_BUDGET_SECONDS', default: 30 }),
  /**
   * the seconds a poll spends asking Pleo for more (at most three quarters of the time the invocation has left): it
   * lists failed jobs for the first half, starts item listings until three quarters, and lists completed exports
   * until the end; the failures found so far are delivered, the newest first, and the next poll goes on from where
   * this one stopped, so a backlog of any size drains over successive polls
   * @stack the function timeout less 30 s
   */
  pollBudgetSeconds: setting(wholeNumber(5, 900), { env: 'POLL_BUDGET_SECONDS', default: 90 }),
  /**
   * how long a poll's lease lasts, in seconds; longer than `POLL_BUDGET_SECONDS`, so that a poll still working
   * keeps it
   * @stack the function timeout plus 60 s
   */
  leaseSeconds: setting(wholeNumber(30, 3_600), { env: 'LEASE_SECONDS', default: 900 }),
  /** hours between reminders of a group still open */
  reminderIntervalHours: setting(wholeNumber(1, 720), {
    env: 'REMINDER_INTERVAL_HOURS',
    context: true,
    default: 24,
  }),
  /** reminders per group at most; 0 turns them off */
  reminderMaxCount: setting(wholeNumber(0, 100), { env: 'REMINDER_MAX_COUNT', context: true, default: 3 }),
  /**
   * how long a transient failure waits for the company's next export to succeed before it is alerted (0: alert at
   * once); at most half of `lookbackDays`
   * @env a larger value is cut to half of `LOOKBACK_DAYS`
   */
  flapGraceMinutes: setting(wholeNumber(0, 1_440), { env: 'FLAP_GRACE_MINUTES', context: true, default: 0 }),
  /**
   * how often Pleo is asked again about older exports (0: every poll): whether open groups were resolved by a later
   * export (company by company, a request per company with open groups), and, paging through the whole lookback,
   * whether an export failed long after it started; in between, a poll lists only the jobs created since the last
   */
  resolutionCheckMinutes: setting(wholeNumber(0, 1_440), {
    env: 'RESOLUTION_CHECK_MINUTES',
    context: true,
    default: 15,
  }),
  /**
   * more messages than this of one kind (alerts, reminders, resolved notices) for one company in one poll go out as
   * one message, a section per failure reason (0: each on its own)
   */
  rollupAbove: setting(wholeNumber(0, 1_000), { env: 'ROLLUP_ABOVE', context: true, default: 3 }),
  /**
   * the first poll of a new deployment sends what it finds as one message per company, whatever `rollupAbove`, headed
   * "open export problems when watching began"; `false` alerts them as any later poll would
   */
  quietFirstPoll: setting(flag(), { env: 'QUIET_FIRST_POLL', context: true, default: true }),
  /** polls in a row Pleo must be unreachable before the alerter says so */
  unreachableAlertAfterPolls: setting(wholeNumber(1, 1_000), {
    env: 'UNREACHABLE_ALERT_AFTER_POLLS',
    context: true,
    default: 3,
  }),
  /**
   * the time zone of the day the digest is dated
   * @stack `digest`'s time zone, so the date matches the schedule
   */
  digestTimeZone: setting(timeZone, { env: 'DIGEST_TIME_ZONE', default: 'UTC' }),
  /**
   * Slack messages about open problems carry buttons (Acknowledge, Snooze 1 day, Mute 7 days) whose clicks the actions
   * endpoint acts on
   * @stack `true` with `actionsEnabled` and Slack
   */
  slackActions: setting(flag(), { env: 'SLACK_ACTIONS', default: false }),
  /**
   * alerts whose reason a retry can fix carry Retry export (transient reasons; the accountant's, once the reader
   * confirms the cause is fixed); the actions endpoint creates the export job with its own key
   * @stack `true` with `actionsEnabled` and `pleoRetryKeySecretArn`
   */
  retryExports: setting(flag(), { env: 'RETRY_EXPORTS', default: false }),
  /**
   * the actions endpoint's address: with an email link key, emails about open problems carry links to acknowledge,
   * snooze or mute them there
   * @stack the actions endpoint's function URL, with `actionsEnabled`
   */
  actionsUrl: setting(z.url({ protocol: /^https?$/ }), { env: 'ACTIONS_URL' }),
  emailLinkKeySecretArn,
  emailLinkKey,
  tableName,
  /**
   * the topic alerts are published to
   * @stack the stack's topic
   */
  alertTopicArn: setting(topicArn, { env: 'ALERT_TOPIC_ARN', required: true }),
};

type PollerSettings = Values<typeof POLLER_SETTINGS>;

/** The longest grace window for transient failures: failures are listed for the lookback only, so one held longer would never be seen again, nor sent. */
export const maxFlapGraceMinutes = (lookbackDays: number) => lookbackDays * 720;

/** The poller's timing within its Lambda timeout: the lease outlives the invocation, the poll stops starting new work well before the timeout. */
export const pollerTiming = (timeoutSeconds: number) => ({
  leaseSeconds: timeoutSeconds + 60,
  pollBudgetSeconds: timeoutSeconds - 30,
});

const { pleoApiGateway, pleoCredentialSecretArn, pleoApiKey, pleoApiToken, pollBudgetSeconds } =
  POLLER_SETTINGS;

/** The API key goes wherever the URL points: a typo'd or planted host would receive it. Checked by the stack too. */
export const pleoHostCheck: Check<Pick<typeof POLLER_SETTINGS, 'pleoApiUrl' | 'pleoApiGateway'>> = (
  s,
  report,
) => {
  if (!s.pleoApiGateway && !isPleoOrLocalHost(s.pleoApiUrl)) {
    report({
      setting: 'pleoApiUrl',
      message: `${new URL(s.pleoApiUrl).hostname} is not one of Pleo's hosts (*.pleo.io), and the API key would be sent to it: set ${pleoApiGateway.env}=true (in the stack's context, pleoApiGateway=true) if it is your gateway to Pleo`,
    });
  }
};

const CHECKS: readonly Check<typeof POLLER_SETTINGS>[] = [
  pleoHostCheck,
  // Counted as set only when valid: a bad key is reported as such, not as a missing credential.
  (s, report) => {
    if (
      [s.pleoCredentialSecretArn, s.pleoApiKey, s.pleoApiToken].filter((v) => v !== undefined).length !== 1
    ) {
      report({
        setting: 'pleoCredentialSecretArn',
        message: `set exactly one of ${pleoCredentialSecretArn.env}, ${pleoApiKey.env} or ${pleoApiToken.env}`,
      });
    }
  },
  // A lease that ran out while its poll was still working would let a second poll in beside it.
  (s, report) => {
    if (s.leaseSeconds <= s.pollBudgetSeconds) {
      report({
        setting: 'leaseSeconds',
        message: `must be longer than ${pollBudgetSeconds.env}, so that a poll still working keeps its lease`,
      });
    }
  },
];

/** The settings as the poller uses them: the single-key settings as the stack's connection, durations in milliseconds. */
export interface PollerConfig
  extends Omit<
    PollerSettings,
    | 'pleoCredentialSecretArn'
    | 'pleoApiKey'
    | 'pleoApiToken'
    | 'pleoApiKeyExpiresOn'
    | 'pleoRetryBudgetSeconds'
    | 'pollBudgetSeconds'
    | 'reminderIntervalHours'
    | 'reminderMaxCount'
    | 'flapGraceMinutes'
    | 'resolutionCheckMinutes'
  > {
  /** The stack's own connection: the key above, the companies in `companies`, the expiry in `pleoApiKeyExpiresOn`. */
  stackConnection: Connection;
  /** Job records outlive the lookback with room to spare, so an old failure is never taken for a new one. */
  retentionDays: number;
  retryBudgetMs: number;
  budgetMs: number;
  reminders: ReminderPolicy;
  flapGraceMs: number;
  resolutionCheckMs: number;
}

/** @throws {ConfigError} naming each bad variable, never its secret value. */
export function parsePollerConfig(env: Env): PollerConfig {
  const {
    pleoCredentialSecretArn,
    pleoApiKey,
    pleoApiToken,
    pleoApiKeyExpiresOn,
    pleoRetryBudgetSeconds,
    pollBudgetSeconds,
    reminderIntervalHours,
    reminderMaxCount,
    flapGraceMinutes,
    resolutionCheckMinutes,
    ...settings
  } = loadEnvironment('poller', POLLER_SETTINGS, env, CHECKS);
  const credential: CredentialSource = pleoCredentialSecretArn
    ? { kind: 'secret', secretArn: pleoCredentialSecretArn }
    : pleoApiKey
      ? { kind: 'apiKey', apiKey: pleoApiKey }
      : { kind: 'bearer', token: pleoApiToken ?? '' };
  return {
    ...settings,
    stackConnection: {
      name: settings.stackName,
      stack: true,
      companies: settings.companies,
      credential,
      expiresOn: pleoApiKeyExpiresOn,
    },
    retentionDays: settings.lookbackDays * 2 + 7,
    retryBudgetMs: pleoRetryBudgetSeconds * 1000,
    budgetMs: pollBudgetSeconds * 1000,
    reminders: { intervalMs: reminderIntervalHours * 3_600_000, max: reminderMaxCount },
    flapGraceMs: Math.min(flapGraceMinutes, maxFlapGraceMinutes(settings.lookbackDays)) * 60_000,
    resolutionCheckMs: resolutionCheckMinutes * 60_000,
  };
}
