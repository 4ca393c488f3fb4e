// Configured company ids written in capitals: Pleo takes a UUID in either case and answers in lower case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { deliveredSince, startEmbeddedPoller } from '../support/embedded.js';

const HOUR = 3_600_000;
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };

describe('companies configured with upper-case ids', () => {
  let now = Date.parse('2026-11-20T08:00:00Z');
  const iso = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  const store = new DemoStore({ clock: () => new Date(now) });
  let parts: LocalParts;
  let poller: Awaited<ReturnType<typeof startEmbeddedPoller>>['poller'];

  beforeAll(async () => {
    store.addCompany(ACME);
    ({ parts, poller } = await startEmbeddedPoller(store, () => new Date(now), {
      PLEO_COMPANIES: JSON.stringify([{ id: ACME.id.toUpperCase(), name: ACME.name }]),
      RESOLUTION_CHECK_MINUTES: '0',
    }));
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

    expect(await deliveredSince(parts)).toEqual([
      // The first poll's: the state when watching began
      'alert Acme ApS missing_configuration (current-state)',
      'resolved Acme ApS missing_configuration',
    ]);
  });
});
