import { describe, expect, it } from 'vitest';
import { coldIdeal, perCompanyListPages, ratio, warmIdeal } from '../../bench/ideal.js';
import { lambdaHeapFlags } from '../../bench/poll-process.js';
import { countRequests, meanRate, peakWithin } from '../../bench/scenario.js';
import type { RequestLogEntry } from '../../local/demo-api/server.js';
import { DemoStore, type ItemGroup } from '../../local/demo-api/store.js';
import type { ExportJobStatus, JobFailureReasonType } from '../../local/demo-api/types.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const SINCE = new Date('2026-11-01T00:00:00Z');
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };

function storeWith(
  jobs: Array<{
    companyId?: string;
    status: ExportJobStatus;
    reason?: JobFailureReasonType | null;
    items?: ItemGroup[];
    createdAt?: string;
  }>,
): DemoStore {
  const store = new DemoStore({ clock: () => NOW });
  store.addCompany(ACME);
  store.addCompany(NORDLYS);
  for (const job of jobs) {
    store.addJob({
      companyId: job.companyId ?? ACME.id,
      status: job.status,
      failureReasonType: job.reason ?? null,
      items: job.items ?? [{ status: 'abandoned', count: 1 }],
      createdAt: job.createdAt ?? '2026-11-20T10:00:00.000Z',
    });
  }
  return store;
}

const failedItems = (count: number, reason: ItemGroup['failureReasonType'] = 'receipt_upload_failure') => ({
  status: 'failed' as const,
  count,
  failureReasonType: reason,
});

describe('coldIdeal', () => {
  it('costs one list page and no items for a failed job with its own reason', () => {
    // Act
    const ideal = coldIdeal(storeWith([{ status: 'failed', reason: 'invalid_configuration' }]), SINCE);

    // Assess
    expect(ideal).toEqual({
      jobs: 1,
      jobsNeedingItems: 0,
      listPages: 1,
      itemPages: 0,
      batchGets: 1,
      groups: 1,
      publishes: 1,
      // Written down before the publish, then its job, its group and the entry's removal in one transaction.
      deliveryRequests: 2,
      resolutionPages: 0,
      openGroupsSinceMs: Date.parse('2026-11-20T10:00:00.000Z'),
    });
  });

  it.each([
    { failed: 0, pages: 1 },
    { failed: 1, pages: 1 },
    { failed: 100, pages: 1 },
    { failed: 101, pages: 2 },
    { failed: 250, pages: 3 },
  ])(
    'counts $pages item page(s) for a completed_with_errors job with $failed failed items',
    ({ failed, pages }) => {
      // Prepare
      const items = [
        { status: 'successful' as const, count: 3 },
        ...(failed > 0 ? [failedItems(failed)] : []),
      ];

      // Act
      const ideal = coldIdeal(storeWith([{ status: 'completed_with_errors', items }]), SINCE);

      // Assess
      expect(ideal.itemPages).toBe(pages);
      expect(ideal.jobsNeedingItems).toBe(1);
    },
  );

  it('counts a group per item reason of a job, and per company', () => {
    // Prepare: Acme's job fails for two item reasons, one shared with Nordlys' job
    const store = storeWith([
      {
        status: 'completed_with_errors',
        items: [failedItems(2, 'validation_failure'), failedItems(1, 'receipt_upload_failure')],
      },
      { status: 'failed', reason: null, items: [failedItems(4, 'validation_failure')] },
      { companyId: NORDLYS.id, status: 'failed', reason: 'validation_failure' },
    ]);

    // Act
    const ideal = coldIdeal(store, SINCE);

    // Assess: Acme × {validation, receipt upload}, Nordlys × validation; a message for each company
    expect(ideal.groups).toBe(3);
    expect(ideal.publishes).toBe(2);
    expect(ideal.deliveryRequests).toBe(2 + 2);
    expect(ideal.itemPages).toBe(2);
  });

  it('splits a group larger than an alert holds into parts', () => {
    // Prepare
    const jobs = Array.from({ length: 1_001 }, () => ({
      status: 'failed' as const,
      reason: 'missing_configuration' as const,
    }));

    // Act
    const ideal = coldIdeal(storeWith(jobs), SINCE);

    // Assess
    expect(ideal).toMatchObject({ jobs: 1_001, listPages: 11, batchGets: 11, groups: 2, publishes: 1 });
    // 1,001 job records, one group, the entry: 1,003 writes in transactions of 99, after the one before
    expect(ideal.deliveryRequests).toBe(1 + 11);
  });

  it('leaves out jobs created before the window and jobs that did not fail', () => {
    // Prepare
    const store = storeWith([
      { status: 'failed', reason: 'job_expired', createdAt: '2026-10-31T23:59:59.000Z' },
      { status: 'completed', items: [{ status: 'successful', count: 2 }] },
      { status: 'failed', reason: 'job_expired' },
    ]);

    // Act
    const ideal = coldIdeal(store, SINCE);

    // Assess
    expect(ideal.jobs).toBe(1);
  });

  it('still costs one list page when nothing failed', () => {
    expect(coldIdeal(storeWith([]), SINCE)).toMatchObject({
      jobs: 0,
      listPages: 1,
      batchGets: 0,
      publishes: 0,
      deliveryRequests: 0,
    });
  });
});

