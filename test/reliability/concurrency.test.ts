// Overlapping invocations: a Lambda retry of a poll that failed or died, and the next scheduled poll, start at
// the same time. Whatever the interleaving of their calls, no alert goes out twice and none is lost.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertState } from '../../functions/adapters/dynamodb/alert-state.js';
import { type PollSettings, pollOnce } from '../../functions/app/poll.js';
import type { AlertPublisher, AlertState, Log, PleoExports } from '../../functions/app/ports.js';
import type { Alert } from '../../functions/domain/alert.js';
import { type EmbeddedDynamo, ensureTable, startDynalite } from '../../local/embedded/dynamodb.js';
import { deliveryProblems } from '../support/delivery-oracle.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/dynamo.js';
import {
  type Fault,
  FaultJournal,
  FaultyProcess,
  FaultyPublisher,
  FaultyState,
  RecordingPublisher,
} from '../support/faults.js';
import { MemoryAlertState } from '../support/memory-state.js';
import { ONE_AT_A_TIME } from '../support/settings.js';
import { deliveryFaultArb, jobsArb } from './arbitraries.js';
import { COMPANIES, FakePleoWorld } from './world.js';

const START = new Date('2026-11-28T12:00:00Z');
const LEASE_SECONDS = 60;
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const settings: PollSettings = {
  companies: COMPANIES.map((id) => ({ id })),
  lookbackDays: 30,
  itemConcurrency: 2,
  dynamoConcurrency: 2,
  leaseSeconds: LEASE_SECONDS,
  budgetMs: 60_000,
  reminders: { intervalMs: 86_400_000, max: 0 },
  flapGraceMs: 0,
  resolutionCheckMs: 0,
  unreachableAlertAfterPolls: 3,
  digestTimeZone: 'UTC',
  // The scripted races below count single alerts; the random interleavings combine them too.
  ...ONE_AT_A_TIME,
};

/** Runs every call through `gate` first, so that the test decides the order in which overlapping polls proceed. */
function gated<T extends object>(target: T, gate: (label: string) => Promise<unknown>, label: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'listJobs' || property === 'listFailedItems') {
        return async function* (...args: unknown[]) {
          for await (const page of value.apply(object, args)) {
            await gate(`${label}.${property === 'listJobs' ? 'page' : 'listFailedItems'}`);
            yield page;
          }
        };
      }
      return async (...args: unknown[]) => {
        await gate(`${label}.${String(property)}`);
        return value.apply(object, args);
      };
    },
  });
}

/** Lets the test see which polls hold the lease while they publish. */
class LeaseWatch {
  readonly active = new Set<string>();
  overlaps = 0;

