// The environment `npm start` runs on, checked before any part starts: a mistake shows as one line naming its
// variable, never its value, rather than as whatever an embedded part or the AWS SDK makes of it later.
import { ENV } from '../functions/config/env.js';
import { parsePollerConfig } from '../functions/config/poller.js';
import { connectionsFromEnv, PLEO_CONNECTIONS, pollerEnvironment } from './connections.js';
import { LocalEnvError } from './env-error.js';
import { DEMO_API_KEY, LOCAL_TABLE_NAME, shownUrl } from './parts.js';

const {
  ALERT_TOPIC_ARN,
  PLEO_API_KEY,
  PLEO_API_TOKEN,
  PLEO_API_URL,
  PLEO_CREDENTIAL_SECRET_ARN,
  TABLE_NAME,
} = ENV;

export { LocalEnvError };

// Each switches a part to a real one; unset or empty, the part is embedded (as startLocalParts decides).
const ENDPOINTS = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS'] as const;
// Set without its switch, each would be overwritten or contradicted by the embedded part, so the run would not
// use what the user asked for.
const NEEDS_SWITCH = [
  [PLEO_API_KEY, PLEO_API_URL, 'the embedded demo API'],
  [PLEO_API_TOKEN, PLEO_API_URL, 'the embedded demo API'],
  [PLEO_CREDENTIAL_SECRET_ARN, PLEO_API_URL, 'the embedded demo API'],
  [PLEO_CONNECTIONS, PLEO_API_URL, 'the embedded demo API (and its own keys)'],
  [ALERT_TOPIC_ARN, 'AWS_ENDPOINT_URL_SNS', 'the embedded SNS topic'],
] as const;
// A real DynamoDB or SNS has no table or topic the embedded part could pick for it.
const REQUIRED_WITH = [
  [TABLE_NAME, 'AWS_ENDPOINT_URL_DYNAMODB'],
  [ALERT_TOPIC_ARN, 'AWS_ENDPOINT_URL_SNS'],
] as const;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const REACH_TIMEOUT_MS = 5_000;

/**
 * Checks the overrides, then the poller's configuration as it will be once the embedded parts announce
 * themselves, then that each real endpoint answers.
 * @throws LocalEnvError, or the poller's ConfigError
 */
export async function checkLocalEnv(env: NodeJS.ProcessEnv): Promise<void> {
  for (const name of ENDPOINTS) {
    const value = env[name];
    if (value && !isHttpUrl(value)) {
      throw new LocalEnvError(`${name}: must be an http:// or https:// URL, e.g. http://localhost:8000`);
    }
  }
  for (const [name, needed, instead] of NEEDS_SWITCH) {
    if (env[name] !== undefined && !env[needed]) {
      throw new LocalEnvError(`${name} needs ${needed}: without it ${instead} is used`);
    }
  }
  for (const [name, endpoint] of REQUIRED_WITH) {
    if (env[endpoint] && !env[name]) throw new LocalEnvError(`${name} is required when ${endpoint} is set`);
  }
  if (env.SLACK_WEBHOOK_URL !== undefined && !isWebhookUrl(env.SLACK_WEBHOOK_URL)) {
    throw new LocalEnvError(
      'SLACK_WEBHOOK_URL: must be the https:// URL of a Slack incoming webhook (http:// only on localhost)',
    );
  }
  if (env.SLACK_WEBHOOK_URL !== undefined && env.AWS_ENDPOINT_URL_SNS) {
    // What is posted to Slack is what the embedded topic's queue received; a real topic's subscribers get it.
    throw new LocalEnvError(
      "SLACK_WEBHOOK_URL needs the embedded SNS: with AWS_ENDPOINT_URL_SNS set, nothing is posted from here (the topic's subscribers, such as the Slack notifier, receive the alerts)",
    );
  }
  connectionsFromEnv(env);
  parsePollerConfig(pollerEnvironment({ ...env, ...embeddedStandIns(env) }));
  for (const name of ENDPOINTS) {
    const value = env[name];
    if (value) await assertAnswers(name, value);
  }
}

/** What the embedded parts will set, with stand-ins for the addresses they get only when they start. */
function embeddedStandIns(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...(env[PLEO_API_URL] ? {} : { [PLEO_API_URL]: 'http://127.0.0.1/', [PLEO_API_KEY]: DEMO_API_KEY }),
    ...(env.AWS_ENDPOINT_URL_DYNAMODB ? {} : { [TABLE_NAME]: env[TABLE_NAME] ?? LOCAL_TABLE_NAME }),
    ...(env.AWS_ENDPOINT_URL_SNS ? {} : { [ALERT_TOPIC_ARN]: 'arn:aws:sns:local:000000000000:stand-in' }),
  };
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
}

function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  // Plain http would carry the secret URL in the clear; a stand-in for Slack on this machine may use it.
  return protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
}

/**
 * Fails naming the variable when nothing answers at its endpoint; any HTTP answer will do. Without this, an
 * unreachable SNS shows only as alerts that could not be published, after the whole poll.
 */
async function assertAnswers(name: string, endpoint: string): Promise<void> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(REACH_TIMEOUT_MS) });
    await response.body?.cancel();
  } catch (error) {
    throw new LocalEnvError(`${name}: nothing answers at ${shownUrl(endpoint)} (${networkReason(error)})`);
  }
}

/** fetch says only "fetch failed"; the reason (e.g. connect ECONNREFUSED) is in its cause. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  return cause.message || (typeof code === 'string' ? code : cause.name);
}
