// `npm start -- --once` as a user runs it: a child process, its output and its exit code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('npm start -- --once', () => {
  let api: DemoApi;
  beforeAll(async () => {
    api = await startDemoApi({ apiKeys: ['the-right-key'] });
  });
  afterAll(() => api.close());

  it('polls the embedded parts, prints what email and Slack would show, and exits 0', async () => {
    const result = await start(cleanEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/EMAIL {2}Subject: \[Pleo export\]/);
    expect(result.stdout).toContain('SLACK');
    expect(result.stdout).toMatch(/alert\(s\) published/);
  });

  it('exits non-zero with a message about the key when Pleo answers 401, never printing the key', async () => {
    const key = 'wrong-key-5f2b9c';
    const result = await start(cleanEnv({ PLEO_API_URL: api.url, PLEO_API_KEY: key }));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/Poll failed: .*API key is invalid, expired/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(key);
  });

  it('refuses a Pleo URL carrying a password, naming the variable and never printing the password', async () => {
    const password = 'hunter2-a81c';
    const url = new URL(api.url);
    url.username = 'bob';
    url.password = password;
    const result = await start(cleanEnv({ PLEO_API_URL: url.href, PLEO_API_KEY: 'the-right-key' }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('PLEO_API_URL: must not contain a user name or password');
    expect(result.stdout).toContain(`Pleo API: ${api.url.replace(/\/$/, '')}`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(password);
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
});
