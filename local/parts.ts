// The parts `npm start` runs on: embedded ones by default, each replaced by a real one when its standard
// environment variables are set. Embedded parts announce themselves through the same variables, so the
// poller reads its configuration exactly as the Lambda does.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetTopicAttributesCommand, NotFoundException, SNSClient } from '@aws-sdk/client-sns';
import { ENV } from '../functions/config/env.js';
import type { Connection } from '../functions/domain/connection.js';
import { applyAwsDefaults } from './aws-env.js';
import { demoSeed } from './demo-api/seed.js';
import { type DemoApi, startDemoApi } from './demo-api/server.js';
import type { DemoStore } from './demo-api/store.js';
import { ensureTable, startDynalite } from './embedded/dynamodb.js';
import { type EmbeddedSns, startEmbeddedSns } from './embedded/sns.js';

const { ALERT_TOPIC_ARN, PLEO_API_KEY, PLEO_API_URL, PLEO_COMPANIES, TABLE_NAME } = ENV;

/** The organisation key the embedded demo API accepts. */
export const DEMO_API_KEY = 'demo-key';
/** The table's name when TABLE_NAME is not set and DynamoDB is embedded. */
export const LOCAL_TABLE_NAME = 'pleo-export-alerts-local';

export interface LocalParts {
  /** What runs embedded and what is real, for the banner. */
  description: string[];
  /** The demo Export API, when Pleo is embedded. */
  api: DemoApi | undefined;
  /** The time the poller and the demo API share. */
  clock: () => Date;
  /** The embedded subscriber queue, when SNS is embedded. */
  sns: EmbeddedSns | undefined;
  /** One connection per demo company, each with the key the demo API gives that company alone, when it is embedded. */
  demoConnections: Connection[] | undefined;
  close(): Promise<void>;
}

export interface LocalOptions {
  env: NodeJS.ProcessEnv;
  /** Interval at which the demo API adds a new failure; 0 never adds one. */
  newFailureEveryMs: number;
  /** Interval at which the demo API adds a completed export for a failing company; 0 never adds one. */
  completedExportEveryMs?: number;
  /** The demo API's data (default: the demo seed). */
  demoStore?: DemoStore;
  /**
   * How much faster than real time the demo runs, so that reminders (a day apart) show within minutes. Only
   * when both Pleo and DynamoDB are embedded: a real table or API always gets the real time.
   */
  timeScale?: number;
}

