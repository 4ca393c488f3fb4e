// Every part embedded, as `npm start` runs with no overrides: the demo Export API on `store`, dynalite, fauxqs.

import type { Log } from '../../functions/app/ports.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { awsRuntime } from '../../functions/handlers/poller/aws-runtime.js';
import { createPoller, type PollerRuntime } from '../../functions/handlers/poller/compose.js';
import type { DemoStore } from '../../local/demo-api/store.js';
import { type LocalParts, startLocalParts } from '../../local/parts.js';

const OVERRIDES = ['PLEO_API_URL', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS', 'PLEO_COMPANIES'];

export function startEmbedded(store: DemoStore): Promise<LocalParts> {
  for (const key of OVERRIDES) delete process.env[key];
  return startLocalParts({ env: process.env, newFailureEveryMs: 0, demoStore: store });
}

/**
 * `kind company reason` of each message SNS delivered since the last call, what the lifecycle tests compare; a
 * combined message's reasons joined by `+`, then how it was combined: `alert Acme ApS a+b (rollup)`. Sorted, as
 * several companies' messages go out at the same time.
 */
export async function deliveredSince(parts: LocalParts): Promise<string[]> {
  const lines = ((await parts.sns?.drain()) ?? []).map((body) => {
    const message = parseStructuredMessage(body);
    const line = `${message.kind} ${message.companyName ?? message.companyId} ${message.reasons.join('+')}`;
    return message.combined === null ? line : `${line} (${message.combined})`;
  });
  return lines.sort();
}

/**
 * The poller as the Lambda composes it, on every part embedded, with the clock the test moves and `env` over the
 * process's environment (no rate limit).
 */
export async function startEmbeddedPoller(
  store: DemoStore,
  clock: () => Date,
  env: Record<string, string> = {},
) {
  const parts = await startEmbedded(store);
  return { parts, poller: embeddedPoller(clock, env) };
}

/** A poller on parts already started: what a new process (a Lambda cold start after a deploy) builds. */
export function embeddedPoller(
  clock: () => Date,
  env: Record<string, string> = {},
  runtime: Partial<PollerRuntime> = {},
) {
  const config = parsePollerConfig({ ...process.env, PLEO_MAX_REQUESTS_PER_SECOND: '0', ...env });
  return createPoller(config, { ...awsRuntime(silent), clock, ...runtime });
}

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
