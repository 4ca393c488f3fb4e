// An email's action link, end to end on the parts npm start uses: the poller (as the Lambda composes it) sends an
// alert whose email carries signed links; opening one (GET) shows what it would do and changes nothing; its page's
// button (POST) acts, once. A changed, expired or used link gets a page saying so, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoControlStore } from '../../../functions/adapters/dynamodb/controls.js';
import type { Log } from '../../../functions/app/ports.js';
import { parseActionsConfig } from '../../../functions/config/actions.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import { createActions } from '../../../functions/handlers/actions/compose.js';
import type { HttpRequest, HttpResponse } from '../../../functions/handlers/actions/endpoint.js';
import { awsRuntime } from '../../../functions/handlers/poller/aws-runtime.js';
import { DemoStore } from '../../../local/demo-api/store.js';
import type { LocalParts } from '../../../local/parts.js';
import { startEmbeddedPoller } from '../../support/embedded.js';

const KEY = 'k'.repeat(48);
const ACTIONS_URL = 'https://actions.example.test/';
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const NOTHING = { mutes: [], acknowledgements: [], snoozes: [] };

describe('an email action link, on dynalite and the demo API', () => {
  let now = Date.parse('2026-11-20T10:42:00Z');
  const clock = () => new Date(now);
  const store = new DemoStore({ clock });
  let parts: LocalParts;
  let endpoint: ReturnType<typeof createActions>;
  let controls: DynamoControlStore;
  let links: Map<string, string>;
  let body: string;

  beforeAll(async () => {
    store.addCompany(ACME);
    let poller: Awaited<ReturnType<typeof startEmbeddedPoller>>['poller'];
    ({ parts, poller } = await startEmbeddedPoller(store, clock, {
      ACTIONS_URL,
      EMAIL_LINK_KEY: KEY,
      QUIET_FIRST_POLL: 'false',
    }));
    store.addJob({
      companyId: ACME.id,
      status: 'failed',
      failureReasonType: 'missing_configuration',
      createdAt: new Date(now - 3_600_000).toISOString(),
    });
    await poller.poll();
    const [delivered] = ((await parts.sns?.drain()) ?? []).map((sent) => parseStructuredMessage(sent));
    body = delivered?.email.body ?? '';
    links = new Map(
      [...body.matchAll(/^ {2}([A-Z][\w ]+):\s+(https:\S+)$/gm)].map((match) => [
        match[1] ?? '',
        match[2] ?? '',
      ]),
    );
    const runtime = awsRuntime(silent);
    controls = new DynamoControlStore(runtime.dynamo, process.env.TABLE_NAME as string);
    endpoint = createActions(
      parseActionsConfig({
        TABLE_NAME: process.env.TABLE_NAME,
        PLEO_API_URL: process.env.PLEO_API_URL,
        EMAIL_LINK_KEY: KEY,
      }),
      { dynamo: runtime.dynamo, readSecret: async () => undefined, log: silent, clock },
    );
  });
  afterAll(() => parts?.close());

  const open = (link: string, method = 'GET'): Promise<HttpResponse> => {
    const url = new URL(link);
    return endpoint({
      method,
      path: url.pathname,
      query: url.search.slice(1),
      headers: {},
      rawBody: Buffer.alloc(0),
    });
  };
  const confirm = (link: string): Promise<HttpResponse> => {
    const token = new URL(link).searchParams.get('t') ?? '';
    const request: HttpRequest = {
      method: 'POST',
      path: '/email/actions',
      query: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: Buffer.from(new URLSearchParams({ t: token }).toString()),
    };
    return endpoint(request);
  };
  const link = (label: string): string => {
    const found = links.get(label);
    if (!found) throw new Error(`no link ${label} in:\n${body}`);
    return found;
  };

  it('sends the alert with a link for each action, at the actions endpoint', () => {
    expect([...links.keys()]).toEqual(['Acknowledge', 'Snooze 1 day', 'Mute 7 days']);
    expect(link('Acknowledge')).toMatch(
      /^https:\/\/actions\.example\.test\/email\/actions\?t=[\w-]+\.[\w-]+$/,
    );
    expect(body).toContain('Act on it (each link asks you to confirm, works once, for 7 days):');
  });

  it('shows what a link would do when opened, with a button, and changes nothing', async () => {
    // Act
    const opened = await open(link('Acknowledge'));
    const head = await open(link('Acknowledge'), 'HEAD');

    // Assess
    expect(opened.status).toBe(200);
    expect(opened.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    expect(opened.body).toContain('Acknowledge: missing configuration?');
    expect(opened.body).toContain('<form method="post" action="/email/actions">');
    expect(head.status).toBe(200);
    expect(await controls.controls()).toEqual(NOTHING);
  });

  it.each<[string, (link: string) => string, number, string]>([
    [
      'with its payload changed',
      (l) => l.replace(/t=(.)/, (_m, c) => `t=${c === 'A' ? 'B' : 'A'}`),
      400,
      'not valid',
    ],
    ['cut short', (l) => l.slice(0, -10), 400, 'not valid'],
    ['without its token', (l) => l.replace(/\?t=.*/, ''), 400, 'not valid'],
  ])('refuses a link %s, opened or confirmed, and changes nothing', async (_case, change, status, words) => {
    // Act
    const opened = await open(change(link('Mute 7 days')));
    const confirmed = await confirm(change(link('Mute 7 days')));

    // Assess
    expect([opened.status, confirmed.status]).toEqual([status, status]);
    expect(confirmed.body).toContain(words);
    expect(confirmed.body).toContain('Nothing was changed');
    expect(await controls.controls()).toEqual(NOTHING);
  });

  it("acts once when the page's button is pressed, and says what it did; the link is used up", async () => {
    // Act
    const done = await confirm(link('Acknowledge'));
    const again = await confirm(link('Acknowledge'));
    const reopened = await open(link('Acknowledge'));

    // Assess
    expect(done.status).toBe(200);
    expect(done.body).toContain(
      'Acknowledged by a reader of the email, 2026-11-20 10:42 UTC: no reminders until it fails again.',
    );
    const { acknowledgements } = await controls.controls();
    expect(acknowledgements).toEqual([
      expect.objectContaining({ companyId: ACME.id, reason: 'missing_configuration', comment: 'from email' }),
    ]);
    expect(again.status).toBe(409);
    expect(again.body).toContain('used already');
    expect(reopened.body).toContain('used already');
    expect((await controls.controls()).acknowledgements).toHaveLength(1);
  });

  it('refuses a link after its 7 days, and changes nothing', async () => {
    // Prepare
    now += 7 * 86_400_000 + 1_000;

    // Act
    const opened = await open(link('Snooze 1 day'));
    const confirmed = await confirm(link('Snooze 1 day'));

    // Assess
    expect([opened.status, confirmed.status]).toEqual([410, 410]);
    expect(confirmed.body).toContain('This link has expired');
    expect((await controls.controls()).snoozes).toEqual([]);
  });
});
