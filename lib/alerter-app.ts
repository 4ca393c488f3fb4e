// Builds the CDK app: configuration from context, the stack, and cdk-nag as policy-validation plugins.

import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AlerterStack } from './alerter-stack.js';
import { CONTEXT_KEYS, ContextError, loadConfig, receivesAlarms, unknownContextKeys } from './config.js';

export const STACK_ID = 'PleoExportAlerts';

/** @throws {ContextError} when a context key is unknown or a value invalid. */
export function createAlerterApp(props?: AppProps): { app: App; stack: AlerterStack } {
  const app = new App(props);
  // A mistyped key would deploy without the setting, e.g. with nobody receiving alerts: it stops the synth.
  const [unknown] = unknownContextKeys(app.node.getAllContext());
  if (unknown !== undefined) {
    const like = CONTEXT_KEYS.find((key) => similarKeys(key, unknown));
    throw new ContextError(
      `Context "${unknown}" is not a setting of this app${like ? `: did you mean "${like}"?` : ''} (README, "Deploy")`,
    );
  }
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const stack = new AlerterStack(app, STACK_ID, {
    config,
    description: 'Pleo export alerts: tells accountants by email and Slack when a Pleo export fails',
  });
  if (config.alertEmails.length === 0 && config.emailSubscriptions.length === 0 && !config.slack.enabled) {
    Annotations.of(stack).addWarningV2(
      'pleo-export-alerts:noRecipients',
      'Nobody receives the alerts: set alertEmails, emailSubscriptions or slackEnabled, or subscribe to the topic yourself',
    );
  } else if (!receivesAlarms(config)) {
    // Otherwise a dead alerter would go unnoticed: its alarms would reach no subscriber.
    Annotations.of(stack).addWarningV2(
      'pleo-export-alerts:noAlarmRecipients',
      'Nobody receives the alarms (alerter down, poller errors, dead letters): Slack and filtered emailSubscriptions never get them; add an address to alertEmails, or subscribe to the topic yourself',
    );
  }
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new CfnGuardValidator(),
  );
  return { app, stack };
}

/** The same key but for case, or one a prefix of the other: alertEmail, alertemails, slack. */
function similarKeys(key: string, typed: string): boolean {
  const [a, b] = [key.toLowerCase(), typed.toLowerCase()];
  return a.startsWith(b) || b.startsWith(a);
}