describe('warmIdeal', () => {
  it('keeps the listing and the lookups, drops items and publishes, and reads one page of completed exports', () => {
    // Prepare
    const store = storeWith([{ status: 'completed_with_errors', items: [failedItems(5)] }]);
    const cold = coldIdeal(store, SINCE);

    // Act
    const warm = warmIdeal(cold, store);

    // Assess: an empty listing of completed exports still takes a request
    const { openGroupsSinceMs: _, ...coldCost } = cold;
    expect(warm).toEqual({
      ...coldCost,
      itemPages: 0,
      groups: 0,
      publishes: 0,
      deliveryRequests: 0,
      resolutionPages: 1,
    });
  });

  it('counts the completed exports since the group whose newest failure is oldest, not those before it', () => {
    // Prepare: Acme failed on the 20th and the 25th (one group), Nordlys on the 22nd; 150 exports completed
    // after the 22nd and 80 before it
    const completed = (count: number, createdAt: string) =>
      Array.from({ length: count }, () => ({ status: 'completed' as const, createdAt }));
    const store = storeWith([
      { status: 'failed', reason: 'invalid_configuration', createdAt: '2026-11-20T10:00:00.000Z' },
      { status: 'failed', reason: 'invalid_configuration', createdAt: '2026-11-25T10:00:00.000Z' },
      {
        companyId: NORDLYS.id,
        status: 'failed',
        reason: 'job_expired',
        createdAt: '2026-11-22T10:00:00.000Z',
      },
      ...completed(80, '2026-11-21T10:00:00.000Z'),
      ...completed(150, '2026-11-23T10:00:00.000Z'),
    ]);

    // Act
    const warm = warmIdeal(coldIdeal(store, SINCE), store);

    // Assess
    expect(warm.resolutionPages).toBe(2);
  });

  it('reads no completed exports when no group was opened', () => {
    // Prepare
    const store = storeWith([]);

    // Act + Assess
    expect(warmIdeal(coldIdeal(store, SINCE), store).resolutionPages).toBe(0);
  });
});

describe('perCompanyListPages', () => {
  it('counts a page per company, even for a company with no failures', () => {
    // Prepare: 150 failures at Acme, none at Nordlys
    const jobs = Array.from({ length: 150 }, () => ({
      status: 'failed' as const,
      reason: 'job_expired' as const,
    }));

    // Act + Assess
    expect(perCompanyListPages(storeWith(jobs), SINCE)).toBe(3);
  });
});

describe('ratio', () => {
  it.each([
    { measured: 105, ideal: 100, expected: 1.05 },
    { measured: 0, ideal: 0, expected: 1 },
    { measured: 1, ideal: 0, expected: Number.POSITIVE_INFINITY },
  ])('is $expected for $measured measured against $ideal ideal', ({ measured, ideal, expected }) => {
    expect(ratio(measured, ideal)).toBe(expected);
  });
});

describe('countRequests', () => {
  it('tells the failure listing from the completed-jobs listing and the item listings', () => {
    // Prepare
    const entry = (path: string, statuses: string[] = [], status = 200): RequestLogEntry => ({
      method: 'GET',
      path,
      query: statuses.length > 0 ? { statuses } : {},
      status,
    });

    // Act
    const counts = countRequests([
      entry('/v2/export-jobs', ['failed', 'completed_with_errors']),
      entry('/v2/export-jobs', ['failed', 'completed_with_errors'], 429),
      entry('/v2/export-jobs', ['completed']),
      entry('/v2/export-jobs/3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01/items'),
      entry('/v2/export-jobs/3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01'),
    ]);

    // Assess
    expect(counts).toEqual({ alertingList: 2, completedList: 1, items: 1, other: 1, notOk: 1, total: 5 });
  });
});

describe('request rate from sampled totals', () => {
  // A request every 100 ms from t=0 to t=2000, sampled every 20 ms just after the arrivals.
  const samples = Array.from({ length: 106 }, (_, i) => ({
    at: i * 20,
    total: Math.min(21, Math.floor((i * 20) / 100) + 1),
  }));

  it('finds at most ten requests within any second', () => {
    expect(peakWithin(samples, 1_000)).toBe(10);
  });

  it('averages ten requests per second from the first to the last', () => {
    expect(meanRate([{ at: -20, total: 0 }, ...samples])).toBeCloseTo(10, 5);
  });

  it('gives no rate for fewer than two requests', () => {
    expect(
      meanRate([
        { at: 0, total: 0 },
        { at: 20, total: 1 },
      ]),
    ).toBe(0);
  });
});

describe('lambdaHeapFlags', () => {
  it.each([
    { memoryMb: 256, flags: ['--max-semi-space-size=12', '--max-old-space-size=231'] },
    { memoryMb: 1024, flags: ['--max-semi-space-size=51', '--max-old-space-size=922'] },
  ])('sizes the heap for $memoryMb MB as Lambda does', ({ memoryMb, flags }) => {
    expect(lambdaHeapFlags(memoryMb)).toEqual(flags);
  });
});
