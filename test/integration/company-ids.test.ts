// Configured company ids written in capitals: Pleo takes a UUID in either case and answers in lower case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsRuntime } from '../../functions/poller/aws-runtime.js';
import { createPoller } from '../../functions/poller/compose.js';
import { parseConfig } from '../../functions/poller/config.js';
import type { Log } from '../../functions/poller/ports.js';
import { parseStructuredMessage } from '../../functions/render/sns-message.js';
import { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { startEmbedded } from '../support/embedded.js';

const HOUR = 3_600_000;
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

describe('companies configured with upper-case ids', () => {
  let parts: LocalParts;
  let now = Date.parse('2026-11-20T08:00:00Z');
  const iso = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  const store = new DemoStore({ clock: () => new Date(now) });
  let poller: ReturnType<typeof createPoller>;

  const delivered = async () =>
    ((await parts.sns?.drain()) ?? []).map((body) => {
      const { alert } = parseStructuredMessage(body);
      return `${alert.kind} ${alert.companyName ?? alert.companyId} ${alert.reason}`;
    });

  beforeAll(async () => {
    store.addCompany(ACME);
    parts = await startEmbedded(store);
    const config = parseConfig({
      ...process.env,
      PLEO_COMPANIES: JSON.stringify([{ id: ACME.id.toUpperCase(), name: ACME.name }]),
      PLEO_MAX_REQUESTS_PER_SECOND: '0',
      RESOLUTION_CHECK_MINUTES: '0',
    });
    poller = createPoller(config, { ...awsRuntime(silent), clock: () => new Date(now) });
  });
  afterAll(() => parts?.close());

  it('names the company in its alerts and resolves its groups', async () => {
    store.addJob({
      companyId: ACME.id,
      status: 'failed',
      failureReasonType: 'missing_configuration',
      createdAt: iso(-HOUR),
    });
    await poller.poll();
    store.addJob({ companyId: ACME.id, status: 'completed', createdAt: iso(0.5 * HOUR) });
    now += HOUR;
    await poller.poll();

    expect(await delivered()).toEqual([
      'alert Acme ApS missing_configuration',
      'resolved Acme ApS missing_configuration',
    ]);
  });
});
