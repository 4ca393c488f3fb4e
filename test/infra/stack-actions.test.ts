// The actions endpoint in the stack: a public Function URL acknowledged with its reason, the Slack signing secret
// empty, least privilege on the table, a ceiling on clicks at once, alarms, and the Request URL as an output.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContextError } from '../../lib/config.js';
import { PLEO_SECRET_ARN, POLLER, ref } from './stack-fixtures.js';
import { logicalIdOf, SYNTH_TIMEOUT_MS, type Synthesized, statementsOfRole, synthesize } from './synth.js';

const ACTIONS = { Description: Match.stringLikeRegexp('^Acts on the buttons') };

describe('Class: AlerterStack, with actions', () => {
  describe('enabled with Slack', () => {
    let synthesized: Synthesized;
    let template: Template;
    let actions: string;

    beforeAll(() => {
      synthesized = synthesize({
        alertEmails: 'ops@example.com',
        slackEnabled: true,
        actionsEnabled: true,
        slackTeamId: 'T0123ABCD',
      });
      template = synthesized.template;
      actions = logicalIdOf(template, 'AWS::Lambda::Function', ACTIONS);
    }, SYNTH_TIMEOUT_MS);

    it('leaves no cdk-nag or Control Tower finding unacknowledged', () => {
      expect(synthesized.findings).toEqual([]);
    });

    it("acknowledges Control Tower's CT.LAMBDA.PR.2 for the public function URL alone, saying why it is safe", () => {
      expect(
        synthesized.acknowledged.filter(({ id }) =>
          id.endsWith('lambda_function_public_access_prohibited_check'),
        ),
      ).toEqual([
        {
          plugin: 'cdk-validator-cfnguard',
          id: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
          reason: expect.stringMatching(/refuses every request Slack did not sign/),
          paths: [
            'PleoExportAlerts/Actions/Handler/Function/invoke-function-url',
            'PleoExportAlerts/Actions/Handler/Function/invoke-function',
          ],
        },
      ]);
    });

    it('serves a public function URL, buffered, and gives its Slack path as an output', () => {
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        InvokeMode: 'BUFFERED',
        TargetFunctionArn: { 'Fn::GetAtt': [actions, 'Arn'] },
      });
      const outputs = template.findOutputs('SlackInteractivityUrl');
      expect(JSON.stringify(outputs)).toContain('slack/actions');
    });

    it('reserves a ceiling of clicks at once, and tells the function its workspace and signing secret', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...ACTIONS,
        ReservedConcurrentExecutions: 5,
        Environment: {
          Variables: Match.objectLike({
            SLACK_TEAM_ID: 'T0123ABCD',
            SLACK_SIGNING_SECRET_ARN: ref(
              logicalIdOf(template, 'AWS::SecretsManager::Secret', {
                Description: Match.stringLikeRegexp('^Signing secret'),
              }),
            ),
          }),
        },
      });
    });

    it('may read the groups, and change only controls and once-records', () => {
      const role = template.findResources('AWS::Lambda::Function', { Properties: ACTIONS })[actions]
        ?.Properties.Role['Fn::GetAtt'][0] as string;
      const tableStatements = statementsOfRole(template, role).filter((statement) =>
        JSON.stringify(statement).includes('dynamodb:LeadingKeys'),
      );
      expect(tableStatements).toEqual([
        expect.objectContaining({
          Action: 'dynamodb:Query',
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['GROUP', 'GROUP#*'] } },
        }),
        expect.objectContaining({
          Action: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONTROL'] } },
        }),
        expect.objectContaining({
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ONCE#*'] } },
        }),
      ]);
    });

    it('alarms on errors and throttled clicks', () => {
      for (const name of ['ActionsErrors', 'ActionsThrottled']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: Match.stringLikeRegexp(`-${name}$`),
          AlarmActions: Match.anyValue(),
          OKActions: Match.anyValue(),
        });
      }
    });

    it('tells the poller to put buttons in Slack messages, and links to the endpoint in emails', () => {
      const linkKey = logicalIdOf(template, 'AWS::SecretsManager::Secret', {
        Description: Match.stringLikeRegexp('^Signs the action links'),
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...POLLER,
        Environment: {
          Variables: Match.objectLike({
            SLACK_ACTIONS: 'true',
            ACTIONS_URL: {
              'Fn::GetAtt': [Match.stringLikeRegexp('^ActionsHandlerFunctionFunctionUrl'), 'FunctionUrl'],
            },
            EMAIL_LINK_KEY_SECRET_ARN: ref(linkKey),
          }),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...ACTIONS,
        Environment: { Variables: Match.objectLike({ EMAIL_LINK_KEY_SECRET_ARN: ref(linkKey) }) },
      });
    });
  });

  describe('with a retry key, without Slack', () => {
    let template: Template;

    beforeAll(() => {
      template = synthesize({
        alertEmails: 'ops@example.com',
        actionsEnabled: true,
        pleoRetryKeySecretArn: PLEO_SECRET_ARN,
      }).template;
    }, SYNTH_TIMEOUT_MS);

    it('lets the endpoint read the retry key and tells the poller to offer retries; no Slack signing secret', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...ACTIONS,
        Environment: {
          Variables: Match.objectLike({
            PLEO_RETRY_KEY_SECRET_ARN: PLEO_SECRET_ARN,
            PLEO_API_URL: 'https://external.pleo.io',
          }),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        ...POLLER,
        Environment: { Variables: Match.objectLike({ RETRY_EXPORTS: 'true', SLACK_ACTIONS: 'false' }) },
      });
      expect(template.findOutputs('SlackInteractivityUrl')).toEqual({});
    });
  });

  describe('with Slack but no workspace', () => {
    it('stops the synth, naming slackTeamId', () => {
      expect(() => synthesize({ slackEnabled: true, actionsEnabled: true })).toThrow(
        new ContextError(
          'Invalid context "slackTeamId": is required with actionsEnabled and Slack: the Slack workspace (T…) whose clicks the buttons act on',
        ),
      );
    });
  });
});