export async function startLocalParts(options: LocalOptions): Promise<LocalParts> {
  const { env, newFailureEveryMs, completedExportEveryMs = 0, demoStore } = options;
  const description: string[] = [];
  const scale = !env[PLEO_API_URL] && !env.AWS_ENDPOINT_URL_DYNAMODB ? (options.timeScale ?? 1) : 1;
  const clock = scaledClock(scale);
  if (scale !== 1) {
    description.push(`Demo time: ${scale}× real time (a day passes in ${formatDuration(86_400 / scale)})`);
  }
  let api: DemoApi | undefined;
  let demoConnections: Connection[] | undefined;
  const closers: Array<() => Promise<void>> = [];
  // Before the embedded parts set their endpoints: it tells a call that stays on this machine by them.
  const region = await applyAwsDefaults(env);
  // Before any part starts: a mistyped topic must not leave a table created in the DynamoDB given, or a demo running.
  if (env.AWS_ENDPOINT_URL_SNS && env[ALERT_TOPIC_ARN]) {
    await assertTopicExists(env[ALERT_TOPIC_ARN], env.AWS_ENDPOINT_URL_SNS);
  }

  if (env[PLEO_API_URL]) {
    description.push(`Pleo API: ${shownUrl(env[PLEO_API_URL])}`);
  } else {
    const store = demoStore ?? demoSeed();
    demoConnections = store.companies().map(demoConnection);
    const demo = await startDemoApi({
      store,
      companyKeys: Object.fromEntries(demoConnections.map((c) => [apiKeyOf(c), c.companyId ?? ''])),
      clock,
      newFailureEveryMs: newFailureEveryMs || undefined,
      completedExportEveryMs: completedExportEveryMs || undefined,
    });
    closers.push(demo.close);
    api = demo;
    env[PLEO_API_URL] = demo.url;
    env[PLEO_API_KEY] = DEMO_API_KEY;
    env[PLEO_COMPANIES] ??= JSON.stringify(demo.store.companies());
    const activity = [
      newFailureEveryMs > 0 ? `a new failure every ${newFailureEveryMs / 1000} s` : '',
      completedExportEveryMs > 0 ? `a successful export every ${completedExportEveryMs / 1000} s` : '',
    ].filter(Boolean);
    description.push(
      `Pleo API: demo at ${demo.url}${activity.length > 0 ? ` (${activity.join(', ')})` : ''}`,
    );
  }

  if (env.AWS_ENDPOINT_URL_DYNAMODB) {
    description.push(`DynamoDB: ${shownUrl(env.AWS_ENDPOINT_URL_DYNAMODB)}`);
  } else {
    const dynalite = await startDynalite();
    closers.push(dynalite.close);
    env.AWS_ENDPOINT_URL_DYNAMODB = dynalite.endpoint;
    description.push('DynamoDB: embedded (dynalite, in memory)');
  }
  env[TABLE_NAME] ??= LOCAL_TABLE_NAME;
  const dynamo = new DynamoDBClient({});
  await ensureTable(dynamo, env[TABLE_NAME]);
  dynamo.destroy();
  description.push(`  table: ${env[TABLE_NAME]}`);

  let sns: EmbeddedSns | undefined;
  if (env.AWS_ENDPOINT_URL_SNS) {
    description.push(
      `SNS: ${shownUrl(env.AWS_ENDPOINT_URL_SNS)}, topic ${env[ALERT_TOPIC_ARN] ?? `(${ALERT_TOPIC_ARN} not set)`}`,
    );
  } else {
    sns = await startEmbeddedSns(region);
    closers.push(sns.close);
    env.AWS_ENDPOINT_URL_SNS = sns.endpoint;
    env[ALERT_TOPIC_ARN] = sns.topicArn;
    description.push('SNS: embedded (fauxqs), with a queue subscribed that stands in for email and Slack');
  }
  if (env.SLACK_WEBHOOK_URL) description.push('Slack: posting to the incoming webhook in SLACK_WEBHOOK_URL');

  return {
    description,
    api,
    clock,
    sns,
    demoConnections,
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

/**
 * Fails naming ALERT_TOPIC_ARN when the SNS there has no such topic; otherwise every alert of every poll would fail
 * to publish, each in its own log line. Any other answer (e.g. no permission to read the topic's attributes, which
 * publishing does not need) lets the run go on.
 */
async function assertTopicExists(topicArn: string, endpoint: string): Promise<void> {
  const sns = new SNSClient({});
  try {
    await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  } catch (error) {
    if (error instanceof NotFoundException) {
      throw new Error(`${ALERT_TOPIC_ARN}: no such topic at ${shownUrl(endpoint)} (AWS_ENDPOINT_URL_SNS)`);
    }
  } finally {
    sns.destroy();
  }
}

/** A demo company's connection: named by the first word of its name, its key good for it alone. */
function demoConnection(company: { id: string; name: string }): Connection {
  const name =
    company.name
      .split(/\s/)[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9]/g, '') || company.id;
  return {
    name,
    stack: false,
    companyId: company.id,
    companies: [company],
    credential: { kind: 'apiKey', apiKey: `demo-key-${name}` },
  };
}

/** The key of a connection given its key directly. */
export function apiKeyOf(connection: Connection): string {
  return connection.credential.kind === 'apiKey' ? connection.credential.apiKey : '';
}

function scaledClock(scale: number): () => Date {
  if (scale === 1) return () => new Date();
  const start = Date.now();
  return () => new Date(start + (Date.now() - start) * scale);
}

function formatDuration(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}

/**
 * A URL as the banner shows it: without a user name, password, query or fragment, where a credential may hide,
 * as the banner ends up in terminals and logs.
 */
export function shownUrl(value: string): string {
  if (!URL.canParse(value)) return '(not a URL)';
  const url = new URL(value);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/$/, '');
}
