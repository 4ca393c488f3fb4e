// The poller's configuration, parsed once from the environment. A bad value fails at start with its name.
import * as z from 'zod/mini';
import '../../shared/zod-english.js';

// One message for every way a number can be wrong ('seven', '2.5', '0', an empty value), the range included.
const wholeNumber = (min: number, max: number) => {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.pipe(
    z.string().check(z.trim(), z.minLength(1, `is empty: ${expected}, or leave it unset for the default`)),
    z.coerce
      .number<string>({ error: expected })
      .check(z.int(expected), z.minimum(min, expected), z.maximum(max, expected)),
  );
};

/** A variable the poller cannot run without; missing, it says so rather than 'expected string'. */
const required = {
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : undefined),
};

// A key pasted with a trailing newline is the same key; one that is only whitespace is no key at all.
const credentialValue = z.string().check(z.trim(), z.minLength(1, 'must not be empty or only spaces'));

const companiesSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({
          code: 'custom',
          message: 'expected JSON, e.g. [{"id":"<company uuid>","name":"Acme ApS"}]',
          input: text,
        });
        return z.NEVER;
      }
    }),
  ),
  // A UUID is the same in either case; Pleo's answers are matched against these ids as strings.
  z.array(
    z.object({
      id: z.pipe(
        z.uuid(),
        z.transform((id: string) => id.toLowerCase()),
      ),
      name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    }),
  ),
);

const envSchema = z
  .object({
    PLEO_API_URL: z.url({ protocol: /^https?$/, ...required }).check(
      // The URL is printed and logged; a credential belongs in PLEO_API_KEY or the secret, never in it.
      z.refine((url) => {
        if (!URL.canParse(url)) return true;
        const { username, password } = new URL(url);
        return username === '' && password === '';
      }, 'must not contain a user name or password: give the API key as PLEO_API_KEY or in the secret'),
    ),
    PLEO_CREDENTIAL_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    PLEO_API_KEY: z.optional(credentialValue),
    PLEO_API_TOKEN: z.optional(credentialValue),
    PLEO_COMPANIES: z.optional(companiesSchema),
    LOOKBACK_DAYS: z._default(wholeNumber(1, 90), 7),
    ITEM_CONCURRENCY: z._default(wholeNumber(1, 16), 4),
    DYNAMODB_CONCURRENCY: z._default(wholeNumber(1, 16), 4),
    PLEO_REQUEST_TIMEOUT_MS: z._default(wholeNumber(1_000, 60_000), 10_000),
    PLEO_MAX_REQUESTS_PER_SECOND: z._default(wholeNumber(0, 1_000), 10),
    PLEO_RETRY_BUDGET_SECONDS: z._default(wholeNumber(0, 300), 30),
    POLL_BUDGET_SECONDS: z._default(wholeNumber(5, 900), 90),
    LEASE_SECONDS: z._default(wholeNumber(30, 3_600), 900),
    REMINDER_INTERVAL_HOURS: z._default(wholeNumber(1, 720), 24),
    REMINDER_MAX_COUNT: z._default(wholeNumber(0, 100), 3),
    FLAP_GRACE_MINUTES: z._default(wholeNumber(0, 1_440), 0),
    RESOLUTION_CHECK_MINUTES: z._default(wholeNumber(0, 1_440), 15),
    UNREACHABLE_ALERT_AFTER_POLLS: z._default(wholeNumber(1, 1_000), 3),
    DIGEST_TIME_ZONE: z._default(
      z.string().check(z.refine(isTimeZone, 'expected an IANA time zone such as Europe/Copenhagen')),
      'UTC',
    ),
    TABLE_NAME: z
      .string(required)
      .check(z.regex(/^[\w.-]{3,255}$/, 'expected a DynamoDB table name: 3 to 255 of a-z, A-Z, 0-9, _ - .')),
    ALERT_TOPIC_ARN: z.string(required).check(z.startsWith('arn:')),
  })
  .check(
    z.refine(
      // Counted as set even when invalid, so that a bad key is reported as such and not as a missing one.
      (env) =>
        [env.PLEO_CREDENTIAL_SECRET_ARN, env.PLEO_API_KEY, env.PLEO_API_TOKEN].filter((v) => v !== undefined)
          .length === 1,
      {
        path: ['PLEO_CREDENTIAL_SECRET_ARN'],
        error: 'set exactly one of PLEO_CREDENTIAL_SECRET_ARN, PLEO_API_KEY or PLEO_API_TOKEN',
      },
    ),
    // A lease that ran out while its poll was still working would let a second poll in beside it.
    z.refine((env) => env.LEASE_SECONDS > env.POLL_BUDGET_SECONDS, {
      path: ['LEASE_SECONDS'],
      error: 'must be longer than POLL_BUDGET_SECONDS, so that a poll still working keeps its lease',
    }),
  );

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export type CredentialSource =
  | { kind: 'secret'; secretArn: string }
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'bearer'; token: string };

