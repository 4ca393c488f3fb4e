// `npm start -- --once` switched to DynamoDB and SNS servers started on their own on this machine (dynalite,
// fauxqs), as a developer would run them: no AWS credentials, the table created, the alerts published to the given
// topic and nothing printed, and a second run remembering what the first alerted.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../functions/adapters/dynamodb/connections.js';
import { connectionParameterName } from '../../functions/contracts/connection.js';
import { demoSeed } from '../../local/demo-api/seed.js';
import { type EmbeddedDynamo, ensureTable, startDynalite } from '../../local/embedded/dynamodb.js';
import { FolderCredentialVault } from '../../local/parameter-folder.js';

const run = promisify(execFile);

type Fauxqs = Awaited<ReturnType<typeof startFauxqs>>;

let dynamo: EmbeddedDynamo;
let sns: Fauxqs;
let topicArn: string;
let home: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  sns = await startFauxqs({ port: 0, logger: false, defaultRegion: 'eu-west-1' });
  topicArn = sns.createTopic('team-alerts', { region: 'eu-west-1' }).topicArn;
  sns.createQueue('team-inbox', { region: 'eu-west-1' });
  sns.subscribe({ topic: 'team-alerts', queue: 'team-inbox', region: 'eu-west-1' });
  // A home without ~/.aws: nothing but the environment can provide AWS credentials.
  home = await mkdtemp(join(tmpdir(), 'npm-start-home-'));
});

afterAll(async () => {
  await dynamo.close();
  await sns.stop();
  await rm(home, { recursive: true, force: true });
});

/** A fresh shell's environment; the instance metadata service is never asked for credentials. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

/** A run starts a child process through tsx: seconds on a quiet machine, over half a minute on a loaded one. */
const RUN_TIMEOUT_MS = 60_000;

async function start(env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['local/start.ts', '--once'], {
      env,
      timeout: RUN_TIMEOUT_MS,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function inbox(): number {
  const queue = sns.inspectQueue('team-inbox');
  return queue?.messages.ready.length ?? 0;
}

describe('npm start -- --once on a standalone DynamoDB and SNS', { timeout: RUN_TIMEOUT_MS * 2 }, () => {
  it('needs no AWS credentials, creates the table, publishes to the topic, and a second run repeats nothing', async () => {
    // Prepare
    const env = cleanEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TABLE_NAME: 'standalone-alerts',
      AWS_ENDPOINT_URL_SNS: sns.address,
      ALERT_TOPIC_ARN: topicArn,
    });
    const before = inbox();

    // Act
    const first = await start(env);
    const published = inbox() - before;
    const second = await start(env);

    // Assess
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`SNS: ${sns.address}, topic ${topicArn}`);
    expect(first.stdout).not.toContain('EMAIL');
    // A line per demo company's connection.
    const alerts = [...first.stdout.matchAll(/, (\d+) messages? published/g)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    expect(alerts).toBeGreaterThan(0);
    expect(published).toBe(alerts);
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'standalone-alerts' }));
    client.destroy();
    expect(Table?.TableStatus).toBe('ACTIVE');

    expect(second.code).toBe(0);
    expect(second.stdout.match(/ 0 new, 0 messages published/g)).toHaveLength(5);
    expect(inbox() - before).toBe(published);
  });

  it('refuses a topic the SNS there does not have, in one line naming ALERT_TOPIC_ARN', async () => {
    // Act
    const result = await start(
      cleanEnv({ AWS_ENDPOINT_URL_SNS: sns.address, ALERT_TOPIC_ARN: `${topicArn}-typo` }),
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `pleo-export-alerts: ALERT_TOPIC_ARN: no such topic at ${sns.address} (AWS_ENDPOINT_URL_SNS)\n`,
    );
  });

  it('refuses a topic the SNS there does not have before it creates the table in the DynamoDB given', async () => {
    // Act
    const result = await start(
      cleanEnv({
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        TABLE_NAME: 'never-created',
        AWS_ENDPOINT_URL_SNS: sns.address,
        ALERT_TOPIC_ARN: `${topicArn}-typo`,
      }),
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ALERT_TOPIC_ARN: no such topic');
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { TableNames } = await client.send(new ListTablesCommand({}));
    client.destroy();
    expect(TableNames).not.toContain('never-created');
  });

  it('refuses SLACK_WEBHOOK_URL beside AWS_ENDPOINT_URL_SNS, where it would post nothing', async () => {
    // Act
    const result = await start(
      cleanEnv({
        AWS_ENDPOINT_URL_SNS: sns.address,
        ALERT_TOPIC_ARN: topicArn,
        SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/services/T0/B0/secret-b2',
      }),
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^pleo-export-alerts: SLACK_WEBHOOK_URL needs the embedded SNS[^\n]*\n$/);
    expect(result.stderr).not.toContain('secret-b2');
  });
});

