// npm start's actions endpoint: the Lambda's endpoint code over real HTTP on 127.0.0.1, on a dynalite table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../functions/adapters/slack/interaction.js';
import type { Log } from '../../functions/app/ports.js';
import { actionIdOf } from '../../functions/contracts/action-button.js';
import { emailActionLink, signActionToken } from '../../functions/contracts/action-token.js';
import { type ActionsServer, startLocalActions } from '../../local/actions-server.js';
import { startTestTable } from '../support/dynamo.js';

const SECRET = 'local-signing-secret';
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const ACME = '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01';

describe('startLocalActions', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let server: ActionsServer | undefined;
  let env: NodeJS.ProcessEnv;
  let description: string[];
  const posts: string[] = [];

  beforeAll(async () => {
    table = await startTestTable();
    env = {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_TEAM_ID: 'T0001',
      TABLE_NAME: table.tableName,
      PLEO_API_URL: 'http://127.0.0.1:1',
      ACTIONS_PORT: '0',
    };
    const started = await startLocalActions(env, {
      dynamo: table.doc,
      readSecret: async () => undefined,
      log: silent,
      fetch: async (_url, init) => {
        posts.push(String(init?.body));
        return new Response('ok');
      },
    });
    server = started?.server;
    description = started?.description ?? [];
  });
  afterAll(async () => {
    await server?.close();
    await table.close();
  });

  it("serves Slack's Request URL on 127.0.0.1, says where, and points the emails' links and the poller at it", () => {
    expect(server?.slackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/actions$/);
    expect(description.join('\n')).toContain(server?.slackUrl);
    expect(env).toMatchObject({ ACTIONS_URL: server?.url, SLACK_ACTIONS: 'true' });
    expect(env.EMAIL_LINK_KEY).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses, over HTTP, a click not signed with the secret, and acts on one that is', async () => {
    // Prepare
    const payload = {
      type: 'block_actions',
      team: { id: 'T0001' },
      user: { id: 'U0001', username: 'ana' },
      response_url: 'https://hooks.slack.com/actions/T0001/1/abc',
      actions: [
        {
          action_id: actionIdOf('ack'),
          block_id: 'actions',
          value: JSON.stringify({ v: 1, c: ACME, r: 'missing_configuration', m: 'a-1' }),
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const send = (secret: string) =>
      fetch(server?.slackUrl ?? '', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signatureOf(secret, timestamp, body),
        },
        body,
      });

    // Act
    const forged = await send('another-secret');
    const signed = await send(SECRET);

    // Assess: the forged one changed nothing; the signed one was answered (no open group: told in the message).
    expect(forged.status).toBe(401);
    expect(signed.status).toBe(200);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('Acknowledge: not done');
  });

  it("opens an email's link as the Lambda does: a page to confirm", async () => {
    // Prepare
    const token = signActionToken(
      {
        action: 'mute',
        companyId: ACME,
        reason: 'missing_configuration',
        alertId: 'a-1',
        expiresAt: new Date(Date.now() + 60_000),
      },
      env.EMAIL_LINK_KEY ?? '',
    );

    // Act
    const page = await fetch(emailActionLink(server?.url ?? '', token));

    // Assess
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Mute 7 days</button>');
  });

  it('is not served without the signing secret, and names SLACK_TEAM_ID when the secret comes without it', async () => {
    await expect(
      startLocalActions(
        { TABLE_NAME: 't-1', PLEO_API_URL: 'http://127.0.0.1:1' },
        { dynamo: table.doc, readSecret: async () => undefined, log: silent },
      ),
    ).resolves.toBeUndefined();
    await expect(
      startLocalActions(
        { SLACK_SIGNING_SECRET: SECRET, TABLE_NAME: 't-1', PLEO_API_URL: 'http://127.0.0.1:1' },
        { dynamo: table.doc, readSecret: async () => undefined, log: silent },
      ),
    ).rejects.toThrow(/SLACK_TEAM_ID/);
  });
});
