// The functions' environment variable names, one constant each, for the stack that sets them and the local run:
// renaming a variable in its setting renames it on every side, or fails to compile.
import { ACTIONS_SETTINGS } from './actions.js';
import { DISPATCHER_SETTINGS } from './dispatcher.js';
import { POLLER_SETTINGS } from './poller.js';
import { envNames } from './setting.js';
import { SLACK_NOTIFIER_SETTINGS } from './slack-notifier.js';

export const ENV = envNames({
  ...POLLER_SETTINGS,
  ...SLACK_NOTIFIER_SETTINGS,
  ...ACTIONS_SETTINGS,
  ...DISPATCHER_SETTINGS,
});