describe('npm start -- --once and the AWS profile', { timeout: RUN_TIMEOUT_MS * 2 }, () => {
  let proxy: Server;
  const signedWith: string[] = [];
  beforeAll(async () => {
    // Stands in front of dynalite and notes the access key and region each request is signed with.
    proxy = createServer((incoming, outgoing) => {
      const scope = /Credential=([^/]+)\/\d+\/([^/]+)\//.exec(incoming.headers.authorization ?? '');
      if (scope) signedWith.push(`${scope[1]} ${scope[2]}`);
      const target = new URL(dynamo.endpoint);
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  it('runs everything embedded when AWS_PROFILE names a profile that does not exist', async () => {
    const result = await start(cleanEnv({ AWS_PROFILE: 'no-such-profile' }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('signs for the region of the AWS profile when AWS_REGION is not set', async () => {
    // Prepare
    const profileHome = await mkdtemp(join(tmpdir(), 'npm-start-profile-'));
    await mkdir(join(profileHome, '.aws'));
    await writeFile(join(profileHome, '.aws', 'config'), '[default]\nregion = ap-southeast-2\n');
    const { port } = proxy.address() as AddressInfo;
    signedWith.length = 0;

    // Act
    const result = await start({
      ...cleanEnv({ AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`, TABLE_NAME: 'profile-region' }),
      HOME: profileHome,
    });
    await rm(profileHome, { recursive: true, force: true });

    // Assess
    expect(result.code).toBe(0);
    expect(signedWith.length).toBeGreaterThan(0);
    expect(new Set(signedWith)).toEqual(new Set(['local ap-southeast-2']));
  });
});

describe('npm start -- --once with a connection the CLI stored', { timeout: RUN_TIMEOUT_MS * 2 }, () => {
  it('polls it beside the demo companies, its key read from the local parameter folder', async () => {
    // Prepare: a record in the table and its key in the folder, as `connections add` leaves them for these parts.
    const table = 'stored-connections';
    const parameters = await mkdtemp(join(tmpdir(), 'npm-start-parameters-'));
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await ensureTable(client, table);
    const parameter = connectionParameterName('pleo-export-alerts', 'acme-org');
    await new DynamoConnectionStore(DynamoDBDocumentClient.from(client), table).add({
      name: 'acme-org',
      companyId: demoSeed().companies()[0]?.id,
      credential: { kind: 'parameter', name: parameter },
      addedAt: new Date().toISOString(),
    });
    client.destroy();
    await new FolderCredentialVault(parameters).put(parameter, 'demo-key');

    // Act
    const result = await start(
      cleanEnv({
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        TABLE_NAME: table,
        LOCAL_PARAMETERS_DIR: parameters,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
      }),
    );
    await rm(parameters, { recursive: true, force: true });

    // Assess: it covers Acme, so it is polled right after acme's own connection, and finds nothing left to alert.
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /\] acme: Poll: [^\n]*\n\n\[[^\]]+\] acme-org: Poll: \d+ failed exports? in the lookback, 0 new/,
    );
    expect(result.stdout).not.toContain('demo-key');
  });
});
