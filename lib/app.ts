// `cdk synth` / `cdk deploy` entry point (cdk.json: node --import tsx lib/app.ts, the installed tsx on the Node.js npm installed).
import { createAlerterApp } from './alerter-app.js';
import { ContextError } from './config.js';

try {
  createAlerterApp();
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  // A configuration mistake: the message says which key; a stack trace would only bury it.
  console.error(error.message);
  process.exitCode = 1;
}
