// `status` on the parts npm start uses: the demo Export API, dynalite and fauxqs, after a real poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { cli } from '../support/cli.js';
import { startEmbeddedPoller } from '../support/embedded.js';

const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NOW = Date.parse('2026-11-20T08:00:00Z');

describe('status', () => {
  const store = new DemoStore({ clock: () => new Date(NOW) });
  let parts: LocalParts;

  beforeAll(async () => {
    store.addCompany(ACME);
    store.addJob({
      companyId: ACME.id,
      status: 'failed',
      failureReasonType: 'missing_configuration',
      createdAt: '2026-11-20T07:00:00.000Z',
    });
    const started = await startEmbeddedPoller(store, () => new Date(NOW));
    parts = started.parts;
    await started.poller.poll();
  });
  afterAll(() => parts?.close());

  it('lists the open failure groups per company and the outbox, as text and as JSON', async () => {
    // Act
    const text = await cli(['status']);
    const json = await cli(['status', '--json']);

    // Assess
    console.log(text.stdout);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'Open failure groups: 1\n  Acme ApS (3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01)\n' +
        '    missing configuration [missing_configuration]: since 2026-11-20 08:00 UTC, 1 export, 0 reminders sent',
    );
    expect(text.stdout).toContain('Outbox: empty');
    expect(JSON.parse(json.stdout)).toMatchObject({
      source: 'environment',
      openGroups: [
        {
          companyId: ACME.id,
          companyName: 'Acme ApS',
          reason: 'missing_configuration',
          openedAt: '2026-11-20T08:00:00.000Z',
          exports: 1,
          remindersSent: 0,
        },
      ],
      outbox: { total: 0 },
    });
  });
});