export interface PollerConfig {
  pleoApiUrl: string;
  credential: CredentialSource;
  companies: Array<{ id: string; name?: string | undefined }>;
  lookbackDays: number;
  /** Job records outlive the lookback with room to spare, so an old failure is never taken for a new one. */
  retentionDays: number;
  itemConcurrency: number;
  dynamoConcurrency: number;
  requestTimeoutMs: number;
  /** 0: no limit (the local demo API). */
  maxRequestsPerSecond: number;
  /** Time one request may spend waiting between retries before Pleo counts as unavailable. */
  retryBudgetMs: number;
  budgetMs: number;
  leaseSeconds: number;
  reminders: { intervalMs: number; max: number };
  flapGraceMs: number;
  resolutionCheckMs: number;
  unreachableAfterPolls: number;
  digestTimeZone: string;
  tableName: string;
  topicArn: string;
}

/** Thrown at start when the environment is wrong; the message names each bad variable, never its secret value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): PollerConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = result.data;
  return {
    pleoApiUrl: e.PLEO_API_URL,
    credential: e.PLEO_CREDENTIAL_SECRET_ARN
      ? { kind: 'secret', secretArn: e.PLEO_CREDENTIAL_SECRET_ARN }
      : e.PLEO_API_KEY
        ? { kind: 'apiKey', apiKey: e.PLEO_API_KEY }
        : { kind: 'bearer', token: e.PLEO_API_TOKEN ?? '' },
    companies: e.PLEO_COMPANIES ?? [],
    lookbackDays: e.LOOKBACK_DAYS,
    retentionDays: e.LOOKBACK_DAYS * 2 + 7,
    itemConcurrency: e.ITEM_CONCURRENCY,
    dynamoConcurrency: e.DYNAMODB_CONCURRENCY,
    requestTimeoutMs: e.PLEO_REQUEST_TIMEOUT_MS,
    maxRequestsPerSecond: e.PLEO_MAX_REQUESTS_PER_SECOND,
    retryBudgetMs: e.PLEO_RETRY_BUDGET_SECONDS * 1000,
    budgetMs: e.POLL_BUDGET_SECONDS * 1000,
    leaseSeconds: e.LEASE_SECONDS,
    reminders: { intervalMs: e.REMINDER_INTERVAL_HOURS * 3_600_000, max: e.REMINDER_MAX_COUNT },
    // Failures are listed for the lookback only: one held longer would never be seen again, nor sent.
    flapGraceMs: Math.min(e.FLAP_GRACE_MINUTES, e.LOOKBACK_DAYS * 720) * 60_000,
    resolutionCheckMs: e.RESOLUTION_CHECK_MINUTES * 60_000,
    unreachableAfterPolls: e.UNREACHABLE_ALERT_AFTER_POLLS,
    digestTimeZone: e.DIGEST_TIME_ZONE,
    tableName: e.TABLE_NAME,
    topicArn: e.ALERT_TOPIC_ARN,
  };
}
