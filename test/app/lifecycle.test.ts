// The lifecycle through pollOnce with in-memory adapters and a clock the test moves.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  PleoCredentialsError,
  PleoUnavailableError,
  PublishRefusedError,
} from '../../functions/app/errors.js';
import { digestOnce, type PollSettings, pollOnce } from '../../functions/app/poll.js';
import type { Log } from '../../functions/app/ports.js';
import { type Alert, alertsOf, type Message } from '../../functions/domain/alert.js';
import type { FailureGroup } from '../../functions/domain/lifecycle.js';
import { ACME, job, NORDLYS } from '../fixtures/jobs.js';
import { FakePleo } from '../support/fake-pleo.js';
import { MemoryAlertState } from '../support/memory-state.js';
import { pollSettings } from '../support/settings.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const settings = pollSettings({ reminders: { intervalMs: 24 * HOUR, max: 2 } });
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

describe('the alert lifecycle', () => {
  let pleo: FakePleo;
  let state: MemoryAlertState;
  /** Each alert of each message published: a combined message's sections, as the lifecycle is per group. */
  let sent: Alert[];
  let now: number;
  /** Publishes SNS refuses next. */
  let refusals: number;

  const deps = () => ({
    pleo,
    state,
    publisher: async () => ({
      publish: async (message: Message) => {
        if (refusals > 0) {
          refusals--;
          throw new PublishRefusedError('SNS answered 400: InvalidParameterException: Invalid parameter');
        }
        sent.push(...alertsOf(message));
        return 'm';
      },
    }),
    log: silent,
    now: () => new Date(now),
    owner: `poll-${now}`,
  });
  const poll = (s: Partial<PollSettings> = {}) => pollOnce(deps(), { ...settings, ...s });
  const kinds = () => sent.map((a) => `${a.kind} ${a.companyId === ACME ? 'acme' : a.companyId} ${a.reason}`);
  const later = (ms: number) => {
    now += ms;
    return new Date(now).toISOString();
  };

  beforeEach(() => {
    pleo = new FakePleo();
    state = new MemoryAlertState();
    sent = [];
    now = T0;
    refusals = 0;
  });

  it('sends one resolved notice when the company completes an export, only for its open groups', async () => {
    // Prepare
    pleo.jobs = [
      job({ createdAt: new Date(now).toISOString(), failureReasonType: 'missing_configuration' }),
      job({ companyId: NORDLYS, createdAt: new Date(now).toISOString() }),
    ];
    await poll();
    pleo.jobs.push(job({ status: 'completed', createdAt: later(HOUR), failureReasonType: null }));

    // Act
    await poll();
    later(MINUTE);
    await poll();

    // Assess
    expect(kinds()).toEqual([
      `alert acme missing_configuration`,
      `alert ${NORDLYS} missing_configuration`,
      `resolved acme missing_configuration`,
    ]);
    expect(sent[2]?.lifecycle).toMatchObject({
      openedAt: new Date(T0).toISOString(),
      resolvedByJobId: pleo.jobs[2]?.id,
    });
  });

  it('lists completed exports only back to the previous listing, less a day for exports still running', async () => {
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();
    for (const hours of [1, 72, 1]) {
      later(hours * HOUR);
      await poll();
    }
    const completedSince = pleo.queries
      .filter((q) => q.statuses.includes('completed'))
      .map((q) => q.since.getTime());
    // The open group's failure, then still the failure (the last listing was under a day before it), then a day
    // before the previous listing.
    expect(completedSince).toEqual([T0, T0, T0 + 73 * HOUR - 24 * HOUR]);
  });

  it('resolves a group first alerted days after its failure, by an export completed before the last listing', async () => {
    // Prepare: Nordlys's group is open, so every poll lists completed exports; Acme's failure of three days ago,
    // fixed two days ago, comes into view only now (a company just configured, or the alerter back from an outage).
    pleo.jobs = [job({ companyId: NORDLYS, createdAt: new Date(now).toISOString() })];
    await poll();
    later(5 * MINUTE);
    await poll();
    later(5 * MINUTE);
    pleo.jobs.push(
      job({ createdAt: new Date(now - 72 * HOUR).toISOString() }),
      job({
        status: 'completed',
        createdAt: new Date(now - 48 * HOUR).toISOString(),
        failureReasonType: null,
      }),
    );

    // Act
    await poll();
    later(5 * MINUTE);
    await poll();

    // Assess
    expect(kinds()).toEqual([
      `alert ${NORDLYS} missing_configuration`,
      'alert acme missing_configuration',
      'resolved acme missing_configuration',
    ]);
  });

  it('asks whether open groups were resolved once per check interval, not on every poll', async () => {
    // Prepare: an open group; polls every 5 minutes, a check at most every 15
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();
    const checks = () => pleo.queries.filter((q) => q.statuses.includes('completed')).length;

    // Act: polls over 35 minutes, the export completing at 10
    for (let i = 1; i <= 7; i++) {
      later(5 * MINUTE);
      if (i === 2) pleo.jobs.push(job({ status: 'completed', createdAt: new Date(now).toISOString() }));
      await poll({ resolutionCheckMs: 15 * MINUTE });
    }

    // Assess: checked at 5 minutes and at 20, which finds the export; none once the group is resolved
    expect(checks()).toBe(2);
    expect(kinds()).toEqual(['alert acme missing_configuration', 'resolved acme missing_configuration']);
    expect(sent[1]?.detectedAt).toBe(new Date(T0 + 20 * MINUTE).toISOString());
  });

  it('still lists completed exports on every poll while transient failures wait out the grace window', async () => {
    pleo.jobs = [
      job({ createdAt: new Date(now).toISOString(), failureReasonType: 'accounting_system_timeout' }),
    ];
    const damping = { flapGraceMs: HOUR, resolutionCheckMs: HOUR };
    for (let i = 0; i < 3; i++) {
      await poll(damping);
      later(5 * MINUTE);
    }
    expect(pleo.queries.filter((q) => q.statuses.includes('completed'))).toHaveLength(3);
  });

  it('does not resolve a group that failed again after the completed export', async () => {
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();
    pleo.jobs.push(job({ status: 'completed', createdAt: later(HOUR), failureReasonType: null }));
    pleo.jobs.push(job({ createdAt: later(HOUR) }));
    await poll();
    expect(kinds()).toEqual(['alert acme missing_configuration', 'alert acme missing_configuration']);
  });

  it('drops a resolved notice that waited in the outbox while its group failed again, and keeps reminding', async () => {
    // Prepare: a failure, then a completed export whose resolved notice SNS refuses
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();
    pleo.jobs.push(job({ status: 'completed', createdAt: later(HOUR), failureReasonType: null }));
    later(HOUR);
    refusals = 1;
    await poll().catch(() => {});

    // Act: the company fails again; the notice is refused once more while that alert goes out, then SNS works
    pleo.jobs.push(job({ createdAt: later(HOUR) }));
    refusals = 1;
    await poll().catch(() => {});
    later(MINUTE);
    await poll();
    later(25 * HOUR);
    await poll();

    // Assess: the late notice neither goes out nor closes the group: the new failure is still reminded of
    expect(kinds()).toEqual([
      'alert acme missing_configuration',
      'alert acme missing_configuration',
      'reminder acme missing_configuration',
    ]);
  });

  it('reminds once per interval up to the maximum, and stops when resolved', async () => {
    // Prepare
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();

    // Act
    later(23 * HOUR);
    await poll();
    later(HOUR);
    await poll();
    await poll();
    later(24 * HOUR);
    await poll();
    later(24 * HOUR);
    await poll();

    // Assess
    expect(kinds()).toEqual([
      'alert acme missing_configuration',
      'reminder acme missing_configuration',
      'reminder acme missing_configuration',
    ]);
    expect(sent.slice(1).map((a) => a.lifecycle?.remindersSent)).toEqual([0, 1]);
  });

  it('counts a reminder completed twice (its group written, its outbox entry not emptied) once', async () => {
    // Prepare: the first reminder's group write succeeds, then emptying its outbox entry fails.
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();
    later(24 * HOUR);
    const complete = state.complete.bind(state);
    state.complete = async (alert, at, update) => {
      if (alert.kind !== 'reminder') return complete(alert, at, update);
      state.complete = complete;
      const key = [...state.groups.keys()][0] ?? '';
      state.groups.set(key, update(state.groups.get(key), alertsOf(alert)) as FailureGroup);
      throw new Error('DynamoDB did not answer');
    };
    await poll().catch(() => {});

    // Act: the next poll finishes the reminder's bookkeeping; a day later the second reminder is due.
    later(MINUTE);
    await poll();
    later(24 * HOUR);
    await poll();

    // Assess
    expect(kinds()).toEqual([
      'alert acme missing_configuration',
      'reminder acme missing_configuration',
      'reminder acme missing_configuration',
    ]);
    expect([...state.groups.values()][0]?.remindersSent).toBe(2);
  });

  it('waits out the grace window for a transient failure and drops it when the next export succeeds', async () => {
    // Prepare
    const grace = { flapGraceMs: 30 * MINUTE };
    pleo.jobs = [
      job({ createdAt: new Date(now).toISOString(), failureReasonType: 'accounting_system_unreachable' }),
      job({
        companyId: NORDLYS,
        createdAt: new Date(now).toISOString(),
        failureReasonType: 'accounting_system_timeout',
      }),
    ];

    // Act
    later(5 * MINUTE);
    const held = await poll(grace);
    pleo.jobs.push(job({ status: 'completed', createdAt: later(5 * MINUTE), failureReasonType: null }));
    later(5 * MINUTE);
    await poll(grace);
    later(30 * MINUTE);
    await poll(grace);
    later(30 * MINUTE);
    await poll(grace);

    // Assess: Acme's blip vanished; Nordlys', not followed by a success, alerted after the window.
    expect(held).toMatchObject({ heldFailures: 2, alertsPublished: 0 });
    expect(kinds()).toEqual([`alert ${NORDLYS} accounting_system_timeout`]);
  });

  it('tells once that the API key is refused, and once that it works again', async () => {
    pleo.jobs = [job()];
    for (let i = 0; i < 3; i++) {
      pleo.failNext = new PleoCredentialsError(401);
      await expect(poll()).rejects.toBeInstanceOf(PleoCredentialsError);
      later(5 * MINUTE);
    }
    await poll();
    await poll();
    expect(kinds()).toEqual([
      'alert pleo-export-alerts pleo_api_key_invalid',
      'resolved pleo-export-alerts pleo_api_key_invalid',
      'alert acme missing_configuration',
    ]);
  });

  it('tells once that Pleo is unreachable after N polls in a row, and once that it is back', async () => {
    for (let i = 0; i < 4; i++) {
      pleo.failNext = new PleoUnavailableError('Pleo is unavailable: HTTP 503');
      await expect(poll()).rejects.toBeInstanceOf(PleoUnavailableError);
      if (i === 1) expect(sent).toEqual([]);
    }
    await poll();
    expect(kinds()).toEqual([
      'alert pleo-export-alerts pleo_api_unreachable',
      'resolved pleo-export-alerts pleo_api_unreachable',
    ]);
    expect(sent[0]?.jobs[0]?.failureReason).toMatch(/3 polls in a row could not reach Pleo/);
    expect(state.failures).toBe(0);
  });

  it('starts counting unreachable polls again after a good one', async () => {
    for (const outcome of ['fail', 'fail', 'ok', 'fail', 'fail']) {
      if (outcome === 'fail') pleo.failNext = new PleoUnavailableError('down');
      await poll().catch(() => {});
    }
    expect(sent).toEqual([]);
  });

  it('sends the daily digest once per local day', async () => {
    // Prepare
    pleo.jobs = [
      job({ createdAt: new Date(now).toISOString() }),
      job({ companyId: NORDLYS, createdAt: new Date(now).toISOString() }),
    ];
    await poll();
    sent = [];

    // Act
    await digestOnce(deps(), settings);
    later(HOUR);
    await digestOnce(deps(), settings);
    later(24 * HOUR);
    await digestOnce(deps(), settings);

    // Assess
    expect(sent.map((a) => [a.kind, a.digest?.date, a.digest?.open.length])).toEqual([
      ['digest', '2026-11-20', 2],
      ['digest', '2026-11-21', 2],
    ]);
  });

  it('sends a digest that found the lease held with the next poll, once', async () => {
    // Prepare: an open group, and another poll holding the lease when the digest's schedule fires.
    pleo.jobs = [job({ createdAt: new Date(now).toISOString() })];
    await poll();
    sent = [];
    await state.view().acquireLease('a-long-poll', new Date(now), 600);

    // Act
    const skipped = await digestOnce(deps(), settings);
    await state.view().releaseLease('a-long-poll');
    later(MINUTE);
    await poll();
    later(MINUTE);
    await poll();
    await digestOnce(deps(), settings);

    // Assess
    expect(skipped.skipped).toBe(true);
    expect(sent.map((a) => [a.kind, a.digest?.date])).toEqual([['digest', '2026-11-20']]);
    expect(await state.digestRequestedAt()).toBeUndefined();
  });

  it('never re-alerts failures recorded before failure groups existed', async () => {
    // Prepare: job records as the first version of the state wrote them, and no groups.
    const old = job({ createdAt: new Date(now).toISOString() });
    state.jobs.set(old.id, 'alert-from-v1');
    pleo.jobs = [old];

    // Act
    later(48 * HOUR);
    await poll();

    // Assess
    expect(sent).toEqual([]);
  });
});
