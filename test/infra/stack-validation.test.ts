import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContextError } from '../../lib/config.js';
import { ACME, core, PLEO_SECRET_ARN, SLACK_SECRET_ARN } from './stack-fixtures.js';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth.js';

describe('Class: AlerterStack', () => {
  describe('with the default configuration', () => {
    let synthesized: Synthesized;
    let template: Template;
    let _ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize();
      template = synthesized.template;
      _ids = core(template);
    }, SYNTH_TIMEOUT_MS);

    it('leaves no cdk-nag or Control Tower finding unacknowledged, and warns only that nobody receives the alerts yet', () => {
      expect(synthesized.plugins).toContain('cdk-validator-cfnguard');
      expect(synthesized.findings).toEqual([
        {
          plugin: 'Construct Annotations',
          rule: 'Annotation::pleo-export-alerts:noRecipients',
          severity: 'warning',
          paths: ['PleoExportAlerts'],
        },
      ]);
    });

    it("acknowledges only Control Tower's CT.LAMBDA.PR.3 (functions in a VPC), saying why", () => {
      expect(synthesized.acknowledged.filter(({ plugin }) => plugin === 'cdk-validator-cfnguard')).toEqual(
        ['Poller', 'Dispatcher'].map((fn) => ({
          plugin: 'cdk-validator-cfnguard',
          id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          reason: expect.stringMatching(/NAT gateway .* more than the whole stack/),
          paths: [`PleoExportAlerts/${fn}/Function/Resource`],
        })),
      );
    });
  });

  describe('with emails, filters, Slack, a digest and custom values', () => {
    let synthesized: Synthesized;
    let template: Template;
    let _ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize({
        scheduleMinutes: '10',
        missedPollsBeforeAlarm: 4,
        lookbackDays: 14,
        logRetentionDays: 731,
        companies: [{ id: ACME, name: 'Acme ApS' }],
        alertEmails: 'ops@example.com',
        emailSubscriptions: [
          {
            email: 'acme@example.com',
            companies: [ACME],
            categories: ['accountant'],
            kinds: ['alert', 'reminder'],
          },
        ],
        slackEnabled: true,
        digest: { enabled: true, localTime: '07:30', timeZone: 'Europe/Copenhagen' },
        logLevel: 'WARN',
      });
      template = synthesized.template;
      _ids = core(template);
    }, SYNTH_TIMEOUT_MS);

    it('leaves no validation finding unacknowledged, and acknowledges CT.LAMBDA.PR.3 for the notifier too', () => {
      expect(synthesized.findings).toEqual([]);
      expect(synthesized.acknowledged).toContainEqual(
        expect.objectContaining({
          id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          paths: ['PleoExportAlerts/Slack/Notifier/Function/Resource'],
        }),
      );
    });
  });

  describe('with existing secrets and no reserved concurrency', () => {
    let synthesized: Synthesized;
    let template: Template;
    let _ids: ReturnType<typeof core>;

    beforeAll(() => {
      synthesized = synthesize({
        pleoApiKeySecretArn: PLEO_SECRET_ARN,
        slackWebhookSecretArn: SLACK_SECRET_ARN,
        reservePollerConcurrency: 'false',
      });
      template = synthesized.template;
      _ids = core(template);
    }, SYNTH_TIMEOUT_MS);

    it('warns only that nobody receives the alarms: Slack takes alerts, never CloudWatch alarm notifications', () => {
      expect(synthesized.findings).toEqual([
        {
          plugin: 'Construct Annotations',
          rule: 'Annotation::pleo-export-alerts:noAlarmRecipients',
          severity: 'warning',
          paths: ['PleoExportAlerts'],
        },
      ]);
    });
  });

  describe('with a mistyped context key', () => {
    it('stops the synth, naming the key and the setting it looks like', () => {
      expect(() => synthesize({ alertEmail: 'ops@example.com' })).toThrow(
        new ContextError(
          'Context "alertEmail" is not a setting of this app: did you mean "alertEmails"? (README, "Deploy")',
        ),
      );
      expect(() => synthesize({ colour: 'blue' })).toThrow(
        /^Context "colour" is not a setting of this app \(README/,
      );
    });
  });
});