  state(inner: AlertState, owner: string): AlertState {
    const watch = this;
    return new Proxy(inner, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (property === 'acquireLease') {
          return async (...args: Parameters<AlertState['acquireLease']>) => {
            const taken = await object.acquireLease(...args);
            if (taken) watch.active.add(owner);
            return taken;
          };
        }
        if (property === 'releaseLease') {
          return async (name: string) => {
            watch.active.delete(owner);
            await object.releaseLease(name);
          };
        }
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  }

  publisher(inner: AlertPublisher): AlertPublisher {
    return {
      publish: async (alert: Alert) => {
        if (this.active.size > 1) this.overlaps++;
        return inner.publish(alert);
      },
    };
  }
}

const scenarioArb = fc.record({
  initialJobs: jobsArb(4),
  /** What went wrong in the invocation that Lambda retries (a crash leaves the lease held). */
  firstFaults: fc.array(deliveryFaultArb, { minLength: 1, maxLength: 3 }),
  newJobs: jobsArb(2),
  /** The retry and the schedule come after the first invocation's lease ran out, or within it. */
  afterLease: fc.boolean(),
  invocations: fc.integer({ min: 2, max: 3 }),
  /** A company's few messages of a kind combined, or each on its own. */
  combining: fc.record({
    rollupAbove: fc.constantFrom(0, 1),
    quietFirstPoll: fc.boolean(),
    deliveryConcurrency: fc.constantFrom(1, 2),
  }),
});

describe('overlapping polls', () => {
  it('never double-send, whatever the interleaving of a retry and the next schedule (in memory)', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenarioArb, async (scheduler, scenario) => {
        // Prepare: the first invocation, with its faults
        runs++;
        const world = new FakePleoWorld(START, 2);
        const state = new MemoryAlertState();
        const subscribers = new RecordingPublisher();
        const journal = new FaultJournal();
        const watch = new LeaseWatch();
        for (const spec of scenario.initialJobs) world.add(spec);
        const first = new FaultyProcess(scenario.firstFaults, journal);
        const combining = { ...settings, ...scenario.combining };
        await poll(
          world.pleo,
          new FaultyState(state, first),
          new FaultyPublisher(subscribers, first),
          START,
          undefined,
          combining,
        ).catch(() => {});
        for (const spec of scenario.newJobs) world.add(spec);

        // Act: the overlapping invocations, every call of theirs ordered by the scheduler
        const at = new Date(START.getTime() + (scenario.afterLease ? LEASE_SECONDS + 1 : 10) * 1000);
        const gate = (label: string) => scheduler.schedule(Promise.resolve(label));
        const overlapping = Array.from({ length: scenario.invocations }, (_, i) => {
          const owner = `invocation-${i}`;
          return poll(
            gated(world.pleo, gate, owner),
            watch.state(gated(state.view(), gate, owner), owner),
            watch.publisher(gated(subscribers, gate, owner)),
            new Date(at.getTime() + i * 1000),
            owner,
            combining,
          );
        });
        const outcomes = await scheduler.waitFor(Promise.allSettled(overlapping));
        await poll(
          world.pleo,
          state.view(),
          subscribers,
          new Date(at.getTime() + 3 * (LEASE_SECONDS + 1) * 1000),
          undefined,
          combining,
        );

        // Assess
        expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
        expect(watch.overlaps).toBe(0);
        const received = subscribers.sent.map((alert) => ({
          ...alert,
          jobIds: alert.jobs.map((j) => j.jobId),
        }));
        expect(deliveryProblems(received, world.truth(), journal)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    console.log(`reliability: ${runs} interleavings of overlapping polls ran in memory`);
  });
});

describe('overlapping polls on dynalite', () => {
  let dynalite: EmbeddedDynamo;
  let dynamo: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynalite = await startDynalite();
    dynamo = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
    doc = DynamoDBDocumentClient.from(dynamo);
  });
  afterAll(async () => {
    dynamo.destroy();
    await dynalite.close();
  });

  /** A new table, and a function giving the state each poll (each process) builds over it. */
  const freshTable = async () => {
    const tableName = `alerts-${Math.random().toString(36).slice(2, 10)}`;
    await ensureTable(dynamo, tableName);
    return () => new DynamoAlertState(doc, { tableName, retentionDays: 67 });
  };

  it.each<{ name: string; firstFaults: Fault[]; flagged: number }>([
    {
      name: 'failed on a throttled claim',
      firstFaults: [{ target: 'claim', nth: 1, kind: 'throttle' }],
      flagged: 0,
    },
    {
      name: 'died after SNS took an alert',
      firstFaults: [{ target: 'publish', nth: 1, kind: 'crashAfter' }],
      flagged: 1,
    },
    {
      name: 'died before confirming an alert',
      firstFaults: [{ target: 'markPublished', nth: 0, kind: 'crashBefore' }],
      flagged: 1,
    },
    {
      name: 'died while claiming',
      firstFaults: [{ target: 'claim', nth: 2, kind: 'crashAfter' }],
      flagged: 1,
    },
  ])(
    'lets exactly one of three racing invocations finish what a poll that $name left',
    async ({ firstFaults, flagged }) => {
      // Prepare: four groups of failures; the first invocation stops part-way
      const open = await freshTable();
      const world = new FakePleoWorld(START, 2);
      for (const company of [0, 1]) {
        for (const reason of [0, 1]) world.add({ kind: 'failed', company, reason });
      }
      const subscribers = new RecordingPublisher();
      const journal = new FaultJournal();
      const first = new FaultyProcess(firstFaults, journal);
      await expect(
        poll(world.pleo, new FaultyState(open(), first), new FaultyPublisher(subscribers, first), START),
      ).rejects.toThrow();

      // Act: the retry and two schedules race on the real table once the lease ran out
      const at = new Date(START.getTime() + (LEASE_SECONDS + 1) * 1000);
      const racing = await Promise.all(
        [0, 1, 2].map((i) => poll(world.pleo, open(), subscribers, at, `invocation-${i}`)),
      );
      const later = await poll(world.pleo, open(), subscribers, new Date(at.getTime() + 3_600_000));

      // Assess
      expect(racing.filter((report) => !report.skipped)).toHaveLength(1);
      expect(later.alertsPublished).toBe(0);
      expect(subscribers.sent.filter((alert) => alert.possibleRedelivery)).toHaveLength(flagged);
      const received = subscribers.sent.map((alert) => ({
        ...alert,
        jobIds: alert.jobs.map((j) => j.jobId),
      }));
      expect(deliveryProblems(received, world.truth(), journal)).toEqual([]);
      expect(await open().outbox()).toEqual([]);
    },
  );

  it('skips every invocation that comes while a dead poll still holds the lease, then recovers', async () => {
    // Prepare
    const open = await freshTable();
    const world = new FakePleoWorld(START, 2);
    world.add({ kind: 'failed', company: 0, reason: 0 });
    const subscribers = new RecordingPublisher();
    const journal = new FaultJournal();
    const first = new FaultyProcess([{ target: 'publish', nth: 0, kind: 'crashAfter' }], journal);
    await poll(
      world.pleo,
      new FaultyState(open(), first),
      new FaultyPublisher(subscribers, first),
      START,
    ).catch(() => {});

    // Act
    const within = new Date(START.getTime() + (LEASE_SECONDS - 1) * 1000);
    const early = await Promise.all(
      [0, 1].map((i) => poll(world.pleo, open(), subscribers, within, `early-${i}`)),
    );
    const after = new Date(START.getTime() + (LEASE_SECONDS + 1) * 1000);
    const late = await Promise.all(
      [0, 1].map((i) => poll(world.pleo, open(), subscribers, after, `late-${i}`)),
    );

    // Assess
    expect(early.map((report) => report.skipped)).toEqual([true, true]);
    expect(late.filter((report) => !report.skipped)).toHaveLength(1);
    expect(subscribers.sent.map((alert) => alert.possibleRedelivery)).toEqual([false, true]);
  });
});

function poll(
  pleo: PleoExports,
  state: AlertState,
  publisher: AlertPublisher,
  now: Date,
  owner = `poll-${now.toISOString()}`,
  pollSettings: PollSettings = settings,
) {
  return pollOnce(
    { pleo, state, publisher: async () => publisher, log: silent, now: () => now, owner },
    pollSettings,
  );
}
