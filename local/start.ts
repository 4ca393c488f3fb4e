// `npm start`: the poller on one machine. By default everything is embedded (demo Pleo API, dynalite, fauxqs)
// and what subscribers would receive is printed; standard environment variables switch each part to a real one.
// Polls every 15 s until Ctrl-C; the options are in USAGE (`npm start -- --help`).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoConnectionStore } from '../functions/adapters/dynamodb/connections.js';
import { postToSlack, SlackPostError } from '../functions/adapters/slack/webhook.js';
import { parsePollerConfig } from '../functions/config/poller.js';
import type { SlackMessage } from '../functions/contracts/slack-message.js';
import { parseStructuredMessage } from '../functions/contracts/structured-message.js';
import { type Connection, connectionFromRecord, pollRequests } from '../functions/domain/connection.js';
import { awsRuntime } from '../functions/handlers/poller/aws-runtime.js';
import { createPoller } from '../functions/handlers/poller/compose.js';
import { type ActionsServer, startLocalActions } from './actions-server.js';
import { connectionsFromEnv, pollerEnvironment } from './connections.js';
import { checkLocalEnv } from './env-check.js';
import { FolderCredentialVault, localParametersDir } from './parameter-folder.js';
import { apiKeyOf, DEMO_API_KEY, type LocalParts, startLocalParts } from './parts.js';
import { printDelivery, summary } from './print.js';

const USAGE = `usage: npm start [-- options]
  --once              poll every connection once, then exit (0 when all succeeded, 1 naming each that failed)
  --interval <s>      seconds between polls (default 15)
  --time-scale <n>    how much faster than real time demo time runs (default 1440: a day per minute; 1: real time)
  --verbose           every message in full (default: the first of each kind, then subjects)
  --help              this text
Environment variables switch each part to a real one: see README, "Quick start".`;

