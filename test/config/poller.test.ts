import { describe, expect, it } from 'vitest';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { ConfigError } from '../../functions/config/setting.js';

const valid = {
  PLEO_API_URL: 'https://external.pleo.io',
  PLEO_CREDENTIAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo-key',
  TABLE_NAME: 'alerts',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
};

describe('parsePollerConfig', () => {
  it('reads a valid environment with defaults for the tuning values', () => {
    const config = parsePollerConfig(valid);
    expect(config).toMatchObject({
      pleoApiUrl: 'https://external.pleo.io',
      stackConnection: {
        name: 'pleo-export-alerts',
        stack: true,
        companies: [],
        credential: { kind: 'secret', secretArn: valid.PLEO_CREDENTIAL_SECRET_ARN },
      },
      companies: [],
      lookbackDays: 7,
      itemConcurrency: 4,
      tableName: 'alerts',
    });
    expect(config.retentionDays).toBeGreaterThan(config.lookbackDays);
  });

  it('caps the grace window for transient failures at half the lookback, so a held failure is still listed', () => {
    const grace = (lookback: string, minutes: string) =>
      parsePollerConfig({ ...valid, LOOKBACK_DAYS: lookback, FLAP_GRACE_MINUTES: minutes }).flapGraceMs /
      60_000;
    expect([grace('1', '1440'), grace('1', '600'), grace('7', '1440')]).toEqual([720, 600, 1440]);
  });

  it.each(['http://localhost:8080/', 'http://127.0.0.1:9000/pleo', 'https://external.staging.pleo.io'])(
    "accepts %s: https on Pleo's hosts, or http for an API on this machine",
    (url) => {
      expect(parsePollerConfig({ ...valid, PLEO_API_URL: url }).pleoApiUrl).toBe(url);
    },
  );

  it('refuses a host outside Pleo, which would receive the API key, unless PLEO_API_GATEWAY says it is a gateway', () => {
    const gateway = { ...valid, PLEO_API_URL: 'https://gateway.example.com/pleo' };
    expect(() => parsePollerConfig(gateway)).toThrow(
      "PLEO_API_URL: gateway.example.com is not one of Pleo's hosts (*.pleo.io)",
    );
    expect(() =>
      parsePollerConfig({ ...gateway, PLEO_API_URL: 'https://external.pleo.io.example.com' }),
    ).toThrow('PLEO_API_GATEWAY=true');
    expect(parsePollerConfig({ ...gateway, PLEO_API_GATEWAY: 'true' })).toMatchObject({
      pleoApiUrl: 'https://gateway.example.com/pleo',
      pleoApiGateway: true,
    });
  });

  it('reads companies with display names', () => {
    const companies = [{ id: '0b6c2f9e-7a51-4c3e-9d5a-1f2e3d4c5b6a', name: 'Acme ApS' }];
    expect(parsePollerConfig({ ...valid, PLEO_COMPANIES: JSON.stringify(companies) }).companies).toEqual(
      companies,
    );
  });

  it.each([
    [{ PLEO_API_URL: 'not a url' }, 'PLEO_API_URL'],
    [{ PLEO_API_URL: undefined }, 'PLEO_API_URL'],
    [{ TABLE_NAME: undefined }, 'TABLE_NAME'],
    [{ ALERT_TOPIC_ARN: 'my-topic' }, 'ALERT_TOPIC_ARN'],
    [{ LOOKBACK_DAYS: 'seven' }, 'LOOKBACK_DAYS'],
    [{ LOOKBACK_DAYS: '0' }, 'LOOKBACK_DAYS'],
    [{ LOOKBACK_DAYS: '2.5' }, 'LOOKBACK_DAYS'],
    [{ ITEM_CONCURRENCY: '100' }, 'ITEM_CONCURRENCY'],
    [{ PLEO_COMPANIES: '[{"id":"acme"}]' }, 'PLEO_COMPANIES'],
    [{ PLEO_COMPANIES: 'acme,nordlys' }, 'PLEO_COMPANIES'],
    [{ PLEO_CREDENTIAL_SECRET_ARN: undefined }, 'PLEO_CREDENTIAL_SECRET_ARN'],
    [{ PLEO_API_KEY: 'k' }, 'PLEO_CREDENTIAL_SECRET_ARN'],
    [{ PLEO_CREDENTIAL_SECRET_ARN: undefined, PLEO_API_KEY: '   ' }, 'PLEO_API_KEY'],
    [{ PLEO_CREDENTIAL_SECRET_ARN: undefined, PLEO_API_TOKEN: '\n' }, 'PLEO_API_TOKEN'],
    [{ PLEO_API_URL: 'https://user:pass@external.pleo.io' }, 'PLEO_API_URL'],
    [{ PLEO_API_URL: 'http://external.pleo.io' }, 'PLEO_API_URL'],
    [{ TABLE_NAME: 'my table' }, 'TABLE_NAME'],
    [{ LEASE_SECONDS: '60', POLL_BUDGET_SECONDS: '90' }, 'LEASE_SECONDS'],
  ])('rejects %o naming %s', (override, variable) => {
    expect(() => parsePollerConfig({ ...valid, ...override })).toThrow(ConfigError);
    expect(() => parsePollerConfig({ ...valid, ...override })).toThrow(variable);
  });

  it.each([
    [{ LOOKBACK_DAYS: '0' }, 'LOOKBACK_DAYS: expected a whole number from 1 to 90'],
    [{ LOOKBACK_DAYS: '2.5' }, 'LOOKBACK_DAYS: expected a whole number from 1 to 90'],
    [{ LOOKBACK_DAYS: 'seven' }, 'LOOKBACK_DAYS: expected a whole number from 1 to 90'],
    [{ LOOKBACK_DAYS: '91' }, 'LOOKBACK_DAYS: expected a whole number from 1 to 90'],
    [
      { LOOKBACK_DAYS: ' ' },
      'LOOKBACK_DAYS: is empty: expected a whole number from 1 to 90, or leave it unset',
    ],
    [{ TABLE_NAME: undefined }, 'TABLE_NAME: is required'],
    [{ PLEO_API_URL: undefined }, 'PLEO_API_URL: is required'],
    [{ ALERT_TOPIC_ARN: undefined }, 'ALERT_TOPIC_ARN: is required'],
    [
      { PLEO_API_URL: 'https://user:pass@external.pleo.io' },
      'PLEO_API_URL: must not contain a user name or password',
    ],
    [{ LEASE_SECONDS: '90' }, 'LEASE_SECONDS: must be longer than POLL_BUDGET_SECONDS'],
  ])('says in words what is wrong with %o', (override, message) => {
    expect(() => parsePollerConfig({ ...valid, ...override })).toThrow(message);
  });

  it('reports a key of only spaces as a bad key, not as a missing credential', () => {
    const attempt = () =>
      parsePollerConfig({ ...valid, PLEO_CREDENTIAL_SECRET_ARN: undefined, PLEO_API_KEY: '  ' });
    expect(attempt).toThrow('PLEO_API_KEY: must not be empty or only spaces');
    expect(attempt).not.toThrow('set exactly one of');
  });

  it('reads a key pasted with spaces or a newline around it as the key', () => {
    const config = parsePollerConfig({
      ...valid,
      PLEO_CREDENTIAL_SECRET_ARN: undefined,
      PLEO_API_KEY: ' key-123\n',
    });
    expect(config.stackConnection.credential).toEqual({ kind: 'apiKey', apiKey: 'key-123' });
  });

  it('never puts a secret value in its error', () => {
    const key = 'pleo-secret-key-value-123';
    const attempt = () => parsePollerConfig({ ...valid, PLEO_API_KEY: key, PLEO_API_TOKEN: key });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain(key);
    }
  });
});
