// A backlog larger than one poll can list drains over successive polls: each stops listing at its deadline,
// delivers what it found (the newest first), and the next goes on from Pleo's cursor where it stopped.
import { setTimeout as wait } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { PleoUnavailableError } from '../../functions/app/errors.js';
import { type PollSettings, pollOnce } from '../../functions/app/poll.js';
import type { AlertPublisher, Log } from '../../functions/app/ports.js';
import { type Alert, alertsOf } from '../../functions/domain/alert.js';
import type { ExportJob } from '../../functions/domain/export-job.js';
import { ACME, item, job, NORDLYS } from '../fixtures/jobs.js';
import { FakePleo } from '../support/fake-pleo.js';
import { MemoryAlertState } from '../support/memory-state.js';
import { pollSettings } from '../support/settings.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
/** Half of it lists jobs: about five pages at 100 ms a page. */
const BUDGET_MS = 1_000;
const PAGE_MS = 100;

/** `count` failed jobs of one company, a minute apart, the newest an hour ago. */
function backlog(count: number, companyId = ACME): ExportJob[] {
  return Array.from({ length: count }, (_, i) =>
    job({ companyId, createdAt: new Date(NOW.getTime() - 3_600_000 - i * 60_000).toISOString() }),
  );
}

describe('a backlog larger than one poll can list', () => {
  let pleo: FakePleo;
  let state: MemoryAlertState;
  let sent: Alert[];
  const publisher: AlertPublisher = {
    publish: async (message) => {
      sent.push(...alertsOf(message));
      return `m-${sent.length}`;
    },
  };

  const poll = (settings: Partial<PollSettings> = {}) =>
    pollOnce(
      { pleo, state, publisher: async () => publisher, log: silent, now: () => NOW, owner: 'poll' },
      // No sweep of the lookback after the first: what is counted is the backlog's own pages.
      pollSettings({ budgetMs: BUDGET_MS, resolutionCheckMs: 3_600_000, ...settings }),
    );
  const alertedJobIds = () => sent.flatMap((alert) => alert.jobs.map((j) => j.jobId));

  /** Polls until one finds nothing new and has nothing left to go on with; returns the jobs each poll alerted. */
  async function drain(settings: Partial<PollSettings> = {}): Promise<string[][]> {
    const perPoll: string[][] = [];
    for (let polls = 0; polls < 30; polls++) {
      const before = alertedJobIds().length;
      await poll(settings);
      perPoll.push(alertedJobIds().slice(before));
      const left = Object.values(state.listing).flatMap((checkpoint) => checkpoint.segments);
      if (left.length === 0 && perPoll.at(-1)?.length === 0) return perPoll;
    }
    throw new Error('the backlog did not drain in 30 polls');
  }

  beforeEach(() => {
    pleo = new FakePleo();
    pleo.beforePage = (signal) => wait(PAGE_MS, undefined, { signal });
    state = new MemoryAlertState();
    sent = [];
  });

  it('delivers the newest it found when the listing time runs out, and the next polls go on from there', async () => {
    // Prepare: ten pages of failures.
    pleo.jobs = backlog(1_000);

    // Act
    const perPoll = await drain();

    // Assess: the first poll stopped listing, yet delivered the newest failures.
    const [first = []] = perPoll;
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(1_000);
    const newest = pleo.jobs.slice(0, first.length).map((j) => j.id);
    expect(first.sort()).toEqual(newest.sort());
    // Every failure once, over several polls, each of which delivered something until the backlog was gone.
    expect(alertedJobIds().sort()).toEqual(pleo.jobs.map((j) => j.id).sort());
    expect(perPoll.slice(0, -1).every((jobs) => jobs.length > 0)).toBe(true);
    expect(perPoll.length).toBeGreaterThan(2);
    // No page of the backlog asked for twice: besides its ten pages, each later poll listed one page of what is new.
    const failedPages = pleo.pages.filter((page) => page.statuses.includes('failed'));
    const resumed = failedPages.filter((page) => page.after !== undefined).map((page) => page.after);
    expect(new Set(resumed).size).toBe(resumed.length);
    expect(failedPages).toHaveLength(10 + perPoll.length - 1);
  });

  it('lists the failures that arrive meanwhile first, down to where the pass started, then goes on', async () => {
    // Prepare: a first poll gets part of the way.
    pleo.jobs = backlog(1_000);
    await poll();
    const firstPoll = alertedJobIds().length;

    // Act: new failures arrive, newer than any.
    const fresh = [
      job({ createdAt: NOW.toISOString() }),
      job({ companyId: NORDLYS, createdAt: NOW.toISOString() }),
    ];
    pleo.jobs.push(...fresh);
    await poll();

    // Assess: the second poll alerted the new ones and went on with the backlog; in the end each job once.
    const second = alertedJobIds().slice(firstPoll);
    expect(second).toEqual(expect.arrayContaining(fresh.map((j) => j.id)));
    expect(second.length).toBeGreaterThan(fresh.length);
    await drain();
    expect(alertedJobIds().sort()).toEqual(pleo.jobs.map((j) => j.id).sort());
  });

  it('lists again, next poll, the page of a failure whose items Pleo could not give for now', async () => {
    // Prepare: a recent job on the first page needs its items, which Pleo cannot list for now.
    pleo.jobs = backlog(1_000);
    const cwe = job({
      status: 'completed_with_errors',
      failureReasonType: null,
      createdAt: NOW.toISOString(),
    });
    pleo.jobs.unshift(cwe);
    pleo.items.set(cwe.id, [item(cwe.id)]);
    pleo.failItemsFor.set(cwe.id, new PleoUnavailableError('Pleo is unavailable: HTTP 503'));
    await poll();
    expect(alertedJobIds()).not.toContain(cwe.id);

    // Act: Pleo lists the items again; the pass is not over yet.
    pleo.failItemsFor.clear();
    await poll();

    // Assess
    expect(Object.keys(state.listing)).toEqual(['*']);
    expect(alertedJobIds()).toContain(cwe.id);
    await drain();
    expect(alertedJobIds().sort()).toEqual(pleo.jobs.map((j) => j.id).sort());
  });

  it('keeps a checkpoint per company listed, and lists every company’s newest before any older page', async () => {
    // Prepare: two companies, each with a backlog.
    pleo.jobs = [...backlog(600, ACME), ...backlog(600, NORDLYS)];
    const companies = [{ id: ACME }, { id: NORDLYS }];

    // Act
    await poll({ companies });

    // Assess: both companies' newest failures went out in the first poll, and each has its place to go on from.
    expect(new Set(sent.map((alert) => alert.companyId))).toEqual(new Set([ACME, NORDLYS]));
    expect(Object.keys(state.listing).sort()).toEqual([ACME, NORDLYS].sort());
    await drain({ companies });
    expect(alertedJobIds().sort()).toEqual(pleo.jobs.map((j) => j.id).sort());
  });

  it('lists the whole lookback in one poll when it fits, then only what is new, until a sweep is due', async () => {
    // Prepare
    pleo.jobs = backlog(250);

    // Act
    await poll();
    const first = pleo.requestCount;
    const fresh = job({ createdAt: NOW.toISOString() });
    pleo.jobs.push(fresh);
    await poll();
    const second = pleo.requestCount - first;
    await poll({ resolutionCheckMs: 0 });
    const sweep = pleo.requestCount - first - second;

    // Assess
    expect(alertedJobIds()).toHaveLength(251);
    expect(state.listing).toEqual({
      '*': { top: fresh.createdAt, sweptAt: NOW.toISOString(), segments: [] },
    });
    // Three pages; one page of what is new (and, from then on, one of completed exports); a sweep's three and that.
    expect([first, second, sweep]).toEqual([3, 2, 4]);
  });
});