const args = (() => {
  try {
    return parseArgs({
      options: {
        once: { type: 'boolean', default: false },
        interval: { type: 'string', default: '15' },
        'time-scale': { type: 'string', default: '1440' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    return fail(`${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${USAGE}`);
  }
})();
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const intervalSeconds = Number(args.interval);
if (!Number.isFinite(intervalSeconds) || intervalSeconds < 1)
  fail('--interval must be a number of seconds ≥ 1');
const timeScale = Number(args['time-scale']);
if (!Number.isFinite(timeScale) || timeScale < 1) fail('--time-scale must be a number ≥ 1');

const write = (text: string) => process.stdout.write(`${text}\n`);
const env = process.env;
env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
env.POWERTOOLS_SERVICE_NAME ??= 'pleo-export-alerts-local';

let parts: LocalParts | undefined;
let actions: ActionsServer | undefined;
// Ctrl-C ends the wait between polls and aborts a poll in flight, the way the Lambda's timeout signal would.
const stop = new AbortController();
process.on('SIGINT', () => stop.abort());

async function main(): Promise<void> {
  await checkLocalEnv(env);
  // Demo time runs a day per minute by default, so reminders and resolved notices show while you watch.
  parts = await startLocalParts({
    env,
    newFailureEveryMs: 20_000,
    completedExportEveryMs: 45_000,
    timeScale,
  });
  write(
    `pleo-export-alerts — local run${args.once ? ' (one poll)' : `, polling every ${intervalSeconds} s; Ctrl-C stops`}`,
  );
  const logger = new Logger();
  // Slack's clicks and the emails' links, served while the run goes on (a single poll has no one to click).
  const local = args.once
    ? undefined
    : await startLocalActions(
        env,
        { ...awsRuntime(logger), clock: parts.clock },
        parts.api ? DEMO_API_KEY : undefined,
      );
  actions = local?.server;
  for (const line of [...parts.description, ...(local?.description ?? [])]) write(`  ${line}`);

  const config = parsePollerConfig(pollerEnvironment(env));
  const given = connectionsFromEnv(env) ?? parts.demoConnections ?? [config.stackConnection];
  if (given.length > 1 || !given[0]?.stack) {
    write(`  Connections: ${given.map((c) => c.name).join(', ')}, each with its own key`);
  }
  const runtime = awsRuntime(logger);
  const stored = new DynamoConnectionStore(runtime.dynamo, config.tableName);
  let connections = given;
  const poller = createPoller(config, {
    ...runtime,
    // Keys the CLI stored for `npm start`'s parts (`connections add`) are in a local folder, not Parameter Store.
    readParameter: (name) => new FolderCredentialVault(localParametersDir(env)).read(name),
    connections: async () => connections,
    clock: parts.clock,
  });
  const demoRevokes = args.once ? undefined : parts.api && parts.demoConnections?.at(-1);
  if (demoRevokes) {
    write(
      `  The demo revokes ${demoRevokes.name}'s key for polls ${DEMO_REVOKED_FROM}–${DEMO_REVOKED_UNTIL - 1}`,
    );
  }
  for (let round = 1; !stop.signal.aborted; round++) {
    // The demo shows a refused key: an admin revokes the last company's key for a few polls, then issues it again.
    if (demoRevokes && round === DEMO_REVOKED_FROM) parts.api?.revoked.add(apiKeyOf(demoRevokes));
    if (demoRevokes && round === DEMO_REVOKED_UNTIL) parts.api?.revoked.clear();
    // Connections added with the CLI (`connections add`) while the run goes on are polled from the next round.
    connections = [...given, ...(await storedConnections(stored, given))];
    const { failed, ok } = await pollAndShow(poller, connections);
    if (args.once) {
      if (failed.length > 0) {
        process.stderr.write(`pleo-export-alerts: the poll failed for ${failed.join(', ')}\n`);
      }
      process.exitCode = ok && failed.length === 0 ? 0 : 1;
      break;
    }
    await sleep(intervalSeconds * 1000, undefined, { signal: stop.signal }).catch(() => {});
  }
}

/** The connections stored in the table (the CLI's), but those of a name given otherwise; a malformed one is said. */
async function storedConnections(
  store: DynamoConnectionStore,
  given: readonly Connection[],
): Promise<Connection[]> {
  const { connections, malformed } = await store.list();
  for (const { name, problem } of malformed) write(`Stored connection ${name} skipped: ${problem}`);
  return connections
    .filter((record) => !given.some((connection) => connection.name === record.name))
    .map(connectionFromRecord);
}

/** The polls (from the first) in which the demo's last company's key is refused. */
const DEMO_REVOKED_FROM = 3;
const DEMO_REVOKED_UNTIL = 6;

/**
 * Polls every connection once, those covering a company in common in turn (as the poll queue's requests group
 * them), and shows what went out. Returns the connections whose poll failed, and whether every Slack post went out.
 */
async function pollAndShow(
  poller: ReturnType<typeof createPoller>,
  connections: readonly Connection[],
): Promise<{ failed: string[]; ok: boolean }> {
  const failed: string[] = [];
  let ok = true;
  const named = connections.length > 1 || !connections[0]?.stack;
  for (const request of pollRequests(connections)) {
    for (const name of request.connections) {
      const connection = connections.find((c) => c.name === name);
      if (!connection) continue;
      const label = `\n[${time(parts?.clock)}] ${named ? `${name}: ` : ''}`;
      try {
        write(`${label}${summary(await poller.pollConnection(connection, { signal: stop.signal }))}`);
      } catch (error) {
        failed.push(name);
        write(`${label}Poll failed: ${oneLine(error)}`);
      }
    }
  }
  // Whatever was published, even by a failed poll (e.g. the API key alert), is shown: the first message of each
  // kind in full, the others by their subject, unless --verbose.
  const shownKinds = new Set<string>();
  let slackUrl = env.SLACK_WEBHOOK_URL;
  for (const body of (await parts?.sns?.drain()) ?? []) {
    const message = parseStructuredMessage(body);
    if (args.verbose || !shownKinds.has(message.kind)) printDelivery(message, write);
    else write(`✉  ${message.email.subject}`);
    shownKinds.add(message.kind);
    if (slackUrl) {
      const result = await postShown(slackUrl, message.slack);
      if (result !== 'posted') ok = false;
      // Each further post would wait out its retries as well: minutes in all for a poll's worth of messages.
      if (result === 'unanswered') slackUrl = undefined;
    }
  }
  return { failed, ok };
}

/** Posts the message to the webhook; when Slack refuses it or never answers, says so in one line. */
async function postShown(
  webhookUrl: string,
  message: SlackMessage,
): Promise<'posted' | 'refused' | 'unanswered'> {
  try {
    await postToSlack(webhookUrl, message);
    return 'posted';
  } catch (error) {
    const unanswered = error instanceof SlackPostError && error.status === undefined;
    write(`Slack post failed: ${oneLine(error)}${unanswered ? '; no more Slack posts this poll' : ''}`);
    return unanswered ? 'unanswered' : 'refused';
  }
}

function oneLine(error: unknown): string {
  return error instanceof Error ? `${error.message}`.replace(/\s+/g, ' ') : String(error);
}

function time(clock: () => Date = () => new Date()): string {
  return clock().toISOString().slice(0, 19).replace('T', ' ');
}

function fail(message: string): never {
  process.stderr.write(`pleo-export-alerts: ${message}\n`);
  process.exit(1);
}

main()
  .catch((error: unknown) => {
    process.exitCode = 1;
    process.stderr.write(`pleo-export-alerts: ${oneLine(error)}\n`);
  })
  .finally(async () => {
    await actions?.close();
    await parts?.close();
    // Embedded servers may keep sockets alive briefly; the run is over.
    process.exit();
  });
