// The stack's own settings: CDK context keys that shape the deployment and are not read by the functions as they
// are. The doc comments are the configuration reference (docs/configuration.md); `@sets` names the variable the
// stack derives from the setting.
import * as z from 'zod/mini';
import { companyId, flag, json, timeZone, wholeNumber } from '../functions/config/rules.js';
import { setting } from '../functions/config/setting.js';
import { CATEGORIES, ALERT_KINDS as KINDS } from '../functions/contracts/message-attributes.js';

/** The retention periods CloudWatch Logs accepts of at least a year (Control Tower's CT.CLOUDWATCH.PR.2), in days. */
const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The complete ARN: an IAM policy names the secret by it, and a partial one (no 6-character suffix) matches nothing. */
const completeSecretArn = z
  .string()
  .check(
    z.regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
      'expected the complete secret ARN, ending in the 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)',
    ),
  );

/** A JSON list, or (from the command line) a comma-separated one. */
const list = <T>(item: z.core.$ZodType<T>) =>
  z.pipe(
    z.transform((value: unknown) =>
      typeof value === 'string' && !value.trim().startsWith('[')
        ? value
            .split(',')
            .map((entry) => entry.trim())
            .filter((entry) => entry !== '')
        : value,
    ),
    json(z.array(item), '["a@example.com"]'),
  );

const nonEmpty = <T>(item: z.core.$ZodType<T>) => z.optional(z.array(item).check(z.minLength(1)));

const emailSubscription = z.strictObject({
  email: z.email(),
  companies: nonEmpty(companyId),
  categories: nonEmpty(z.enum(CATEGORIES)),
  kinds: nonEmpty(z.enum(KINDS)),
});
export type EmailSubscription = z.infer<typeof emailSubscription>;

const digest = z.strictObject({
  enabled: z._default(flag(), false),
  localTime: z._default(
    z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time HH:MM')),
    '08:00',
  ),
  timeZone: z._default(timeZone, 'Europe/Copenhagen'),
});
export type DigestConfig = z.infer<typeof digest>;

export const STACK_SETTINGS = {
  /**
   * full ARN of an existing secret holding the API key, ending in its 6-character suffix (grant `kms:Decrypt`
   * yourself if the secret uses your own KMS key)
   * @default a new empty secret
   * @sets `PLEO_CREDENTIAL_SECRET_ARN`
   */
  pleoApiKeySecretArn: setting(completeSecretArn, {}),
  /** addresses that receive everything, alarms included (comma-separated or a JSON list) */
  alertEmails: setting(list(z.email()), { default: [] }),
  /**
   * `[{"email":"…","companies":["<uuid>"],"categories":["accountant"],"kinds":["alert","resolved"]}]`: an address
   * with an SNS filter (see [Routing](operations.md#routing-with-sns-filter-policies)). SNS accepts at most 150
   * combinations per filter (companies × categories × kinds); leave categories or kinds out to take them all. Each
   * address once across `alertEmails` and `emailSubscriptions`
   */
  emailSubscriptions: setting(json(z.array(emailSubscription), '[{"email":"ops@example.com"}]'), {
    default: [],
  }),
  /**
   * deploy the Slack notifier and subscribe it to the topic
   * @default `false` (`true` when `slackWebhookSecretArn` is given)
   */
  slackEnabled: setting(flag(), {}),
  /**
   * full ARN of an existing secret holding the Slack incoming-webhook URL
   * @default a new empty secret
   * @sets `SLACK_WEBHOOK_SECRET_ARN` (Slack notifier)
   */
  slackWebhookSecretArn: setting(completeSecretArn, {}),
  /** minutes between polls */
  scheduleMinutes: setting(wholeNumber(1, 1440), { default: 5 }),
  /** schedule periods without a successful poll before the "Alerter down" alarm; `scheduleMinutes` × this at most 1440 */
  missedPollsBeforeAlarm: setting(wholeNumber(1, 1440), { default: 3 }),
  /**
   * the daily digest: on or off, the local time (24-hour `HH:MM`) and an IANA time zone
   * @sets `DIGEST_TIME_ZONE` (the time zone)
   */
  digest: setting(json(digest, '{"enabled":true,"localTime":"08:00"}'), {
    default: { enabled: false, localTime: '08:00', timeZone: 'Europe/Copenhagen' },
  }),
  /**
   * days the functions' logs are kept: a year or more (Control Tower's CT.CLOUDWATCH.PR.2), one of the periods
   * CloudWatch Logs accepts (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
   */
  logRetentionDays: setting(
    wholeNumber(1, 3653).check(
      z.refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `expected one of the retention periods CloudWatch Logs accepts of at least a year (Control Tower's CT.CLOUDWATCH.PR.2): ${LOG_RETENTION_DAYS.join(', ')}`,
      }),
    ),
    { default: 365 },
  ),
  /**
   * `DEBUG`, `INFO`, `WARN` or `ERROR`: Powertools filters the log lines (still JSON; the functions use Lambda's
   * text log format, so Lambda filters nothing); the metric lines always go out
   * @sets `POWERTOOLS_LOG_LEVEL`
   */
  logLevel: setting(z.enum(LOG_LEVELS), { default: 'INFO' }),
  /**
   * deploy the actions endpoint (a Lambda behind a Function URL): Slack messages get Acknowledge, Snooze and Mute
   * buttons (with Slack; needs `slackTeamId`). See [Act on an alert](operations.md#act-on-an-alert)
   * @sets `SLACK_ACTIONS`
   */
  actionsEnabled: setting(flag(), { default: false }),
  /**
   * full ARN of an existing secret holding a second Pleo API key, with `export-jobs:write` and `export-jobs:read`:
   * with `actionsEnabled`, alerts a retry can fix offer Retry export, which creates the export job with it (the
   * poller's key stays read-only)
   * @default no retry
   * @sets `PLEO_RETRY_KEY_SECRET_ARN` (actions), `RETRY_EXPORTS`
   */
  pleoRetryKeySecretArn: setting(completeSecretArn, {}),
  /**
   * the actions endpoint's reserved concurrency, a ceiling on clicks handled at once (0: none reserved, for accounts
   * with the starter quota of 10 concurrent Lambdas)
   */
  actionsConcurrency: setting(wholeNumber(0, 100), { default: 5 }),
  /**
   * connections polled at the same time: the poll queue's maximum concurrency, and the concurrency reserved for the
   * poller (SQS starts at least 2). Each connection keeps to its own Pleo rate ceiling
   */
  pollConcurrency: setting(wholeNumber(2, 1000), { default: 5 }),
  /**
   * reserve `pollConcurrency` for the poller; set `false` on accounts with the starter quota of 10 concurrent
   * Lambdas (the poll queue still starts no more than `pollConcurrency` at once)
   */
  reservePollerConcurrency: setting(flag(), { default: true }),
};
