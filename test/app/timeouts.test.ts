// A poll that runs out of time, or outlives its lease, stops: nothing is claimed, published or written after.
import { beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../functions/app/errors.js';
import { pollOnce } from '../../functions/app/poll.js';
import type { AlertPublisher, Log } from '../../functions/app/ports.js';
import type { Message } from '../../functions/domain/alert.js';
import { job, NORDLYS } from '../fixtures/jobs.js';
import { FakePleo } from '../support/fake-pleo.js';
import { MemoryAlertState } from '../support/memory-state.js';
import { ONE_AT_A_TIME, pollSettings } from '../support/settings.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

describe('a poll that times out or loses its lease', () => {
  let pleo: FakePleo;
  let state: MemoryAlertState;
  let sent: Message[];
  /** Runs once the first alert went out. */
  let afterFirstPublish: () => void;

  const publisher: AlertPublisher = {
    publish: async (alert) => {
      sent.push(alert);
      afterFirstPublish();
      afterFirstPublish = () => {};
      return 'm';
    },
  };
  const poll = (owner: string, signal?: AbortSignal, timeLeftMs?: number) =>
    pollOnce(
      { pleo, state, publisher: async () => publisher, log: silent, now: () => NOW, owner },
      // One alert at a time: the test stops the poll between two deliveries.
      pollSettings({ leaseSeconds: 60, ...ONE_AT_A_TIME }),
      { signal, timeLeftMs },
    );

  beforeEach(() => {
    pleo = new FakePleo();
    // Three groups: three alerts to deliver, one after the other.
    pleo.jobs = [
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'validation_failure' }),
      job({ companyId: NORDLYS }),
    ];
    state = new MemoryAlertState();
    sent = [];
    afterFirstPublish = () => {};
  });

  it('claims and publishes nothing after the abort signal, and gives the lease back', async () => {
    // Prepare: the invocation runs out of time while the first alert is published.
    const invocation = new AbortController();
    afterFirstPublish = () => invocation.abort(new Error('the invocation ran out of time'));

    // Act
    const error = await poll('poll-1', invocation.signal).catch((e: unknown) => e);

    // Assess
    expect(error).toHaveProperty('message', 'the invocation ran out of time');
    expect(sent).toHaveLength(1);
    expect([...state.entries.values()].map((entry) => entry.status).sort()).toEqual(['staged', 'staged']);
    expect(state.lease).toBeUndefined();
  });

  it('stops at its first write after another poll took its lease over, and that write changes nothing', async () => {
    // Prepare: while the first alert is published, the lease passes to another poll (this one was frozen).
    const other = state.view();
    afterFirstPublish = () => {
      state.lease && Object.assign(state.lease, { until: 0 });
      void other.acquireLease('poll-2', NOW, 60);
    };

    // Act
    const error = await poll('poll-1').catch((e: unknown) => e);

    // Assess: the published alert is not marked, the others are not claimed; the new holder finishes them.
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(sent).toHaveLength(1);
    expect([...state.entries.values()].map((entry) => entry.status).sort()).toEqual([
      'publishing',
      'staged',
      'staged',
    ]);
    expect(state.lease?.owner).toBe('poll-2');
  });

  it('takes the lease for longer than the invocation can run, whatever the settings say', async () => {
    // Prepare: a lease setting shorter than the time the invocation has left.
    let until = 0;
    const acquire = state.acquireLease.bind(state);
    state.acquireLease = async (owner, now, seconds) => {
      until = now.getTime() / 1000 + seconds;
      return acquire(owner, now, seconds);
    };

    // Act
    await poll('poll-1', undefined, 600_000);

    // Assess
    expect(until).toBeGreaterThan(NOW.getTime() / 1000 + 600);
  });
});
