// The roll-up through pollOnce: a company's many messages of one kind go out as one, the first poll tells each
// company what it found as one message, and a combined message is delivered exactly once, crash or not.
import { beforeEach, describe, expect, it } from 'vitest';
import { type PollSettings, pollOnce } from '../../functions/app/poll.js';
import type { Log } from '../../functions/app/ports.js';
import { isCombined, type Message } from '../../functions/domain/alert.js';
import { groupKey, mergeAlert } from '../../functions/domain/lifecycle.js';
import { ACME, job, NORDLYS } from '../fixtures/jobs.js';
import { makeAlert } from '../render/alert-fixtures.js';
import { FakePleo } from '../support/fake-pleo.js';
import {
  type Fault,
  FaultJournal,
  FaultyProcess,
  FaultyPublisher,
  FaultyState,
  RecordingPublisher,
} from '../support/faults.js';
import { MemoryAlertState } from '../support/memory-state.js';
import { pollSettings } from '../support/settings.js';

const T0 = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;
/** A crashed poll never gives its lease back: the next one starts once it ran out. */
const LEASE_RUNS_OUT = 2 * 60_000;
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const REASONS = [
  'missing_configuration',
  'validation_failure',
  'authorization_failure',
  'receipt_file_size_limit_exceeded',
  'accounting_system_timeout',
];

/** What each message was: `kind company how-combined reasons…`. */
const described = (message: Message) =>
  [
    message.kind,
    message.companyId === ACME ? 'acme' : 'nordlys',
    isCombined(message) ? message.combined : 'single',
    ...(isCombined(message) ? message.sections.map((s) => s.reason).sort() : [message.reason]),
  ].join(' ');

