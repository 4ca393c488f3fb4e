// The alert lifecycle through real parts: the demo Export API over HTTP, dynalite and fauxqs through the AWS SDK,
// with the poller composed as the Lambda composes it and a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { deliveredSince, startEmbeddedPoller } from '../support/embedded.js';
import { onlyAlert } from '../support/structured.js';

const HOUR = 3_600_000;
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };
const BERGMANN = { id: 'b2d4f6a8-1c3e-4a5b-9c7d-8e9f0a1b2c03', name: 'Bergmann GmbH' };

describe('the alert lifecycle on the demo API, dynalite and fauxqs', () => {
  let now = Date.parse('2026-11-20T08:00:00Z');
  const iso = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  const store = new DemoStore({ clock: () => new Date(now) });
  let parts: LocalParts;
  let poller: Awaited<ReturnType<typeof startEmbeddedPoller>>['poller'];
  const delivered = () => deliveredSince(parts);

  beforeAll(async () => {
    for (const company of [ACME, NORDLYS, BERGMANN]) store.addCompany(company);
    ({ parts, poller } = await startEmbeddedPoller(store, () => new Date(now), {
      REMINDER_INTERVAL_HOURS: '24',
      REMINDER_MAX_COUNT: '1',
      FLAP_GRACE_MINUTES: '30',
      UNREACHABLE_ALERT_AFTER_POLLS: '2',
      PLEO_RETRY_BUDGET_SECONDS: '1',
      DIGEST_TIME_ZONE: 'Europe/Copenhagen',
    }));
  });
  afterAll(() => parts?.close());

  it('alerts, damps a blip, resolves, reminds, digests, and tells on itself', async () => {
    // A lasting failure at Acme and at Nordlys, and a blip at Bergmann.
    store.addJob({
      companyId: ACME.id,
      status: 'failed',
      failureReasonType: 'missing_configuration',
      createdAt: iso(-HOUR),
    });
    store.addJob({
      companyId: NORDLYS.id,
      status: 'failed',
      failureReasonType: 'validation_failure',
      createdAt: iso(-HOUR),
    });
    store.addJob({
      companyId: BERGMANN.id,
      status: 'failed',
      failureReasonType: 'accounting_system_timeout',
      createdAt: iso(-0.1 * HOUR),
    });
    // The first poll: what is open when watching began, one message per company.
    await poller.poll();
    expect(await delivered()).toEqual([
      'alert Acme ApS missing_configuration (current-state)',
      'alert Nordlys AB validation_failure (current-state)',
    ]);

    // Acme and Bergmann export successfully; an hour later Acme is resolved and Bergmann's blip is dropped.
    store.addJob({ companyId: ACME.id, status: 'completed', createdAt: iso(0.5 * HOUR) });
    store.addJob({ companyId: BERGMANN.id, status: 'completed', createdAt: iso(0.2 * HOUR) });
    now += HOUR;
    const second = await poller.poll();
    expect(second.suppressedFailures).toBe(1);
    expect(await delivered()).toEqual(['resolved Acme ApS missing_configuration']);

    // A day later Nordlys is still failing: one reminder, and no more after the configured count.
    now += 24 * HOUR;
    await poller.poll();
    now += 24 * HOUR;
    await poller.poll();
    expect(await delivered()).toEqual(['reminder Nordlys AB validation_failure']);

    // The digest lists what is open; a second run the same day sends nothing.
    await poller.digest();
    await poller.digest();
    const digests = ((await parts.sns?.drain()) ?? []).map((body) => onlyAlert(parseStructuredMessage(body)));
    expect(digests.map((d) => [d.kind, d.digest?.open.map((l) => l.companyName)])).toEqual([
      ['digest', ['Nordlys AB']],
    ]);

    // Pleo refuses the key: one alert, however many polls fail; then one recovered notice. Each names the stack's
    // connection and its companies.
    const connection = 'connection pleo-export-alerts for Acme ApS, Nordlys AB, Bergmann GmbH';
    parts.api?.faults.enqueue({ status: 401 }, { times: 2 });
    await expect(poller.poll()).rejects.toThrow(/API key/);
    await expect(poller.poll()).rejects.toThrow(/API key/);
    await poller.poll();
    expect(await delivered()).toEqual([
      `alert ${connection} pleo_api_key_invalid`,
      `resolved ${connection} pleo_api_key_invalid`,
    ]);

    // Pleo unreachable for two polls in a row (503 beyond the retry budget): one alert, then recovered.
    parts.api?.faults.enqueue({ status: 503 }, { times: 200 });
    await expect(poller.poll()).rejects.toThrow(/unavailable/);
    await expect(poller.poll()).rejects.toThrow(/unavailable/);
    parts.api?.faults.clear();
    await poller.poll();
    expect(await delivered()).toEqual([
      `alert ${connection} pleo_api_unreachable`,
      `resolved ${connection} pleo_api_unreachable`,
    ]);
  });
});
