import { describe, expect, it } from 'vitest';
import { DEMO_COMPANIES, demoSeed, generateDataset, randomNewFailure } from '../../local/demo-api/seed.js';
import { DemoStore } from '../../local/demo-api/store.js';
import {
  type ExportJob,
  ITEM_FAILURE_REASON_TYPES,
  JOB_FAILURE_REASON_TYPES,
} from '../../local/demo-api/types.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;

const datesOf = (job: ExportJob): string[] =>
  [job.createdAt, job.startedAt, job.lastUpdatedAt, job.completedAt, job.expiredAt].filter(
    (date) => date !== null,
  );

describe('Function: demoSeed', () => {
  const store = demoSeed({ now: NOW });
  const jobs = store.listJobs();
  const failed = jobs.filter((job) => job.status === 'failed');
  const withErrors = jobs.filter((job) => job.status === 'completed_with_errors');

  it('holds the demo companies, and jobs only of those', () => {
    expect(store.companies()).toEqual(DEMO_COMPANIES);
    expect(new Set(jobs.map((job) => job.companyId))).toEqual(
      new Set(DEMO_COMPANIES.map((company) => company.id)),
    );
  });

  it('has a failed job for every job failure reason type, and failed jobs without a reason', () => {
    const reasons = new Set(failed.map((job) => job.failureReasonType));

    expect(reasons).toEqual(new Set([...JOB_FAILURE_REASON_TYPES, null]));
    expect(failed.filter((job) => job.failureReasonType !== null).every((job) => job.failureReason)).toBe(
      true,
    );
  });

  it('gives failed jobs without a reason failed items that carry the reasons', () => {
    const unexplained = failed.filter((job) => job.failureReasonType === null);

    for (const job of unexplained) {
      const items = store.getItems(job.id, 'failed') ?? [];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((item) => item.failureReasonType !== null && item.failureReason !== null)).toBe(
        true,
      );
    }
  });

  it('gives completed_with_errors jobs failed and successful items, using every item failure reason type', () => {
    const failedItems = withErrors.flatMap((job) => store.getItems(job.id, 'failed') ?? []);
    const allFailedItems = [...failed, ...withErrors].flatMap(
      (job) => store.getItems(job.id, 'failed') ?? [],
    );

    expect(withErrors.length).toBeGreaterThanOrEqual(5);
    for (const job of withErrors) expect(store.getItems(job.id, 'successful')?.length).toBeGreaterThan(0);
    expect(failedItems.length).toBeGreaterThan(0);
    expect(new Set(allFailedItems.map((item) => item.failureReasonType))).toEqual(
      new Set(ITEM_FAILURE_REASON_TYPES),
    );
  });

  it('has plenty of completed jobs and some still running', () => {
    const count = (status: ExportJob['status']): number => jobs.filter((job) => job.status === status).length;

    expect(count('completed')).toBeGreaterThanOrEqual(50);
    expect(count('pending') + count('in_progress')).toBeGreaterThan(0);
  });

  it('dates every job within the 10 days before now, in ISO 8601 UTC', () => {
    for (const job of jobs) {
      const created = Date.parse(job.createdAt);
      expect(created).toBeGreaterThan(NOW.getTime() - 10 * DAY_MS);
      for (const date of datesOf(job)) {
        expect(date).toMatch(ISO_UTC);
        expect(Date.parse(date)).toBeGreaterThanOrEqual(created);
        expect(Date.parse(date)).toBeLessThanOrEqual(NOW.getTime());
      }
    }
  });

  it('keeps numberOfItems equal to the items served', () => {
    for (const job of jobs) expect(store.getItems(job.id)).toHaveLength(job.numberOfItems);
  });

  it('produces the same data for the same now and seed', () => {
    expect(demoSeed({ now: NOW }).listJobs()).toEqual(jobs);
    expect(demoSeed({ now: NOW, seed: 99 }).listJobs()).not.toEqual(jobs);
  });
});

describe('Function: generateDataset', () => {
  it('builds the requested numbers of failed, completed_with_errors and completed jobs', () => {
    const store = generateDataset({
      companies: 12,
      failedJobs: 1000,
      completedWithErrorsShare: 0.2,
      completedJobs: 50,
      now: NOW,
    });

    const count = (status: ExportJob['status']): number => store.listJobs({ statuses: [status] }).length;
    expect(store.companies()).toHaveLength(12);
    expect(new Set(store.companies().map((company) => company.name)).size).toBe(12);
    expect([count('failed'), count('completed_with_errors'), count('completed')]).toEqual([800, 200, 50]);
  });

  it('spreads failed jobs over every reason type and null', () => {
    const store = generateDataset({ companies: 5, failedJobs: 320, completedWithErrorsShare: 0, now: NOW });

    const reasons = store.listJobs().map((job) => job.failureReasonType);
    expect(new Set(reasons)).toEqual(new Set([...JOB_FAILURE_REASON_TYPES, null]));
  });

  it('gives completed_with_errors jobs a failed item count within failedItemsRange', () => {
    const store = generateDataset({
      companies: 5,
      failedJobs: 200,
      completedWithErrorsShare: 1,
      failedItemsRange: [3, 4],
      now: NOW,
    });

    const counts = store.listJobs().map((job) => store.getItems(job.id, 'failed')?.length);
    expect(new Set(counts)).toEqual(new Set([3, 4]));
  });

  it('holds 100,000 failed-or-cwe jobs over 200 companies', () => {
    const store = generateDataset({ now: NOW });

    expect(store.companies()).toHaveLength(200);
    expect(store.listJobs({ statuses: ['failed'] })).toHaveLength(80_000);
    expect(store.listJobs({ statuses: ['completed_with_errors'] })).toHaveLength(20_000);
  });

  it('rejects a failedItemsRange that is empty or starts below 1', () => {
    expect(() => generateDataset({ failedItemsRange: [0, 3] })).toThrow('failedItemsRange');
    expect(() => generateDataset({ failedItemsRange: [5, 2] })).toThrow('failedItemsRange');
  });
});

describe('Function: randomNewFailure', () => {
  it('adds one failed or completed_with_errors job that ends now, for a company of the store', () => {
    const store = demoSeed({ now: NOW });
    const before = store.jobCount;

    const jobs = Array.from({ length: 20 }, (_, i) =>
      randomNewFailure(store, new Date(NOW.getTime() + i * 1000)),
    );

    expect(store.jobCount).toBe(before + 20);
    expect(new Set(jobs.map((job) => job.status))).toEqual(new Set(['failed', 'completed_with_errors']));
    for (const [i, job] of jobs.entries()) {
      expect(store.getCompany(job.companyId)).toBeDefined();
      expect(job.lastUpdatedAt).toBe(new Date(NOW.getTime() + i * 1000).toISOString());
      expect(store.getItems(job.id)).toHaveLength(job.numberOfItems);
    }
  });

  it('adds the same job to equal stores', () => {
    expect(randomNewFailure(demoSeed({ now: NOW }), NOW)).toEqual(
      randomNewFailure(demoSeed({ now: NOW }), NOW),
    );
  });

  it('refuses a store without companies', () => {
    expect(() => randomNewFailure(new DemoStore(), NOW)).toThrow('no companies');
  });
});
