// `npm start -- --once` as a user runs it: a child process, its output and its exit code.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../local/demo-api/seed.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';

const run = promisify(execFile);
const START = ['node_modules/.bin/tsx', ['local/start.ts', '--once']] as const;

/** The environment of a fresh shell: none of the overrides set. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, ...extra };
}

async function start(env: NodeJS.ProcessEnv, args: readonly string[] = START[1]) {
  try {
    const { stdout, stderr } = await run(START[0], [...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// A run starts a child process through tsx: seconds on a quiet machine, over half a minute on a loaded one.
describe('npm start -- --once', { timeout: 120_000 }, () => {
  let api: DemoApi;
  let companies: DemoApi;
  beforeAll(async () => {
    api = await startDemoApi({ apiKeys: ['the-right-key'] });
    const store = demoSeed();
    companies = await startDemoApi({
      store,
      apiKeys: [],
      companyKeys: { 'key-acme': store.companies()[0]?.id ?? '' },
    });
  });
  afterAll(async () => {
    await api.close();
    await companies.close();
  });

  it('polls the embedded parts, prints what email and Slack would show, and exits 0', async () => {
    const result = await start(cleanEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/EMAIL {2}Subject: \[Pleo export\]/);
    expect(result.stdout).toContain('SLACK');
    expect(result.stdout).toMatch(/, \d+ messages? published \(\d+ Pleo requests,/);
    // One connection per demo company, each with its own key.
    expect(result.stdout).toContain(
      'Connections: acme, nordlys, bergmann, thistle, skovgaard, each with its own key',
    );
    expect(result.stdout).toMatch(/\] skovgaard: Poll: /);
  });

  it('polls every connection in PLEO_CONNECTIONS and exits 1 naming the one whose key is refused', async () => {
    // Prepare: a Pleo whose keys each answer for one company.
    const [acme, nordlys] = companies.store.companies();
    const connections = [
      { name: 'acme', companyId: acme?.id, apiKey: 'key-acme' },
      { name: 'nordlys', companyId: nordlys?.id, apiKey: 'key-revoked-7d1e' },
      // Acme's key used for Nordlys: Pleo answers 403.
      { name: 'borrowed', companyId: nordlys?.id, apiKey: 'key-acme' },
    ];

    // Act
    const result = await start(
      cleanEnv({ PLEO_API_URL: companies.url, PLEO_CONNECTIONS: JSON.stringify(connections) }),
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\] acme: Poll: \d+ failed exports? in the lookback/);
    expect(result.stdout).toMatch(/\] nordlys: Poll failed: .*401/);
    expect(result.stdout).toMatch(/\] borrowed: Poll failed: .*403/);
    expect(result.stdout).toContain(
      'Alerter problem: Pleo API key not accepted (connection nordlys for company',
    );
    expect(result.stderr).toBe('pleo-export-alerts: the poll failed for nordlys, borrowed\n');
    expect(`${result.stdout}${result.stderr}`).not.toContain('key-revoked-7d1e');
  });

  it.each([
    ['not JSON', '[{"name":', 'PLEO_CONNECTIONS: expected JSON'],
    [
      'an entry with two keys',
      '[{"name":"acme","apiKey":"secret-k1","apiToken":"secret-t1"}]',
      'PLEO_CONNECTIONS: entry 1 ("acme"): give exactly one of apiKey, apiToken, parameter, secretArn',
    ],
    ['an entry without a name', '[{"apiKey":"secret-k1"}]', 'PLEO_CONNECTIONS: entry 1: name: '],
    [
      'two entries of one name',
      '[{"name":"a","apiKey":"secret-k1"},{"name":"a","apiKey":"secret-k2"}]',
      'PLEO_CONNECTIONS: entry 2 ("a"): the name is taken',
    ],
    [
      'a bad expiry date',
      '[{"name":"a","apiKey":"secret-k1","expiresOn":"next year"}]',
      'PLEO_CONNECTIONS: entry 1 ("a"): expiresOn: ',
    ],
  ])(
    'fails at start on PLEO_CONNECTIONS with %s, naming the entry and never a key',
    async (_case, value, message) => {
      // Act
      const result = await start(cleanEnv({ PLEO_API_URL: companies.url, PLEO_CONNECTIONS: value }));

      // Assess
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toContain('secret-');
    },
  );

  it('exits non-zero with a message about the key when Pleo answers 401, never printing the key', async () => {
    const key = 'wrong-key-5f2b9c';
    const result = await start(cleanEnv({ PLEO_API_URL: api.url, PLEO_API_KEY: key }));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/Poll failed: .*API key is invalid, expired/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(key);
  });

  it('refuses a Pleo URL carrying a password before starting anything, never printing the password', async () => {
    const password = 'hunter2-a81c';
    const url = new URL(api.url);
    url.username = 'bob';
    url.password = password;
    const result = await start(cleanEnv({ PLEO_API_URL: url.href, PLEO_API_KEY: 'the-right-key' }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('PLEO_API_URL: must not contain a user name or password');
    expect(result.stdout).toBe('');
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);
  });

  it('shows the Pleo URL in the banner without its query or fragment', async () => {
    // Prepare
    const secret = 'SECRETQ-93d1';
    const url = `${api.url.replace(/\/$/, '')}/?token=${secret}#${secret}`;

    // Act
    const result = await start(cleanEnv({ PLEO_API_URL: url, PLEO_API_KEY: 'the-right-key' }));

    // Assess
    expect(result.stdout).toContain(`Pleo API: ${api.url.replace(/\/$/, '')}\n`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  });

  it('prints its options for --help, and the same with a one-line reason for an unknown option', async () => {
    const help = await start(cleanEnv(), ['local/start.ts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm start/);
    expect(help.stdout).toContain('--time-scale');

    const unknown = await start(cleanEnv(), ['local/start.ts', '--once', '--bogus']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^pleo-export-alerts: Unknown option '--bogus'.*\nusage: npm start/);
    expect(unknown.stderr).not.toContain('    at ');
  });

  it('fails at start naming a bad variable', async () => {
    const result = await start(cleanEnv({ LOOKBACK_DAYS: 'a week' }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('LOOKBACK_DAYS');
  });

  it.each([
    [
      'a Slack webhook that is not a URL',
      { SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T0/B0/secret-a1' },
      'SLACK_WEBHOOK_URL: must be the https:// URL of a Slack incoming webhook',
    ],
    [
      'a Slack webhook over plain http to another machine',
      { SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/secret-a1' },
      'SLACK_WEBHOOK_URL: must be the https:// URL of a Slack incoming webhook',
    ],
    [
      'a DynamoDB endpoint that is not a URL',
      { AWS_ENDPOINT_URL_DYNAMODB: 'notaurl', TABLE_NAME: 't123' },
      'AWS_ENDPOINT_URL_DYNAMODB: must be an http:// or https:// URL',
    ],
    [
      'an SNS endpoint that is not a URL',
      { AWS_ENDPOINT_URL_SNS: 'notaurl', ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t' },
      'AWS_ENDPOINT_URL_SNS: must be an http:// or https:// URL',
    ],
    [
      'an SNS endpoint without its topic',
      { AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:1' },
      'ALERT_TOPIC_ARN is required when AWS_ENDPOINT_URL_SNS is set',
    ],
    [
      'a DynamoDB endpoint without its table',
      { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' },
      'TABLE_NAME is required when AWS_ENDPOINT_URL_DYNAMODB is set',
    ],
    [
      'a topic without its SNS endpoint',
      { ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t' },
      'ALERT_TOPIC_ARN needs AWS_ENDPOINT_URL_SNS: without it the embedded SNS topic is used',
    ],
    [
      'a bad table name for the embedded DynamoDB (the poller configuration is checked first)',
      { TABLE_NAME: 'bad name!' },
      'TABLE_NAME: expected a DynamoDB table name',
    ],
    [
      'a Pleo token without a Pleo URL',
      { PLEO_API_TOKEN: 'secret-a1' },
      'PLEO_API_TOKEN needs PLEO_API_URL: without it the embedded demo API is used',
    ],
    [
      'a Pleo API key without a Pleo URL',
      { PLEO_API_KEY: 'secret-a1' },
      'PLEO_API_KEY needs PLEO_API_URL: without it the embedded demo API is used',
    ],
  ])('refuses %s in one line naming the variable, before starting anything', async (_case, env, message) => {
    const result = await start(cleanEnv(env));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^pleo-export-alerts: [^\n]+\n$/);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('secret-a1');
  });

  it.each([
    ['AWS_ENDPOINT_URL_DYNAMODB', { TABLE_NAME: 't123' }],
    ['AWS_ENDPOINT_URL_SNS', { ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:t' }],
  ])('names %s when nothing answers there', async (variable, companion) => {
    // Prepare
    const endpoint = await closedPortUrl();

    // Act
    const result = await start(cleanEnv({ [variable]: endpoint, ...companion }));

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe(
      `pleo-export-alerts: ${variable}: nothing answers at ${endpoint} (connect ECONNREFUSED ${endpoint.slice(7)})\n`,
    );
  });
});

describe('npm start -- --once with SLACK_WEBHOOK_URL', { timeout: 120_000 }, () => {
  const WEBHOOK_PATH = '/services/T0/B0/secret-slack-7e4f';
  let slack: Server;
  let posts = 0;
  beforeAll(async () => {
    slack = createServer((request, response) => {
      posts++;
      request.resume();
      response.writeHead(400).end('invalid_blocks');
    });
    await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => slack.close(() => resolve())));

  it('exits 1 when Slack refuses the posts, saying why for each and never printing the webhook', async () => {
    // Prepare
    const { port } = slack.address() as AddressInfo;
    posts = 0;

    // Act
    const result = await start(cleanEnv({ SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}${WEBHOOK_PATH}` }));

    // Assess
    expect(result.code).toBe(1);
    const failures = result.stdout.match(
      /^Slack post failed: Slack webhook answered 400 \(invalid_blocks\)$/gm,
    );
    expect(failures?.length).toBeGreaterThan(1);
    expect(failures?.length).toBe(posts);
    expect(`${result.stdout}${result.stderr}`).not.toContain(WEBHOOK_PATH);
  });

  it('exits 1 when Slack never answers, after one post rather than retrying every message', async () => {
    // Prepare
    const webhook = `${await closedPortUrl()}${WEBHOOK_PATH}`;

    // Act
    const result = await start(cleanEnv({ SLACK_WEBHOOK_URL: webhook }));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout.match(/^Slack post failed: .*; no more Slack posts this poll$/gm)).toHaveLength(1);
    expect(`${result.stdout}${result.stderr}`).not.toContain(WEBHOOK_PATH);
  });
});

/** The URL of a port on this machine where nothing listens (any more). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
