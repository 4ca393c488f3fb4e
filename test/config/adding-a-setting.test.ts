// A new setting is one entry in its list: here one more poller setting deployers may set, added to
// POLLER_SETTINGS and nowhere else, reaches the context keys the app accepts and checks, the poller environment
// the stack writes, and the poller's reading of that environment.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { POLLER_SETTINGS } from '../../functions/config/poller.js';
import { loadEnvironment } from '../../functions/config/setting.js';
import { CONTEXT_KEYS } from '../../lib/config.js';
import { NO_BUNDLING, synthesize } from '../infra/synth.js';

vi.mock('../../functions/config/poller.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../functions/config/poller.js')>();
  const { setting } = await import('../../functions/config/setting.js');
  const { wholeNumber } = await import('../../functions/config/rules.js');
  return {
    ...original,
    POLLER_SETTINGS: {
      ...original.POLLER_SETTINGS,
      /** days after which an open group's reminders say it is stale */
      staleAfterDays: setting(wholeNumber(1, 30), { env: 'STALE_AFTER_DAYS', context: true, default: 3 }),
    },
  };
});

const pollerEnvironment = (context: Record<string, unknown>): Record<string, unknown> => {
  const { template } = synthesize({ ...NO_BUNDLING, ...context });
  const functions = template.findResources('AWS::Lambda::Function');
  const poller = Object.values(functions).find((fn) => fn.Properties.Description.startsWith('Polls Pleo'));
  return poller?.Properties.Environment.Variables;
};

describe('A setting added to POLLER_SETTINGS alone', () => {
  let environment: Record<string, unknown>;

  // One synth runs cdk-nag and the Control Tower checks: 15 s on a quiet machine, near a minute on a busy one.
  beforeAll(() => {
    environment = pollerEnvironment({ staleAfterDays: '10' });
  }, 180_000);

  it('is a context key deployers may set', () => {
    expect(CONTEXT_KEYS).toContain('staleAfterDays');
  });

  it('reaches the poller environment the stack writes', () => {
    expect(environment).toMatchObject({ STALE_AFTER_DAYS: '10' });
  });

  it('is checked by its rule when the app synthesizes, naming the key', () => {
    expect(() => pollerEnvironment({ staleAfterDays: 0 })).toThrow(
      'Invalid context "staleAfterDays": expected a whole number from 1 to 30',
    );
  });

  it("is read by the poller from its variable, with the rule's message naming the variable", () => {
    // Prepare
    const env = {
      PLEO_API_URL: 'https://external.pleo.io',
      PLEO_API_KEY: 'key',
      TABLE_NAME: 'alerts',
      ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
    };

    // Act
    const read = (value: string | undefined) =>
      loadEnvironment('poller', POLLER_SETTINGS, { ...env, STALE_AFTER_DAYS: value });

    // Assess
    expect(read('10')).toMatchObject({ staleAfterDays: 10 });
    expect(read(undefined)).toMatchObject({ staleAfterDays: 3 });
    expect(() => read('31')).toThrow('STALE_AFTER_DAYS: expected a whole number from 1 to 30');
  });
});
