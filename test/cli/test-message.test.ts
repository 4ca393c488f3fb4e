// `test` through the real topic on fauxqs: every subscriber receives a message marked as a test, carrying the
// company's attributes when one is given, that the email reader and the Slack notifier take as they are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { foreignMarkup } from '../../functions/render/slack/foreign-markup.js';
import { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { cli } from '../support/cli.js';
import { startEmbedded } from '../support/embedded.js';

const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NOW = new Date('2026-11-20T08:00:00Z');

describe('test', () => {
  let parts: LocalParts;
  beforeAll(async () => {
    const store = new DemoStore({ clock: () => NOW });
    store.addCompany(ACME);
    parts = await startEmbedded(store);
  });
  afterAll(() => parts?.close());

  it("sends a test message to every subscriber, with a company's attributes when asked", async () => {
    // Act
    const plain = await cli(['test', '--author', 'alice'], process.env, { now: () => NOW });
    const forAcme = await cli(['test', '--company', 'Acme ApS', '--author', 'alice'], process.env, {
      now: () => NOW,
    });
    const delivered = (await parts.sns?.drain()) ?? [];

    // Assess
    expect([plain.code, forAcme.code]).toEqual([0, 0]);
    expect(forAcme.stdout).toContain('carrying company Acme ApS');
    const messages = delivered.map((body) => parseStructuredMessage(body));
    expect(messages.map((m) => [m.kind, m.companyId])).toEqual([
      ['test', 'pleo-export-alerts'],
      ['test', ACME.id],
    ]);
    const [, acme] = messages;
    expect(acme?.email.subject).toBe('[Pleo export] Test message: alerts reach you here');
    expect(acme?.email.body).toContain(
      'Company:       Acme ApS (Pleo company id 3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01)',
    );
    expect(acme?.email.body).toContain('Requested:     Sent by alice at 2026-11-20 08:00 UTC');
    expect(messages.map((m) => foreignMarkup(m.slack))).toEqual([[], []]);
    expect(messages[0]?.alertId).not.toBe(messages[1]?.alertId);
  });

  it('refuses a company it does not know, sending nothing', async () => {
    // Act
    const result = await cli(['test', '--company', 'Umbrella Corp']);

    // Assess
    expect(result).toMatchObject({
      code: 1,
      stderr: 'pleo-export-alerts: no company has the id or name "Umbrella Corp"\n',
    });
    expect(await parts.sns?.drain()).toEqual([]);
  });
});
