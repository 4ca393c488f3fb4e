// `check` on the parts npm start uses: the demo Export API (which checks the key), dynalite and fauxqs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { cli } from '../support/cli.js';
import { startEmbeddedPoller } from '../support/embedded.js';

const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };

describe('check', () => {
  const store = new DemoStore({ clock: () => new Date('2026-11-20T08:00:00Z') });
  let parts: LocalParts;

  beforeAll(async () => {
    store.addCompany(ACME);
    const started = await startEmbeddedPoller(store, () => new Date('2026-11-20T08:00:00Z'));
    parts = started.parts;
    await started.poller.poll();
  });
  afterAll(() => parts?.close());

  it('finds everything well, exit code 0', async () => {
    // Act
    const result = await cli(['check']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok    last successful poll: 2026-11-20 08:00 UTC\n');
    expect(result.stdout).toMatch(/ok {4}Pleo key for Acme ApS: lists export jobs at 127\.0\.0\.1:\d+\n/);
    expect(result.stdout).toContain(': confirmed\n');
  });

  it('names a key Pleo refuses, exit code 1', async () => {
    // Act
    const result = await cli(['check', '--json'], { ...process.env, PLEO_API_KEY: 'not-the-key' });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'pleo-export-alerts: Pleo key for Acme ApS: Pleo answered 401: the key is wrong, expired, or lacks the export-jobs:read scope for this company\n',
    );
    expect(JSON.parse(result.stdout).ok).toBe(false);
    expect(result.stdout + result.stderr).not.toContain('not-the-key');
  });
});
