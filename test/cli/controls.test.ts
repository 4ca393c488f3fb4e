// Mute, acknowledge and snooze through the CLI, and the poller honouring them, on the parts npm start uses: the
// demo Export API over HTTP, dynalite and fauxqs, with the poller composed as the Lambda composes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { DemoStore } from '../../local/demo-api/store.js';
import type { JobFailureReasonType } from '../../local/demo-api/types.js';
import type { LocalParts } from '../../local/parts.js';
import { cli } from '../support/cli.js';
import { deliveredSince, startEmbeddedPoller } from '../support/embedded.js';

const HOUR = 3_600_000;
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };

describe('controls on the demo API, dynalite and fauxqs', () => {
  let now = Date.parse('2026-11-20T08:00:00Z');
  const iso = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  const store = new DemoStore({ clock: () => new Date(now) });
  let parts: LocalParts;
  let poller: Awaited<ReturnType<typeof startEmbeddedPoller>>['poller'];
  const run = (...argv: string[]) => cli(argv, process.env, { now: () => new Date(now) });
  const fail = (company: { id: string }, reason: JobFailureReasonType, offsetMs = -0.5 * HOUR) =>
    store.addJob({
      companyId: company.id,
      status: 'failed',
      failureReasonType: reason,
      createdAt: iso(offsetMs),
    });

  beforeAll(async () => {
    for (const company of [ACME, NORDLYS]) store.addCompany(company);
    ({ parts, poller } = await startEmbeddedPoller(store, () => new Date(now), {
      REMINDER_INTERVAL_HOURS: '24',
      REMINDER_MAX_COUNT: '5',
      // Each failure alerted on its own from the first poll: the tests follow one group's messages.
      QUIET_FIRST_POLL: 'false',
      ROLLUP_ABOVE: '0',
    }));
  });
  afterAll(() => parts?.close());

  it('keeps a muted failure quiet and counts it, until the mute expires by itself', async () => {
    // Prepare: receipts at Acme muted for a day, by name.
    const added = await run(
      'mute',
      'add',
      '--company',
      'acme aps',
      '--reason',
      'invalid_configuration',
      '--for',
      '1d',
      '--comment',
      'known, fixing the scanner',
      '--author',
      'alice',
      '--json',
    );
    expect(added.stderr).toBe('');
    const mute = JSON.parse(added.stdout);

    // Act: a matching failure and another reason.
    fail(ACME, 'invalid_configuration');
    fail(ACME, 'missing_configuration');
    const report = await poller.poll();

    // Assess: only the other reason goes out; the muted export is counted on the mute.
    expect(report.mutedFailures).toBe(1);
    expect(await deliveredSince(parts)).toEqual(['alert Acme ApS missing_configuration']);
    const list = await run('mute', 'list');
    expect(list.stdout).toContain(
      `${mute.id}  ${ACME.id} (invalid configuration) until 2026-11-21 08:00 UTC, by alice: "known, fixing the scanner", 1 failed export kept quiet`,
    );

    // The digest counts the muted export.
    await poller.digest();
    const [digest] = ((await parts.sns?.drain()) ?? []).map((body) => parseStructuredMessage(body));
    expect(digest?.email.body).toContain(
      'MUTED (new failures recorded, not sent)\n\n  - Acme ApS, invalid configuration: 1 failed export kept quiet, until 2026-11-21 08:00 UTC\n',
    );
    expect(digest?.email.body).toContain('; 1 failed export muted.');

    // Act: a day and a minute later the mute has ended by itself; the same reason fails again.
    now += 24 * HOUR + 60_000;
    fail(ACME, 'invalid_configuration', -60_000);
    await poller.poll();

    // Assess
    expect(await deliveredSince(parts)).toEqual([
      'alert Acme ApS invalid_configuration',
      'reminder Acme ApS missing_configuration',
    ]);
    expect((await run('mute', 'list')).stdout).toContain('Mutes in force: none\nEnded in the last 7 days:');
  });

  it('stops reminders for an acknowledged group until it fails again, then alerts as usual', async () => {
    // Prepare: a failure at Nordlys, alerted.
    fail(NORDLYS, 'validation_failure');
    await poller.poll();
    expect(await deliveredSince(parts)).toEqual(['alert Nordlys AB validation_failure']);

    // Act: acknowledged, then a day passes.
    const acked = await run(
      'ack',
      '--company',
      NORDLYS.id,
      '--reason',
      'validation_failure',
      '--author',
      'bob',
    );
    now += 25 * HOUR;
    await poller.poll();

    // Assess: no reminder.
    expect(acked.code).toBe(0);
    expect(await deliveredSince(parts)).not.toContain('reminder Nordlys AB validation_failure');

    // Act: the group fails again.
    fail(NORDLYS, 'validation_failure', -60_000);
    await poller.poll();
    now += 25 * HOUR;
    await poller.poll();

    // Assess: the new failure is alerted, and reminders resume.
    expect((await deliveredSince(parts)).filter((message) => message.includes('Nordlys'))).toEqual([
      'alert Nordlys AB validation_failure',
      'reminder Nordlys AB validation_failure',
    ]);
  });

  it('delays reminders while a group is snoozed', async () => {
    // Act: Nordlys snoozed for two days; a day later no reminder, three days later one.
    const snoozed = await run(
      'snooze',
      '--company',
      'Nordlys AB',
      '--reason',
      'validation_failure',
      '--for',
      '2d',
    );
    now += 25 * HOUR;
    await poller.poll();
    const during = await deliveredSince(parts);
    now += 25 * HOUR;
    await poller.poll();
    const after = await deliveredSince(parts);

    // Assess
    expect(snoozed.code).toBe(0);
    expect(during).not.toContain('reminder Nordlys AB validation_failure');
    expect(after).toContain('reminder Nordlys AB validation_failure');
  });

  it('refuses bad input in one line and changes nothing', async () => {
    // Act
    const results = await Promise.all([
      run(
        'mute',
        'add',
        '--company',
        'Acme ApS',
        '--reason',
        'no_such_reason',
        '--for',
        '1d',
        '--comment',
        'x',
      ),
      run('mute', 'add', '--company', 'Acme ApS', '--for', '0d', '--comment', 'x'),
      run('mute', 'add', '--company', 'Umbrella Corp', '--for', '1d', '--comment', 'x'),
      run('mute', 'add', '--company', 'Acme ApS', '--for', '1d', '--comment', '  '),
      run('ack', '--company', 'Acme ApS', '--reason', 'validation_failure'),
      run('mute', 'expire', 'nope'),
    ]);

    // Assess
    expect(results.map(({ code, stderr }) => [code, stderr])).toEqual([
      [
        1,
        'pleo-export-alerts: unknown reason "no_such_reason": give Pleo\'s reason code, e.g. missing_configuration\n',
      ],
      [1, 'pleo-export-alerts: --for "0d" is no time at all: give a duration above 0\n'],
      [1, 'pleo-export-alerts: no company has the id or name "Umbrella Corp"\n'],
      [
        2,
        `pleo-export-alerts: --comment is required\nusage: pleo-export-alerts mute add --company <id|name> [--reason <reason>] [--category <category>] --for <duration> --comment <text> [--author <name>] [--stack <name>] [--json]\n`,
      ],
      [1, 'pleo-export-alerts: Acme ApS has no open failure group for validation_failure\n'],
      [1, 'pleo-export-alerts: no mute in force has the id "nope"\n'],
    ]);
    expect(JSON.parse((await run('mute', 'list', '--json')).stdout).inForce).toEqual([]);
  });
});
