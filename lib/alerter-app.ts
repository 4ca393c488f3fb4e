// Builds the CDK app: configuration from context, the stack, and cdk-nag as policy-validation plugins.
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AlerterStack } from './alerter-stack.js';
import { loadConfig, unknownContextKeys } from './config.js';

export const STACK_ID = 'PleoExportAlerts';

/** @throws {ContextError} when a context value is invalid. */
export function createAlerterApp(props?: AppProps): { app: App; stack: AlerterStack } {
  const app = new App(props);
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const stack = new AlerterStack(app, STACK_ID, {
    config,
    description: 'Pleo export alerts: tells accountants by email and Slack when a Pleo export fails',
  });
  for (const key of unknownContextKeys(app.node.getAllContext())) {
    Annotations.of(stack).addWarningV2(
      'pleo-export-alerts:unknownContext',
      `Context "${key}" is not a setting of this app and is ignored (a typo?)`,
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
