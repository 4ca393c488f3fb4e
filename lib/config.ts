// CDK context → validated stack configuration. A bad value stops `cdk synth` with a message naming the key.

import * as z from 'zod';
import type { AlertKind, Category } from '../functions/domain/alert.js';
import { ALERTER_COMPANY_ID } from '../functions/domain/incidents.js';

const CATEGORIES = [
  'accountant',
  'admin',
  'integration',
  'transient',
  'info',
  'unknown',
] as const satisfies readonly Category[];
const KINDS = ['alert', 'resolved', 'reminder', 'digest'] as const satisfies readonly AlertKind[];

/** The retention periods CloudWatch Logs accepts of at least a year (Control Tower's CT.CLOUDWATCH.PR.2), in days. */
const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

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

// `-c key=value` delivers strings; cdk.json delivers JSON. These accept both.
const parseJsonString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // left as a string so the schema reports what it expected
  }
};

const parseNumberString = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;

const parseBooleanString = (value: unknown): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** A JSON list, or (from the command line) a comma-separated one. */
const parseListString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  if (value.trim().startsWith('[')) return parseJsonString(value);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
};

const integer = (min: number, max: number) =>
  z.preprocess(parseNumberString, z.number().int().min(min).max(max));
const flag = () => z.preprocess(parseBooleanString, z.boolean());

const email = z.email();
const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
    'expected the complete secret ARN, ending in the 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)',
  );

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Europe/Copenhagen');

/** The longest company name the poller accepts in PLEO_COMPANIES (functions/handlers/poller/config.ts). */
const MAX_COMPANY_NAME_CHARS = 200;

// Pleo answers with ids in lower case; SNS filter policies and the poller compare them as strings.
const companyId = z.uuid().transform((id) => id.toLowerCase());

const company = z.strictObject({
  id: companyId,
  name: z
    .string()
    .min(1)
    .max(MAX_COMPANY_NAME_CHARS, `expected at most ${MAX_COMPANY_NAME_CHARS} characters`)
    .optional(),
});

// The URL goes into the template and the poller's logs in clear; the poller refuses one with credentials in it.
const pleoApiUrl = z.url({ protocol: /^https$/ }).refine((url) => {
  if (!URL.canParse(url)) return true; // reported by z.url
  const { username, password } = new URL(url);
  return username === '' && password === '';
}, 'must not contain a user name or password: put the API key in the secret (pleoApiKeySecretArn)');

const emailSubscription = z.strictObject({
  email,
  companies: z.array(companyId).min(1).optional(),
  categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
  kinds: z.array(z.enum(KINDS)).min(1).optional(),
});

const digest = z.strictObject({
  enabled: flag().default(false),
  localTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time HH:MM')
    .default('08:00'),
  timeZone: timeZone.default('Europe/Copenhagen'),
});

