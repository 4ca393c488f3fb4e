// A click on an alert's button in Slack, end to end on the parts npm start uses: the poller (as the Lambda
// composes it) sends an alert with buttons through the demo API, dynalite and fauxqs; a click on one of them,
// signed as Slack signs, reaches the actions endpoint (as its Lambda composes it), which acts through the controls
// and replaces the message through the click's response_url. Every request Slack did not sign, or signed once
// already, is refused and changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoControlStore } from '../../../functions/adapters/dynamodb/controls.js';
import { signatureOf } from '../../../functions/adapters/slack/interaction.js';
import type { Log } from '../../../functions/app/ports.js';
import { parseActionsConfig } from '../../../functions/config/actions.js';
import type { SlackBlock } from '../../../functions/contracts/slack-message.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import { createActions } from '../../../functions/handlers/actions/compose.js';
import type { HttpRequest } from '../../../functions/handlers/actions/endpoint.js';
import { awsRuntime } from '../../../functions/handlers/poller/aws-runtime.js';
import { DemoStore } from '../../../local/demo-api/store.js';
import type { LocalParts } from '../../../local/parts.js';
import { startEmbeddedPoller } from '../../support/embedded.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TEAM = 'T0001';
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0001/1/abc';
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

type Actions = Extract<SlackBlock, { type: 'actions' }>;

