// The connections `npm start` polls: those in PLEO_CONNECTIONS, else one per demo company (each with its own key)
// when the demo API is embedded, else the stack's own (PLEO_API_KEY and the like). A bad entry fails at start,
// naming PLEO_CONNECTIONS and the entry, never a key.
import * as z from 'zod/mini';
import { ENV } from '../functions/config/env.js';
import { connectionEnvEntrySchema } from '../functions/contracts/connection.js';
import { type Connection, connectionFromEnvEntry } from '../functions/domain/connection.js';
import { LocalEnvError } from './env-error.js';

export const PLEO_CONNECTIONS = 'PLEO_CONNECTIONS';
const EXAMPLE = '[{"name":"acme","companyId":"<uuid>","apiKey":"…"}]';
const CREDENTIALS = ['apiKey', 'apiToken', 'parameter', 'secretArn'] as const;

/** The connections in PLEO_CONNECTIONS; undefined when it is not set. */
export function connectionsFromEnv(env: NodeJS.ProcessEnv): Connection[] | undefined {
  const text = env[PLEO_CONNECTIONS];
  if (text === undefined) return undefined;
  const fail = (problem: string) => new LocalEnvError(`${PLEO_CONNECTIONS}: ${problem}`);
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    throw fail(`expected JSON, a list of connections such as ${EXAMPLE}`);
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw fail(`expected a list of at least one connection, such as ${EXAMPLE}`);
  }
  const names = new Set<string>();
  return entries.map((entry: unknown, index) => {
    const label = `entry ${index + 1}${hasName(entry) ? ` ("${entry.name}")` : ''}`;
    const parsed = z.safeParse(connectionEnvEntrySchema, entry);
    if (!parsed.success) {
      // Where and what, never the value: zod's messages say what was expected, not what was given.
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw fail(`${label}: ${where}${issue?.message ?? 'not a connection'}`);
    }
    const given = CREDENTIALS.filter((field) => parsed.data[field] !== undefined);
    if (given.length !== 1) throw fail(`${label}: give exactly one of ${CREDENTIALS.join(', ')}`);
    if (names.has(parsed.data.name)) throw fail(`${label}: the name is taken by an earlier entry`);
    names.add(parsed.data.name);
    return connectionFromEnvEntry(parsed.data);
  });
}

/**
 * The environment the poller's settings are read from: with PLEO_CONNECTIONS and none of the stack's own key
 * settings, the stack's connection is not polled, and a stand-in key fills its setting.
 */
export function pollerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const singleKey = [ENV.PLEO_API_KEY, ENV.PLEO_API_TOKEN, ENV.PLEO_CREDENTIAL_SECRET_ARN].some(
    (name) => env[name] !== undefined,
  );
  return env[PLEO_CONNECTIONS] !== undefined && !singleKey ? { ...env, [ENV.PLEO_API_KEY]: UNUSED_KEY } : env;
}

/** Never sent: the stack's connection is not polled when it stands in. */
const UNUSED_KEY = 'not-used-with-PLEO_CONNECTIONS';

function hasName(entry: unknown): entry is { name: string } {
  return (
    typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string'
  );
}
