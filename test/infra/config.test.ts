import { describe, expect, it } from 'vitest';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { ContextError, loadConfig, receivesAlarms, unknownContextKeys } from '../../lib/config.js';

const ACME = '3f0c8f5e-4a7b-4c1d-9e2f-0a1b2c3d4e5f';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo/api-key-AbC123';

/** Reads context the way `node.tryGetContext` does: undefined for keys that are not set. */
const load = (context: Record<string, unknown>) => loadConfig((key) => context[key]);

const errorOf = (context: Record<string, unknown>): string => {
  try {
    load(context);
  } catch (error) {
    expect(error).toBeInstanceOf(ContextError);
    return (error as ContextError).message;
  }
  throw new Error('expected a ContextError');
};

describe('Function: loadConfig', () => {
  it('returns the documented defaults when no context is set', () => {
    // Act
    const config = load({});

    // Assess
    expect(config).toEqual({
      pleoApiUrl: 'https://external.pleo.io',
      pleoApiGateway: false,
      companies: [],
      alertEmails: [],
      emailSubscriptions: [],
      slack: { enabled: false },
      scheduleMinutes: 5,
      lookbackDays: 7,
      reminderIntervalHours: 24,
      reminderMaxCount: 3,
      flapGraceMinutes: 0,
      resolutionCheckMinutes: 15,
      unreachableAlertAfterPolls: 3,
      rollupAbove: 3,
      quietFirstPoll: true,
      missedPollsBeforeAlarm: 3,
      pollConcurrency: 5,
      reservePollerConcurrency: true,
      actionsEnabled: false,
      actionsConcurrency: 5,
      digest: { enabled: false, localTime: '08:00', timeZone: 'Europe/Copenhagen' },
      logRetentionDays: 365,
      logLevel: 'INFO',
    });
  });

  it('accepts the strings `cdk -c key=value` delivers for numbers, booleans, lists and objects', () => {
    // Act
    const config = load({
      scheduleMinutes: '10',
      lookbackDays: '14',
      logRetentionDays: '731',
      alertEmails: 'ops@example.com, finance@example.com',
      companies: JSON.stringify([{ id: ACME, name: 'Acme ApS' }]),
      emailSubscriptions: JSON.stringify([{ email: 'acme@example.com', companies: [ACME] }]),
      digest: '{"enabled":"true","localTime":"07:30"}',
      slackEnabled: 'true',
    });

    // Assess
    expect(config).toMatchObject({
      scheduleMinutes: 10,
      lookbackDays: 14,
      logRetentionDays: 731,
      alertEmails: ['ops@example.com', 'finance@example.com'],
      companies: [{ id: ACME, name: 'Acme ApS' }],
      emailSubscriptions: [{ email: 'acme@example.com', companies: [ACME] }],
      digest: { enabled: true, localTime: '07:30', timeZone: 'Europe/Copenhagen' },
      slack: { enabled: true, webhookSecretArn: undefined },
    });
  });

  it('accepts a JSON list of emails from the command line', () => {
    expect(load({ alertEmails: '["a@example.com"]' }).alertEmails).toEqual(['a@example.com']);
  });

  it.each([
    { context: {}, slack: { enabled: false } },
    { context: { slackEnabled: true }, slack: { enabled: true, webhookSecretArn: undefined } },
    {
      context: { slackWebhookSecretArn: SECRET_ARN },
      slack: { enabled: true, webhookSecretArn: SECRET_ARN },
    },
    { context: { slackEnabled: 'false', slackWebhookSecretArn: SECRET_ARN }, slack: { enabled: false } },
  ])('returns slack $slack when the context is $context', ({ context, slack }) => {
    expect(load(context).slack).toEqual(slack);
  });

  it.each([
    { key: 'alertEmails', value: ['not-an-email'], says: 'Invalid context "alertEmails" at 0:' },
    { key: 'alertEmails', value: 42, says: 'Invalid context "alertEmails":' },
    { key: 'scheduleMinutes', value: '0', says: 'Invalid context "scheduleMinutes":' },
    { key: 'scheduleMinutes', value: 'five', says: 'Invalid context "scheduleMinutes":' },
    { key: 'scheduleMinutes', value: 2.5, says: 'Invalid context "scheduleMinutes":' },
    { key: 'lookbackDays', value: 365, says: 'Invalid context "lookbackDays":' },
    { key: 'pleoApiUrl', value: 'http://external.pleo.io', says: 'Invalid context "pleoApiUrl":' },
    {
      key: 'pleoApiUrl',
      value: 'https://pleo.example.com',
      says: `Invalid context "pleoApiUrl": pleo.example.com is not one of Pleo's hosts`,
    },
    {
      key: 'pleoApiKeySecretArn',
      value: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo',
      says: 'Invalid context "pleoApiKeySecretArn": expected the complete secret ARN',
    },
    { key: 'companies', value: '[{"id":"acme"}]', says: 'Invalid context "companies" at 0.id:' },
    { key: 'companies', value: '[{not json', says: 'Invalid context "companies":' },
    {
      key: 'emailSubscriptions',
      value: [{ email: 'a@example.com', kinds: ['alarm'] }],
      says: 'Invalid context "emailSubscriptions" at 0.kinds.0:',
    },
    {
      key: 'emailSubscriptions',
      value: [{ email: 'a@example.com', categories: ['everyone'] }],
      says: 'Invalid context "emailSubscriptions" at 0.categories.0:',
    },
    {
      key: 'emailSubscriptions',
      value: [{ email: 'a@example.com', company: [ACME] }],
      says: 'Invalid context "emailSubscriptions" at 0:',
    },
    {
      key: 'digest',
      value: { localTime: '8am' },
      says: 'Invalid context "digest" at localTime: expected a 24-hour',
    },
    {
      key: 'digest',
      value: { timeZone: 'Mars/Olympus' },
      says: 'Invalid context "digest" at timeZone: expected an IANA',
    },
    { key: 'logRetentionDays', value: 42, says: 'Invalid context "logRetentionDays": expected one of' },
    {
      key: 'logRetentionDays',
      value: 180,
      says: 'Invalid context "logRetentionDays": expected one of the retention periods CloudWatch Logs accepts of at least a year (Control Tower\'s CT.CLOUDWATCH.PR.2): 365, 400,',
    },
    { key: 'logLevel', value: 'TRACE', says: 'Invalid context "logLevel":' },
    { key: 'slackEnabled', value: 'yes', says: 'Invalid context "slackEnabled":' },
  ])('throws a ContextError naming $key when it is $value', ({ key, value, says }) => {
    expect(errorOf({ [key]: value })).toContain(says);
  });

  it('throws naming every bad key at once', () => {
    // Act
    const message = errorOf({ scheduleMinutes: 0, alertEmails: ['nope'] });

    // Assess
    expect(message).toContain('Invalid context "scheduleMinutes"');
    expect(message).toContain('Invalid context "alertEmails"');
  });

  it('throws when an address is in both alertEmails and emailSubscriptions', () => {
    expect(
      errorOf({ alertEmails: ['Ops@example.com'], emailSubscriptions: [{ email: 'ops@example.com' }] }),
    ).toContain('Invalid context "emailSubscriptions": ops@example.com is subscribed twice');
  });

  it('throws naming alertEmails when alertEmails lists an address twice', () => {
    expect(errorOf({ alertEmails: 'ops@example.com,Ops@example.com' })).toContain(
      'Invalid context "alertEmails": Ops@example.com is subscribed twice',
    );
  });

  it('throws when the Pleo API URL carries a user name or password, without repeating them', () => {
    // Act
    const message = errorOf({ pleoApiUrl: 'https://key-4f9a:hunter2@external.pleo.io' });

    // Assess
    expect(message).toContain('Invalid context "pleoApiUrl": must not contain a user name or password');
    expect(message).not.toMatch(/key-4f9a|hunter2/);
  });

  it('accepts the longest company name the poller accepts, and throws on a longer one', () => {
    // Prepare
    const named = (length: number) => [{ id: ACME, name: 'Å'.repeat(length) }];

    // Act
    const { companies } = load({ companies: named(200) });

    // Assess
    const env = { PLEO_API_URL: 'https://external.pleo.io', PLEO_API_KEY: 'k', TABLE_NAME: 'state' };
    expect(
      parsePollerConfig({
        ...env,
        ALERT_TOPIC_ARN: 'arn:aws:sns:x',
        PLEO_COMPANIES: JSON.stringify(companies),
      }).companies,
    ).toEqual(companies);
    expect(errorOf({ companies: named(201) })).toContain(
      'Invalid context "companies" at 0.name: expected at most 200 characters',
    );
  });

  it('throws when an email filter would have more combinations than SNS accepts', () => {
    // Prepare: 26 companies × 2 categories × 3 kinds = 156
    const companies = Array.from({ length: 26 }, (_, i) => ACME.replace(/..$/, String(i).padStart(2, '0')));
    const subscription = { companies, categories: ['accountant', 'admin'], kinds: ['alert', 'resolved'] };

    // Act & Assess
    expect(() => load({ emailSubscriptions: [{ email: 'a@example.com', ...subscription }] })).not.toThrow();
    expect(
      errorOf({
        emailSubscriptions: [
          { email: 'a@example.com' },
          { email: 'b@example.com', ...subscription, kinds: ['alert', 'resolved', 'reminder'] },
        ],
      }),
    ).toContain(
      'Invalid context "emailSubscriptions" at 1: companies × categories × kinds is 156, and SNS accepts a filter of at most 150',
    );
  });

  it.each([
    { key: 'companies', filter: { companies: [ACME] } },
    { key: 'categories', filter: { categories: ['accountant'] } },
  ])('throws when a subscription asks for the digest but filters it out by $key', ({ key, filter }) => {
    expect(
      errorOf({ emailSubscriptions: [{ email: 'a@example.com', kinds: ['alert', 'digest'], ...filter }] }),
    ).toContain(
      `Invalid context "emailSubscriptions" at 0.kinds: asks for the digest, which its ${key} filter never lets through`,
    );
  });

  it('accepts the digest with no company filter and a category filter that lets info through', () => {
    expect(() =>
      load({
        emailSubscriptions: [
          { email: 'a@example.com', kinds: ['digest'] },
          { email: 'b@example.com', kinds: ['alert', 'digest'], categories: ['accountant', 'info'] },
        ],
      }),
    ).not.toThrow();
  });

  it('throws when the alarm would have to look back more than a day', () => {
    expect(errorOf({ scheduleMinutes: 60, missedPollsBeforeAlarm: 25 })).toContain(
      'Invalid context "missedPollsBeforeAlarm": scheduleMinutes × missedPollsBeforeAlarm must be at most 1440',
    );
  });

  it('writes company ids in lower case, as Pleo answers and SNS filters compare them', () => {
    const config = load({
      companies: [{ id: ACME.toUpperCase() }],
      emailSubscriptions: [{ email: 'acme@example.com', companies: [ACME.toUpperCase()] }],
    });
    expect(config.companies).toEqual([{ id: ACME }]);
    expect(config.emailSubscriptions[0]?.companies).toEqual([ACME]);
  });

  it('throws when the grace window for transient failures is longer than half the lookback', () => {
    expect(errorOf({ lookbackDays: 1, flapGraceMinutes: 721 })).toContain(
      'Invalid context "flapGraceMinutes": must be at most half of lookbackDays (720 minutes)',
    );
    expect(load({ lookbackDays: 1, flapGraceMinutes: 720 }).flapGraceMinutes).toBe(720);
  });

  it('throws when the companies would not fit in a Lambda environment variable', () => {
    // Prepare
    const companies = Array.from({ length: 80 }, (_, i) => ({ id: ACME, name: `Company number ${i} ApS` }));

    // Act & Assess
    expect(errorOf({ companies })).toContain('Invalid context "companies": too many');
  });
});

describe('Function: unknownContextKeys', () => {
  it('returns keys that look like app settings but are not read by the app', () => {
    // Act
    const unknown = unknownContextKeys({
      alertEmail: ['a@example.com'],
      alertEmails: [],
      '@aws-cdk/core:checkSecretUsage': true,
      'aws:cdk:enable-path-metadata': true,
      'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
      'acknowledged-issue-numbers': [1234],
    });

    // Assess
    expect(unknown).toEqual(['alertEmail']);
  });
});

describe('Function: receivesAlarms', () => {
  it.each([
    { context: { alertEmails: 'ops@example.com' }, receives: true },
    { context: { emailSubscriptions: [{ email: 'ops@example.com' }] }, receives: true },
    { context: { emailSubscriptions: [{ email: 'a@example.com', kinds: ['alert'] }] }, receives: false },
    { context: { emailSubscriptions: [{ email: 'a@example.com', companies: [ACME] }] }, receives: false },
    { context: { slackEnabled: true }, receives: false },
    { context: {}, receives: false },
  ])(
    'is $receives for $context: alarm notifications carry no attributes, Slack takes only alerts',
    ({ context, receives }) => {
      expect(receivesAlarms(load(context))).toBe(receives);
    },
  );
});