/** Every context key the stack reads, with its default. */
const contextSchema = z
  .object({
    pleoApiUrl: pleoApiUrl.default('https://external.pleo.io'),
    pleoApiKeySecretArn: secretArn.optional(),
    companies: z.preprocess(parseJsonString, z.array(company)).default([]),
    alertEmails: z.preprocess(parseListString, z.array(email)).default([]),
    emailSubscriptions: z.preprocess(parseJsonString, z.array(emailSubscription)).default([]),
    slackEnabled: flag().optional(),
    slackWebhookSecretArn: secretArn.optional(),
    scheduleMinutes: integer(1, 1440).default(5),
    lookbackDays: integer(1, 90).default(7),
    reminderIntervalHours: integer(1, 24 * 30).default(24),
    reminderMaxCount: integer(0, 100).default(3),
    flapGraceMinutes: integer(0, 24 * 60).default(0),
    resolutionCheckMinutes: integer(0, 24 * 60).default(15),
    unreachableAlertAfterPolls: integer(1, 1000).default(3),
    missedPollsBeforeAlarm: integer(1, 1440).default(3),
    reservePollerConcurrency: flag().default(true),
    digest: z.preprocess(parseJsonString, digest).default({
      enabled: false,
      localTime: '08:00',
      timeZone: 'Europe/Copenhagen',
    }),
    logRetentionDays: z
      .preprocess(
        parseNumberString,
        z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          message: `expected one of the retention periods CloudWatch Logs accepts of at least a year (Control Tower's CT.CLOUDWATCH.PR.2): ${LOG_RETENTION_DAYS.join(', ')}`,
        }),
      )
      .default(365),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  })
  .superRefine((context, issues) => {
    const seen = new Set<string>();
    // The repeat is reported under the key it is in: alertEmails may repeat an address by itself.
    const all = [
      ...context.alertEmails.map((address) => ({ address, key: 'alertEmails' })),
      ...context.emailSubscriptions.map(({ email }) => ({ address: email, key: 'emailSubscriptions' })),
    ];
    for (const { address, key } of all) {
      const folded = address.toLowerCase();
      if (seen.has(folded)) {
        issues.addIssue({
          code: 'custom',
          path: [key],
          message: `${address} is subscribed twice (alertEmails and emailSubscriptions together must list each address once)`,
        });
      }
      seen.add(folded);
    }
    // Otherwise CloudFormation fails half-way through the deploy; one address cannot be split over subscriptions.
    context.emailSubscriptions.forEach(({ companies, categories, kinds }, index) => {
      // The digest covers every company in one message, sent as the alerter's own company with category info.
      if (kinds?.includes('digest') && (companies || (categories && !categories.includes('info')))) {
        issues.addIssue({
          code: 'custom',
          path: ['emailSubscriptions', index, 'kinds'],
          message: `asks for the digest, which its ${companies ? 'companies' : 'categories'} filter never lets through: the digest covers every company and is sent with company "${ALERTER_COMPANY_ID}" and category "info"; leave "digest" out here, or subscribe an address without that filter`,
        });
      }
      const combinations = [companies, categories, kinds].reduce((n, list) => n * (list?.length ?? 1), 1);
      if (combinations > MAX_FILTER_COMBINATIONS) {
        issues.addIssue({
          code: 'custom',
          path: ['emailSubscriptions', index],
          message: `companies × categories × kinds is ${combinations}, and SNS accepts a filter of at most ${MAX_FILTER_COMBINATIONS}: list fewer, or leave categories or kinds out to take them all`,
        });
      }
    });
    // All of a function's environment variables together must stay under 4 KB.
    if (JSON.stringify(context.companies).length > MAX_COMPANIES_JSON) {
      issues.addIssue({
        code: 'custom',
        path: ['companies'],
        message: `too many to pass to the poller (more than ${MAX_COMPANIES_JSON} characters of JSON); leave it empty to poll organisation-wide`,
      });
    }
    // A failure held longer than half the lookback could leave the listing before it is sent (the poller caps it).
    if (context.flapGraceMinutes > context.lookbackDays * 720) {
      issues.addIssue({
        code: 'custom',
        path: ['flapGraceMinutes'],
        message: `must be at most half of lookbackDays (${context.lookbackDays * 720} minutes), or a held failure could leave the lookback unsent`,
      });
    }
    // CloudWatch evaluates at most one day of periods.
    if (context.scheduleMinutes * context.missedPollsBeforeAlarm > 1440) {
      issues.addIssue({
        code: 'custom',
        path: ['missedPollsBeforeAlarm'],
        message: `scheduleMinutes × missedPollsBeforeAlarm must be at most 1440 (one day); got ${context.scheduleMinutes * context.missedPollsBeforeAlarm}`,
      });
    }
  });

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as readonly string[];

type ParsedContext = z.infer<typeof contextSchema>;

export type Company = z.infer<typeof company>;
export type EmailSubscription = z.infer<typeof emailSubscription>;
export type DigestConfig = z.infer<typeof digest>;

export type SlackConfig =
  | { enabled: false }
  /** `webhookSecretArn` undefined: the stack creates an empty secret to fill after deploy. */
  | { enabled: true; webhookSecretArn: string | undefined };

export interface AlerterConfig extends Omit<ParsedContext, 'slackEnabled' | 'slackWebhookSecretArn'> {
  slack: SlackConfig;
}

const describeIssue = (issue: z.core.$ZodIssue): string => {
  const [key, ...rest] = issue.path;
  const where = rest.length > 0 ? ` at ${rest.map(String).join('.')}` : '';
  return `Invalid context "${String(key ?? '(root)')}"${where}: ${issue.message}`;
};

/**
 * Reads the stack configuration from CDK context values (as `node.tryGetContext` returns them).
 * @throws {ContextError} when a value is invalid, naming the key(s).
 */
export function loadConfig(readContext: (key: string) => unknown): AlerterConfig {
  const raw = Object.fromEntries(
    CONTEXT_KEYS.map((key) => [key, readContext(key)]).filter(([, value]) => value !== undefined),
  );
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    throw new ContextError(result.error.issues.map(describeIssue).join('\n'));
  }
  const { slackEnabled, slackWebhookSecretArn, ...rest } = result.data;
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