describe('the roll-up in a poll', () => {
  let pleo: FakePleo;
  let state: MemoryAlertState;
  let subscribers: RecordingPublisher;
  let now: number;
  let polls: number;

  const poll = (settings: Partial<PollSettings> = {}, faults: Fault[] = [], journal = new FaultJournal()) => {
    const process = new FaultyProcess(faults, journal);
    polls++;
    return pollOnce(
      {
        pleo,
        state: new FaultyState(state.view(), process),
        publisher: async () => new FaultyPublisher(subscribers, process),
        log: silent,
        now: () => new Date(now),
        owner: `poll-${polls}`,
      },
      pollSettings({ reminders: { intervalMs: 24 * HOUR, max: 3 }, ...settings }),
    );
  };
  /** Messages published since the last call. */
  let seen = 0;
  const published = () => {
    const since = subscribers.messages.slice(seen);
    seen = subscribers.messages.length;
    return since.map(described);
  };
  /** New failures of `company`, one per reason, created an hour before now. */
  const failures = (company: string, reasons: readonly string[]) => {
    for (const reason of reasons) {
      pleo.jobs.push(job({ companyId: company, failureReasonType: reason, createdAt: iso(-HOUR) }));
    }
  };
  const iso = (offsetMs = 0) => new Date(now + offsetMs).toISOString();
  /** A first poll that finds one failure of Nordlys: watching has begun. */
  const watching = async () => {
    failures(NORDLYS, ['missing_configuration']);
    await poll();
    published();
    now += HOUR;
  };

  beforeEach(() => {
    pleo = new FakePleo();
    state = new MemoryAlertState();
    subscribers = new RecordingPublisher();
    now = T0;
    polls = 0;
    seen = 0;
  });

  it('sends three new groups of a company each on its own, and four as one message with a section each', async () => {
    // Prepare
    await watching();

    // Act
    failures(ACME, REASONS.slice(0, 3));
    await poll();
    const three = published();
    now += HOUR;
    failures(ACME, REASONS.slice(0, 4));
    await poll();
    const four = published();

    // Assess
    expect(three.sort()).toEqual([
      'alert acme single authorization_failure',
      'alert acme single missing_configuration',
      'alert acme single validation_failure',
    ]);
    expect(four).toEqual([
      'alert acme rollup authorization_failure missing_configuration receipt_file_size_limit_exceeded validation_failure',
    ]);
  });

  it('combines per company: a company at the threshold keeps its single alerts beside one above it', async () => {
    // Prepare
    await watching();

    // Act
    failures(ACME, REASONS);
    failures(NORDLYS, ['validation_failure']);
    await poll();

    // Assess
    expect(published().sort()).toEqual([
      `alert acme rollup ${[...REASONS].sort().join(' ')}`,
      'alert nordlys single validation_failure',
    ]);
  });

  it('sends each on its own with rollupAbove 0', async () => {
    // Prepare
    await watching();

    // Act
    failures(ACME, REASONS);
    await poll({ rollupAbove: 0 });

    // Assess
    expect(published()).toHaveLength(REASONS.length);
  });

  it('keeps kinds apart: the reminders and the new alerts of one poll go out as two messages', async () => {
    // Prepare: four groups of Acme alerted a day ago
    await watching();
    failures(ACME, REASONS.slice(0, 4));
    await poll();
    published();

    // Act: a day later, four new failures of other reasons and the four groups due for a reminder
    now += 24 * HOUR;
    failures(ACME, [
      'accounting_system_timeout',
      'unknown',
      'authentication_failure',
      'receipt_upload_failure',
    ]);
    await poll();

    // Assess
    const kinds = published().map((line) => line.split(' ').slice(0, 3).join(' '));
    expect(kinds.sort()).toEqual(['alert acme rollup', 'reminder acme rollup', 'reminder nordlys single']);
  });

  it('sends the first poll of a fresh table as one message per company, the state when watching began, then news', async () => {
    // Act: the first poll finds one failure at Nordlys and five at Acme
    failures(ACME, REASONS);
    failures(NORDLYS, ['validation_failure']);
    const first = await poll();
    const atStart = published();
    now += HOUR;
    failures(ACME, ['unknown']);
    await poll();
    const after = published();

    // Assess
    expect(atStart.sort()).toEqual([
      `alert acme current-state ${[...REASONS].sort().join(' ')}`,
      'alert nordlys current-state validation_failure',
    ]);
    expect(first).toMatchObject({ newFailures: 6, alertsPublished: 2 });
    expect(after).toEqual(['alert acme single unknown']);
    // Each group opened, as any alert opens it: reminders and notices follow per group.
    expect([...state.groups.values()].map((g) => g.state)).toEqual(Array(7).fill('open'));
    expect(await state.watchingSince()).toBe(new Date(T0).toISOString());
  });

  it('alerts each group of the first poll on its own with quietFirstPoll false (the threshold still applies)', async () => {
    // Act
    failures(ACME, REASONS.slice(0, 2));
    failures(NORDLYS, REASONS);
    await poll({ quietFirstPoll: false });

    // Assess
    expect(published().sort()).toEqual([
      'alert acme single missing_configuration',
      'alert acme single validation_failure',
      `alert nordlys rollup ${[...REASONS].sort().join(' ')}`,
    ]);
  });

  it('stays the first poll until one lists Pleo: a poll that could not reach Pleo does not count', async () => {
    // Prepare
    failures(ACME, ['missing_configuration']);
    pleo.failNext = new Error('socket hang up');
    await expect(poll()).rejects.toThrow('socket hang up');

    // Act
    await poll();

    // Assess
    expect(published()).toEqual(['alert acme current-state missing_configuration']);
  });

  it('does not take a table an earlier version watched (groups, no mark) for a first poll', async () => {
    // Prepare: a group opened by a version from before the mark
    const earlier = makeAlert({ companyId: NORDLYS });
    state.groups.set(groupKey(NORDLYS, earlier.reason), mergeAlert(undefined, earlier, new Date(T0 - HOUR)));

    // Act
    failures(ACME, ['validation_failure']);
    await poll();

    // Assess
    expect(published()).toEqual(['alert acme single validation_failure']);
    expect(await state.watchingSince()).toBeDefined();
  });

  it('sends the still true sections of a waiting combined notice when one of its groups failed again', async () => {
    // Prepare: four groups of Acme open; Acme completes an export; their combined resolved notice is refused
    await watching();
    failures(ACME, REASONS.slice(0, 4));
    await poll();
    now += HOUR;
    pleo.jobs.push(
      job({ companyId: ACME, status: 'completed', failureReasonType: null, createdAt: iso(-HOUR / 2) }),
    );
    await expect(poll({}, [{ target: 'publish', nth: 0, kind: 'refused' }])).rejects.toThrow();
    // The next poll's retry of it is refused too, while a new failure of one of its groups goes out
    now += HOUR;
    failures(ACME, ['missing_configuration']);
    await expect(poll({}, [{ target: 'publish', nth: 0, kind: 'refused' }])).rejects.toThrow();
    published();

    // Act: a poll that does not ask Pleo about completed exports again (it did an hour ago)
    await poll({ resolutionCheckMs: 24 * HOUR });

    // Assess: the notice is not sent as it was; its three sections still true are, each on its own
    expect(published().sort()).toEqual(
      REASONS.slice(1, 4)
        .map((reason) => `resolved acme single ${reason}`)
        .sort(),
    );
    const acme = [...state.groups.values()].filter((g) => g.companyId === ACME);
    expect(acme.map((g) => [g.reason, g.state]).sort()).toEqual(
      REASONS.slice(0, 4)
        .map((reason) => [reason, reason === 'missing_configuration' ? 'open' : 'resolved'])
        .sort(),
    );
    expect(state.entries.size).toBe(0);
  });

  describe('a crash while a combined message is delivered', () => {
    it('after SNS took it: the next poll sends it again once, flagged in every section, and counts each group once', async () => {
      // Prepare
      await watching();
      failures(ACME, REASONS);
      const journal = new FaultJournal();

      // Act
      await expect(poll({}, [{ target: 'publish', nth: 0, kind: 'crashAfter' }], journal)).rejects.toThrow();
      now += LEASE_RUNS_OUT;
      await poll({}, [], journal);
      await poll({}, [], journal);

      // Assess
      const [first, again, ...more] = subscribers.messages.slice(1);
      expect(more).toEqual([]);
      if (!first || !again || !isCombined(first) || !isCombined(again)) throw new Error('not combined');
      expect(again.alertId).toBe(first.alertId);
      expect([again.possibleRedelivery, ...again.sections.map((s) => s.possibleRedelivery)]).toEqual(
        Array(REASONS.length + 1).fill(true),
      );
      expect(journal.unconfirmed.get(first.sections[0]?.alertId ?? '')).toBe(1);
      const acme = [...state.groups.values()].filter((g) => g.companyId === ACME);
      expect(acme.map((g) => g.totals.jobs)).toEqual(Array(REASONS.length).fill(1));
      expect(state.entries.size).toBe(0);
    });

    it('after it was marked published: the next poll finishes its bookkeeping without sending it again', async () => {
      // Prepare
      await watching();
      failures(ACME, REASONS);

      // Act: the process dies as the message's groups are written
      await expect(poll({}, [{ target: 'complete', nth: 0, kind: 'crashBefore' }])).rejects.toThrow();
      const left = [...state.entries.values()].map((e) => [e.status, isCombined(e.message)]);
      now += LEASE_RUNS_OUT;
      await poll();
      await poll();

      // Assess
      expect(left).toEqual([['published', true]]);
      expect(published()).toEqual([`alert acme rollup ${[...REASONS].sort().join(' ')}`]);
      const acme = [...state.groups.values()].filter((g) => g.companyId === ACME);
      expect(acme.map((g) => [g.reason, g.totals.jobs]).sort()).toEqual(
        [...REASONS].sort().map((reason) => [reason, 1]),
      );
      expect(await state.knownJobIds(pleo.jobs.map((j) => j.id))).toHaveProperty('size', pleo.jobs.length);
    });

    it('half way through writing its groups: completing it again changes each group once', async () => {
      // Prepare
      await watching();
      failures(ACME, REASONS);

      // Act: half the groups written, then DynamoDB throttles; the next poll completes it
      await expect(poll({}, [{ target: 'complete', nth: 0, kind: 'partial' }])).rejects.toThrow();
      await poll();

      // Assess
      expect(published()).toHaveLength(1);
      const acme = [...state.groups.values()].filter((g) => g.companyId === ACME);
      expect(acme.map((g) => g.totals.jobs)).toEqual(Array(REASONS.length).fill(1));
      expect(state.entries.size).toBe(0);
    });
  });
});
