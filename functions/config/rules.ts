// The rules settings share: each written once, read by the functions from their environment (text) and by the CDK
// app from its context (text from `-c key=value`, JSON from cdk.json). Only what the functions use lives here: each
// schema built at load is in the Lambda bundle whether used or not.
import * as z from 'zod/mini';
import '../shared/zod-english.js';

/** One message for every way a number can be wrong ('seven', '2.5', '0', an empty value), the range included. */
export const wholeNumber = (min: number, max: number) => {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.pipe(
    z.transform((value: unknown, ctx) => {
      if (typeof value !== 'string') return value;
      if (value.trim() === '') {
        ctx.issues.push({
          code: 'custom',
          message: `is empty: ${expected}, or leave it unset for the default`,
          input: value,
        });
        return z.NEVER;
      }
      return Number(value);
    }),
    z.number({ error: expected }).check(z.int(expected), z.minimum(min, expected), z.maximum(max, expected)),
  );
};

/** `true` or `false`, as JSON or as text. */
export const flag = () =>
  z.pipe(
    z.transform((value: unknown) => (value === 'true' ? true : value === 'false' ? false : value)),
    z.boolean(),
  );

/** A value given as JSON text (an environment variable, `-c key=value`) or as JSON itself (cdk.json). */
export const json = <T>(rule: z.core.$ZodType<T>, example: string) =>
  z.pipe(
    z.transform((value: unknown, ctx) => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: `expected JSON, e.g. ${example}`, input: value });
        return z.NEVER;
      }
    }),
    rule,
  );

/** A calendar date, `YYYY-MM-DD`. */
export const isoDate = z.iso.date({ error: 'expected a date as YYYY-MM-DD' });

export const timeZone = z.string().check(
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as Europe/Copenhagen'),
);

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Pleo's own API hosts (production `external.pleo.io`, staging `external.staging.pleo.io`) or this machine. */
export const isPleoOrLocalHost = (url: string): boolean => {
  const { hostname } = new URL(url);
  return hostname === 'pleo.io' || hostname.endsWith('.pleo.io') || LOOPBACK_HOSTS.includes(hostname);
};

/**
 * The Pleo API's base URL. Printed and logged, so no credential in it; https, but for an API on this machine (the
 * demo API of `npm start`).
 */
export const pleoApiUrl = z.url({ protocol: /^https?$/ }).check(
  z.refine(
    (url) =>
      !URL.canParse(url) ||
      new URL(url).protocol === 'https:' ||
      LOOPBACK_HOSTS.includes(new URL(url).hostname),
    'expected https (http only for an API on this machine: localhost, 127.0.0.1)',
  ),
  z.refine((url) => {
    if (!URL.canParse(url)) return true;
    const { username, password } = new URL(url);
    return username === '' && password === '';
  }, 'must not contain a user name or password: the API key goes in its secret (or, on your machine, in PLEO_API_KEY)'),
);

/** The longest company name accepted: it is repeated in every alert's subject and text. */
export const MAX_COMPANY_NAME_CHARS = 200;

// Pleo answers with ids in lower case; SNS filter policies and the poller compare them as strings.
export const companyId = z.pipe(
  z.uuid(),
  z.transform((id: string) => id.toLowerCase()),
);

export const company = z.strictObject({
  id: companyId,
  name: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(MAX_COMPANY_NAME_CHARS, `expected at most ${MAX_COMPANY_NAME_CHARS} characters`),
      ),
  ),
});

export const companies = json(z.array(company), '[{"id":"<company uuid>","name":"Acme ApS"}]');

// A key pasted with a trailing newline is the same key; one that is only whitespace is no key at all.
export const credential = z.string().check(z.trim(), z.minLength(1, 'must not be empty or only spaces'));

export const secretArn = z
  .string()
  .check(
    z.regex(/^arn:aws[\w-]*:secretsmanager:[\w-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN'),
  );

export const tableName = z
  .string()
  .check(z.regex(/^[\w.-]{3,255}$/, 'expected a DynamoDB table name: 3 to 255 of a-z, A-Z, 0-9, _ - .'));

/** An SQS queue's URL, as SQS gives it (https://sqs.<region>.amazonaws.com/<account>/<name>, or a stand-in's). */
export const queueUrl = z.url({ protocol: /^https?$/, error: 'expected an SQS queue URL' });

export const topicArn = z.string().check(z.startsWith('arn:', 'expected an SNS topic ARN'));