describe('a click on a Slack button, on dynalite and the demo API', () => {
  const now = Date.parse('2026-11-20T10:42:00Z');
  const clock = () => new Date(now);
  const store = new DemoStore({ clock });
  let parts: LocalParts;
  let endpoint: ReturnType<typeof createActions>;
  let controls: DynamoControlStore;
  let posts: Array<{ url: string; body: Record<string, unknown> }>;
  let message: { text: string; blocks: SlackBlock[] };

  beforeAll(async () => {
    store.addCompany(ACME);
    let poller: Awaited<ReturnType<typeof startEmbeddedPoller>>['poller'];
    ({ parts, poller } = await startEmbeddedPoller(store, clock, {
      SLACK_ACTIONS: 'true',
      QUIET_FIRST_POLL: 'false',
    }));
    store.addJob({
      companyId: ACME.id,
      status: 'failed',
      failureReasonType: 'missing_configuration',
      createdAt: new Date(now - 3_600_000).toISOString(),
    });
    await poller.poll();
    const [delivered] = ((await parts.sns?.drain()) ?? []).map((body) => parseStructuredMessage(body));
    message = delivered?.slack as typeof message;
    const runtime = awsRuntime(silent);
    controls = new DynamoControlStore(runtime.dynamo, process.env.TABLE_NAME as string);
    endpoint = createActions(
      parseActionsConfig({
        TABLE_NAME: process.env.TABLE_NAME,
        PLEO_API_URL: process.env.PLEO_API_URL,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_TEAM_ID: TEAM,
      }),
      {
        dynamo: runtime.dynamo,
        readSecret: async () => undefined,
        log: silent,
        clock,
        slackClock: clock,
        fetch: async (url, init) => {
          posts.push({ url: String(url), body: JSON.parse(String(init?.body)) });
          return new Response('ok');
        },
      },
    );
  });
  afterAll(() => parts?.close());
  beforeEach(() => {
    posts = [];
  });

  const buttons = (): Actions =>
    message.blocks.find((block): block is Actions => block.type === 'actions') as Actions;
  const button = (label: string) => {
    const found = buttons().elements.find((element) => element.text.text === label);
    if (!found) throw new Error(`no button ${label}`);
    return found;
  };
  const clickBody = (label: string, overrides: Record<string, unknown> = {}) => {
    const { action_id, value } = button(label);
    const payload = {
      type: 'block_actions',
      team: { id: TEAM, domain: 'acme' },
      user: { id: 'U0001', username: 'ana', name: 'ana', team_id: TEAM },
      api_app_id: 'A0001',
      container: { type: 'message', message_ts: '1700000000.000100' },
      response_url: RESPONSE_URL,
      message: { type: 'message', text: message.text, blocks: message.blocks },
      actions: [{ type: 'button', action_id, block_id: buttons().block_id, value, action_ts: '1' }],
      ...overrides,
    };
    return Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  };
  const signed = (body: Buffer, secret = SECRET, at = now): HttpRequest => {
    const timestamp = String(Math.floor(at / 1000));
    return {
      method: 'POST',
      path: '/slack/actions',
      query: '',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signatureOf(secret, timestamp, body),
      },
      rawBody: body,
    };
  };
  const noteOf = (post: (typeof posts)[number] | undefined) =>
    JSON.stringify(((post?.body.blocks ?? []) as SlackBlock[]).filter((block) => block.type === 'context'));

  it('sends the alert with Acknowledge, Snooze 1 day and Mute 7 days, no retry', () => {
    expect(buttons().elements.map((element) => element.text.text)).toEqual([
      'Acknowledge',
      'Snooze 1 day',
      'Mute 7 days',
    ]);
  });

  it.each<[string, (body: Buffer) => HttpRequest]>([
    ['signed with another secret', (body) => signed(body, 'not-the-secret')],
    ['signed 6 minutes ago', (body) => signed(body, SECRET, now - 6 * 60_000)],
    [
      'with its body changed after signing',
      (body) => ({ ...signed(body), rawBody: clickBody('Mute 7 days') }),
    ],
    ['without a signature', (body) => ({ ...signed(body), headers: { 'x-slack-request-timestamp': '1' } })],
  ])('refuses a click %s with 401, and changes nothing', async (_case, request) => {
    // Act
    const response = await endpoint(request(clickBody('Acknowledge')));

    // Assess
    expect(response.status).toBe(401);
    expect(await controls.controls()).toEqual({ mutes: [], acknowledgements: [], snoozes: [] });
    expect(posts).toEqual([]);
  });

  it('refuses a click from another workspace with 403, and changes nothing', async () => {
    // Act
    const response = await endpoint(
      signed(clickBody('Acknowledge', { team: { id: 'T0BAD' }, user: { id: 'U9', team_id: 'T0BAD' } })),
    );

    // Assess
    expect(response.status).toBe(403);
    expect(await controls.controls()).toEqual({ mutes: [], acknowledgements: [], snoozes: [] });
    expect(posts).toEqual([]);
  });

  it('acknowledges on a click, and replaces the buttons with who did it and when', async () => {
    // Prepare
    const click = signed(clickBody('Acknowledge'));

    // Act
    const response = await endpoint(click);

    // Assess
    expect(response).toMatchObject({ status: 200, body: '' });
    const { acknowledgements } = await controls.controls();
    expect(acknowledgements).toEqual([
      expect.objectContaining({
        companyId: ACME.id,
        reason: 'missing_configuration',
        author: '@ana (Slack U0001)',
        at: '2026-11-20T10:42:00.000Z',
      }),
    ]);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.url).toBe(RESPONSE_URL);
    expect(posts[0]?.body).toMatchObject({ replace_original: true, text: message.text });
    const blocks = posts[0]?.body.blocks as SlackBlock[];
    expect(blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(blocks).toHaveLength(message.blocks.length);
    expect(noteOf(posts[0])).toContain(
      'Acknowledged by @ana, 2026-11-20 10:42 UTC: no reminders until it fails again.',
    );

    // The same request again is a replay: refused, nothing more happens.
    const again = await endpoint(click);
    expect(again.status).toBe(401);
    expect(posts).toHaveLength(1);
    expect((await controls.controls()).acknowledgements).toHaveLength(1);
  });

  it('snoozes for a day on a click, and says until when', async () => {
    // Act
    const response = await endpoint(signed(clickBody('Snooze 1 day'), SECRET, now + 1_000));

    // Assess
    expect(response.status).toBe(200);
    expect((await controls.controls()).snoozes).toEqual([
      expect.objectContaining({ companyId: ACME.id, until: '2026-11-21T10:42:00.000Z' }),
    ]);
    expect(noteOf(posts[0])).toContain(
      'Snoozed by @ana, 2026-11-20 10:42 UTC: reminders wait until 2026-11-21 10:42 UTC.',
    );
  });

  it('mutes the company and reason for 7 days on a click, and says until when', async () => {
    // Act
    const response = await endpoint(signed(clickBody('Mute 7 days'), SECRET, now + 2_000));

    // Assess
    expect(response.status).toBe(200);
    expect((await controls.controls()).mutes).toEqual([
      expect.objectContaining({
        companyId: ACME.id,
        reason: 'missing_configuration',
        expiresAt: '2026-11-27T10:42:00.000Z',
        author: '@ana (Slack U0001)',
      }),
    ]);
    expect(noteOf(posts[0])).toContain('until 2026-11-27 10:42 UTC.');
  });

  it('keeps the buttons and says why when the group is no longer open', async () => {
    // Prepare: a button naming a reason the company has no open group for.
    const value = JSON.stringify({ v: 1, c: ACME.id, r: 'invalid_configuration', m: 'x' });
    const body = clickBody('Acknowledge', {
      actions: [
        { type: 'button', action_id: button('Acknowledge').action_id, block_id: buttons().block_id, value },
      ],
    });

    // Act
    const response = await endpoint(signed(body, SECRET, now + 3_000));

    // Assess
    expect(response.status).toBe(200);
    expect((await controls.controls()).acknowledgements).toHaveLength(1);
    const blocks = posts[0]?.body.blocks as SlackBlock[];
    expect(blocks.some((block) => block.type === 'actions')).toBe(true);
    expect(noteOf(posts[0])).toContain(
      'Acknowledge: not done, Acme ApS has no open failure group for invalid',
    );
  });
});
