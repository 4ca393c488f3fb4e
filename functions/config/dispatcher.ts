// The dispatcher's settings, parsed once at cold start: a bad value fails fast, naming the variable. The stack's own
// connection is read from the poller's settings of the same name, so both functions name and group it alike.
import { POLLER_SETTINGS } from './poller.js';
import { queueUrl } from './rules.js';
import { type Env, loadEnvironment, setting, type Values } from './setting.js';
import { tableName } from './table.js';

export const DISPATCHER_SETTINGS = {
  /**
   * the poll queue: one message per poll request at every tick
   * @stack the stack's poll queue
   */
  pollQueueUrl: setting(queueUrl, { env: 'POLL_QUEUE_URL', required: true }),
  tableName,
  stackName: POLLER_SETTINGS.stackName,
  companies: POLLER_SETTINGS.companies,
};

export type DispatcherConfig = Values<typeof DISPATCHER_SETTINGS>;

/** @throws {ConfigError} naming each missing or invalid variable. */
export function parseDispatcherConfig(env: Env): DispatcherConfig {
  return loadEnvironment('dispatcher', DISPATCHER_SETTINGS, env);
}
