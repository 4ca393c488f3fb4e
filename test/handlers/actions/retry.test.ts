// Retry export from a Slack button, end to end on the parts npm start uses: the demo Export API (its POST
// /v3/export-jobs), dynalite and fauxqs; the poller as the Lambda composes it, the actions endpoint as its Lambda
// composes it, with a retry key of its own. Pleo's 201, 409 and 400, and a double click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoControlStore } from '../../../functions/adapters/dynamodb/controls.js';
import { signatureOf } from '../../../functions/adapters/slack/interaction.js';
import type { Log } from '../../../functions/app/ports.js';
import { parseActionsConfig } from '../../../functions/config/actions.js';
import type { SlackBlock } from '../../../functions/contracts/slack-message.js';
import { parseStructuredMessage } from '../../../functions/contracts/structured-message.js';
import { createActions } from '../../../functions/handlers/actions/compose.js';
import { awsRuntime } from '../../../functions/handlers/poller/aws-runtime.js';
import { DemoStore } from '../../../local/demo-api/store.js';
import { DEMO_API_KEY, type LocalParts } from '../../../local/parts.js';
import { startEmbeddedPoller } from '../../support/embedded.js';

const SECRET = 'retry-signing-secret';
const TEAM = 'T0001';
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = {
  id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02',
  name: 'Nordlys AB',
  missingContraAccounts: true,
};
const BUSY = { id: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d03', name: 'Busy A/S' };
type Actions = Extract<SlackBlock, { type: 'actions' }>;

describe('Retry export from Slack, on the demo API, dynalite and fauxqs', () => {
  let now = Date.parse('2026-11-20T10:42:00Z');
  const clock = () => new Date(now);
  const store = new DemoStore({ clock });
  let parts: LocalParts;
  let poller: Awaited<ReturnType<typeof startEmbeddedPoller>>['poller'];
  let endpoint: ReturnType<typeof createActions>;
  let controls: DynamoControlStore;
  const posts: Array<Record<string, unknown>> = [];
  const messages = new Map<string, { text: string; blocks: SlackBlock[] }>();
  let clicks = 0;

  beforeAll(async () => {
    for (const company of [ACME, NORDLYS, BUSY]) store.addCompany(company);
    store.setMissingContraAccounts(NORDLYS.id);
    ({ parts, poller } = await startEmbeddedPoller(store, clock, {
      SLACK_ACTIONS: 'true',
      RETRY_EXPORTS: 'true',
      QUIET_FIRST_POLL: 'false',
      ROLLUP_ABOVE: '0',
      RESOLUTION_CHECK_MINUTES: '0',
    }));
    for (const company of [ACME, NORDLYS, BUSY]) {
      store.addJob({
        companyId: company.id,
        status: 'failed',
        failureReasonType: 'accounting_system_timeout',
        numberOfItems: 3,
        createdAt: new Date(now - 3_600_000).toISOString(),
      });
    }
    // Busy A/S has an export running: Pleo runs one per company at a time.
    store.addJob({
      companyId: BUSY.id,
      status: 'in_progress',
      createdAt: new Date(now - 60_000).toISOString(),
    });
    await poller.poll();
    for (const body of (await parts.sns?.drain()) ?? []) {
      const message = parseStructuredMessage(body);
      messages.set(message.companyId, message.slack);
    }
    const runtime = awsRuntime(silent);
    controls = new DynamoControlStore(runtime.dynamo, process.env.TABLE_NAME as string);
    endpoint = createActions(
      parseActionsConfig({
        TABLE_NAME: process.env.TABLE_NAME,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_TEAM_ID: TEAM,
        PLEO_API_URL: parts.api?.url,
        PLEO_RETRY_KEY: DEMO_API_KEY,
      }),
      {
        dynamo: runtime.dynamo,
        readSecret: async () => undefined,
        log: silent,
        clock,
        slackClock: clock,
        fetch: async (url, init) => {
          if (!String(url).startsWith('https://hooks.slack.com/')) return fetch(url, init);
          posts.push({ url: String(url), ...JSON.parse(String(init?.body)) });
          return new Response('ok');
        },
      },
    );
  });
  afterAll(() => parts?.close());

  /** A click on the company's Retry export, signed as Slack signs (each click its own request). */
  const clickRetry = (companyId: string) => {
    const message = messages.get(companyId);
    const block = message?.blocks.find((b): b is Actions => b.type === 'actions');
    const button = block?.elements.find((element) => element.text.text === 'Retry export');
    if (!message || !block || !button) throw new Error(`no Retry export for ${companyId}`);
    const payload = {
      type: 'block_actions',
      team: { id: TEAM },
      user: { id: 'U0001', username: 'ana' },
      response_url: `https://hooks.slack.com/actions/T0001/${companyId}/x`,
      message,
      actions: [{ action_id: button.action_id, block_id: block.block_id, value: button.value }],
    };
    const rawBody = Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    const timestamp = String(Math.floor(now / 1000) + clicks++);
    return endpoint({
      method: 'POST',
      path: '/slack/actions',
      query: '',
      headers: {
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signatureOf(SECRET, timestamp, rawBody),
      },
      rawBody,
    });
  };
  const noteFor = (companyId: string) =>
    JSON.stringify(posts.filter((post) => String(post.url).includes(`/${companyId}/`)).at(-1));
  const jobsOf = (companyId: string) => store.listJobs({ companyId });

  it('offers Retry export on a transient failure', () => {
    const block = messages.get(ACME.id)?.blocks.find((b): b is Actions => b.type === 'actions');
    expect(block?.elements.map((element) => element.text.text)).toContain('Retry export');
  });

  it("creates one export job of the failed expenses (201), records who and when, and says the job's id", async () => {
    // Prepare
    const before = jobsOf(ACME.id).length;

    // Act: a double click, both at once.
    const [first, second] = await Promise.all([clickRetry(ACME.id), clickRetry(ACME.id)]);

    // Assess: one job, for the 3 failed expenses.
    expect([first.status, second.status]).toEqual([200, 200]);
    const created = jobsOf(ACME.id).filter((job) => job.status === 'pending');
    expect(jobsOf(ACME.id)).toHaveLength(before + 1);
    expect(created).toEqual([expect.objectContaining({ numberOfItems: 3, isInteractive: true })]);
    const notes = posts.map((post) => JSON.stringify(post));
    expect(
      notes.filter((note) =>
        note.includes(`Pleo export job ${created[0]?.id} sends 3 failed expenses again`),
      ),
    ).toHaveLength(1);
    expect(
      notes.filter((note) => note.includes('a retry of these exports was asked for already')),
    ).toHaveLength(1);
    const { acknowledgements } = await controls.controls();
    expect(acknowledgements).toEqual([]);
  });

  it('says in plain words that Pleo runs an export for the company already (409), and creates nothing', async () => {
    // Prepare
    const before = jobsOf(BUSY.id).length;

    // Act
    const response = await clickRetry(BUSY.id);

    // Assess
    expect(response.status).toBe(200);
    expect(jobsOf(BUSY.id)).toHaveLength(before);
    expect(noteFor(BUSY.id)).toContain('Pleo is running an export for this company right now');
  });

  it('says in plain words that the contra accounts are missing (400), and creates nothing', async () => {
    // Prepare
    const before = jobsOf(NORDLYS.id).length;

    // Act
    const response = await clickRetry(NORDLYS.id);

    // Assess
    expect(response.status).toBe(200);
    expect(jobsOf(NORDLYS.id)).toHaveLength(before);
    expect(noteFor(NORDLYS.id)).toContain(
      "contra accounts are not mapped. Map them in Pleo's Accounting settings",
    );
  });

  it('lets the poller follow the new job: once it completes, the group is resolved', async () => {
    // Prepare: the retried export runs its course in demo time.
    now += 31 * 60_000;

    // Act
    await poller.poll();
    const delivered = ((await parts.sns?.drain()) ?? []).map((body) => parseStructuredMessage(body));

    // Assess
    expect(delivered.map((message) => `${message.kind} ${message.companyName}`)).toContain(
      'resolved Acme ApS',
    );
  });
});
