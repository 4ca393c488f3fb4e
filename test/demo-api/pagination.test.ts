import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { generateDataset, randomNewFailure } from '../../local/demo-api/seed.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import type { ExportJob, ExportJobItem } from '../../local/demo-api/types.js';
import { getPage, walkPages } from './http.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');
const JOBS = '/v2/export-jobs';

const ids = (jobs: readonly { id: string }[]): string[] => jobs.map((job) => job.id);
const createdAtMs = (jobs: readonly ExportJob[]): number[] => jobs.map((job) => Date.parse(job.createdAt));
const isSorted = (values: number[], direction: 1 | -1): boolean =>
  values.every((value, i) => i === 0 || direction * (value - (values[i - 1] as number)) >= 0);

describe('Demo Export API: job list pagination', () => {
  let api: DemoApi;

  beforeAll(async () => {
    // 1,050 failed jobs, 150 completed_with_errors and 200 completed, over 4 companies.
    const store = generateDataset({
      companies: 4,
      failedJobs: 1200,
      completedWithErrorsShare: 0.125,
      completedJobs: 200,
      failedItemsRange: [1, 5],
      now: NOW,
      seed: 7,
    });
    api = await startDemoApi({ store });
  });

  afterAll(async () => {
    await api.close();
  });

  it('returns each of 1,050 failed jobs exactly once when following cursors over pages of 100', async () => {
    const pages = await walkPages<ExportJob>(api, JOBS, 'statuses=failed&limit=100');

    const walked = ids(pages.flatMap((page) => page.data));
    expect(pages).toHaveLength(11);
    expect(new Set(walked).size).toBe(1050);
    expect(walked.sort()).toEqual(ids(api.store.listJobs({ statuses: ['failed'] })).sort());
    expect(pages.map((page) => page.pagination.total)).toEqual(Array(11).fill(1050));
    expect(pages.at(-1)?.pagination.hasNextPage).toBe(false);
    expect(pages.slice(1).every((page) => page.pagination.hasPreviousPage)).toBe(true);
  });

  it('serves the page at an offset', async () => {
    const all = api.store.listJobs({ statuses: ['failed'] });

    const page = await getPage<ExportJob>(api, `${JOBS}?statuses=failed&offset=1000&limit=100`);

    expect(ids(page.data)).toEqual(ids(all.slice(1000)));
    expect(page.pagination).toMatchObject({ hasNextPage: false, hasPreviousPage: true, total: 1050 });
    expect(page.pagination.currentRequestPagination).toMatchObject({ offset: 1000, limit: 100 });
  });

  it('serves the previous page for a before cursor', async () => {
    const first = await getPage<ExportJob>(api, `${JOBS}?statuses=failed&limit=30`);
    const second = await getPage<ExportJob>(
      api,
      `${JOBS}?statuses=failed&limit=30&after=${first.pagination.endCursor}`,
    );

    const back = await getPage<ExportJob>(
      api,
      `${JOBS}?statuses=failed&limit=30&before=${second.pagination.startCursor}`,
    );

    expect(ids(back.data)).toEqual(ids(first.data));
    expect(back.pagination).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it.each([
    ['no limit', '', 20],
    ['a limit above the maximum', '&limit=500', 100],
    ['a limit of 0', '&limit=0', 0],
  ])('serves pages of the right size for %s', async (_case, query, size) => {
    const page = await getPage<ExportJob>(api, `${JOBS}?statuses=failed${query}`);

    expect(page.data).toHaveLength(size);
    expect(page.pagination.currentRequestPagination.limit).toBe(size);
    expect(page.pagination.hasNextPage).toBe(true);
  });

  it('omits cursors on an empty page', async () => {
    const page = await getPage<ExportJob>(api, `${JOBS}?statuses=pending`);

    expect(page).toEqual({
      data: [],
      pagination: {
        currentRequestPagination: { parameters: { statuses: ['pending'] }, limit: 20 },
        hasNextPage: false,
        hasPreviousPage: false,
        total: 0,
      },
    });
  });

  it('returns failed and completed_with_errors jobs for statuses=failed&statuses=completed_with_errors', async () => {
    const pages = await walkPages<ExportJob>(
      api,
      JOBS,
      'statuses=failed&statuses=completed_with_errors&limit=100',
    );

    const jobs = pages.flatMap((page) => page.data);
    expect(new Set(jobs.map((job) => job.status))).toEqual(new Set(['failed', 'completed_with_errors']));
    expect(jobs).toHaveLength(api.store.listJobs({ statuses: ['failed', 'completed_with_errors'] }).length);
    expect(pages[0]?.pagination.currentRequestPagination.parameters).toEqual({
      statuses: ['failed', 'completed_with_errors'],
    });
  });

  it('filters by the deprecated singular status too', async () => {
    const page = await getPage<ExportJob>(api, `${JOBS}?status=completed_with_errors&limit=100`);

    expect(page.pagination.total).toBe(150);
    expect(page.data.every((job) => job.status === 'completed_with_errors')).toBe(true);
  });

  it('returns every status when no status filter is given', async () => {
    const page = await getPage<ExportJob>(api, `${JOBS}?limit=1`);

    expect(page.pagination.total).toBe(api.store.jobCount);
  });

  it('returns only the jobs of the company given by company_id', async () => {
    const company = api.store.companies()[1];
    if (!company) throw new Error('The data set has no second company');

    const pages = await walkPages<ExportJob>(api, JOBS, `company_id=${company.id}&limit=100`);

    const jobs = pages.flatMap((page) => page.data);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((job) => job.companyId === company.id)).toBe(true);
    expect(jobs).toHaveLength(api.store.listJobs({ companyId: company.id }).length);
  });

  it('returns an empty list for a company it does not know', async () => {
    const page = await getPage<ExportJob>(api, `${JOBS}?company_id=00000000-0000-4000-8000-000000000000`);

    expect(page.data).toEqual([]);
    expect(page.pagination.total).toBe(0);
  });

  it('sorts newest first by default', async () => {
    const pages = await walkPages<ExportJob>(api, JOBS, 'statuses=failed&limit=100');

    expect(isSorted(createdAtMs(pages.flatMap((page) => page.data)), -1)).toBe(true);
  });

  it.each([
    ['ASC', 1],
    ['DESC', -1],
    ['ASC_NULLS_LAST', 1],
  ] as const)('sorts by createdAt %s across pages when asked', async (order, direction) => {
    const pages = await walkPages<ExportJob>(
      api,
      JOBS,
      `statuses=failed&limit=100&sorting_keys=createdAt&sorting_order=${order}`,
    );

    const jobs = pages.flatMap((page) => page.data);
    expect(jobs).toHaveLength(1050);
    expect(isSorted(createdAtMs(jobs), direction)).toBe(true);
    expect(pages[0]?.pagination.currentRequestPagination).toMatchObject({
      sortingKeys: ['createdAt'],
      sortingOrder: [order],
    });
  });
});

describe('Demo Export API: a server that ignores sorting', () => {
  let api: DemoApi;

  beforeAll(async () => {
    const store = generateDataset({
      companies: 3,
      failedJobs: 250,
      completedWithErrorsShare: 0.2,
      now: NOW,
      seed: 11,
    });
    api = await startDemoApi({ store, ignoreSorting: true });
  });

  afterAll(async () => {
    await api.close();
  });

  it('serves the same fixed, unsorted order whatever order is requested', async () => {
    const query = 'statuses=failed&statuses=completed_with_errors&limit=100';

    const ascending = await walkPages<ExportJob>(
      api,
      JOBS,
      `${query}&sorting_keys=createdAt&sorting_order=ASC`,
    );
    const descending = await walkPages<ExportJob>(
      api,
      JOBS,
      `${query}&sorting_keys=createdAt&sorting_order=DESC`,
    );

    const jobs = ascending.flatMap((page) => page.data);
    expect(ids(jobs)).toEqual(ids(descending.flatMap((page) => page.data)));
    expect(new Set(ids(jobs)).size).toBe(250);
    expect(isSorted(createdAtMs(jobs), 1)).toBe(false);
    expect(isSorted(createdAtMs(jobs), -1)).toBe(false);
  });
});

describe('Demo Export API: job item pagination', () => {
  let api: DemoApi;
  let jobId: string;

  beforeAll(async () => {
    api = await startDemoApi({
      store: generateDataset({ companies: 2, failedJobs: 20, completedWithErrorsShare: 1, now: NOW }),
    });
    const job = api.store.listJobs()[0];
    if (!job) throw new Error('The data set has no job');
    jobId = job.id;
  });

  afterAll(async () => {
    await api.close();
  });

  it('returns only the failed items for status=failed', async () => {
    const page = await getPage<ExportJobItem>(api, `${JOBS}/${jobId}/items?status=failed&limit=100`);

    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((item) => item.status === 'failed' && item.failureReasonType !== null)).toBe(true);
    expect(page.data).toEqual(api.store.getItems(jobId, 'failed'));
    expect(page.pagination.currentRequestPagination.parameters).toEqual({ status: ['failed'] });
  });

  it('returns every item exactly once when following cursors over small pages', async () => {
    const pages = await walkPages<ExportJobItem>(api, `${JOBS}/${jobId}/items`, 'limit=3');

    const entries = pages.flatMap((page) => page.data).map((item) => item.accountingEntryId);
    expect(entries).toEqual(api.store.getItems(jobId)?.map((item) => item.accountingEntryId));
    expect(entries).toHaveLength(api.store.getJob(jobId)?.numberOfItems ?? -1);
  });

  it('serves the items at an offset', async () => {
    const page = await getPage<ExportJobItem>(api, `${JOBS}/${jobId}/items?offset=2&limit=2`);

    expect(page.data).toEqual(api.store.getItems(jobId)?.slice(2, 4));
    expect(page.pagination.hasPreviousPage).toBe(true);
  });
});

describe('Demo Export API: cursor stability', () => {
  it('keeps cursors stable when a new failure arrives during the walk', async () => {
    // Prepare: a server of its own, as the walk adds a job
    const api = await startDemoApi({
      store: generateDataset({ companies: 3, failedJobs: 450, now: NOW, seed: 3 }),
    });
    onTestFinished(() => api.close());
    const before = new Set(ids(api.store.listJobs({ statuses: ['failed', 'completed_with_errors'] })));
    const first = await getPage<ExportJob>(
      api,
      `${JOBS}?statuses=failed&statuses=completed_with_errors&limit=100`,
    );

    // Act
    const added = randomNewFailure(api.store, NOW);
    const rest = await walkPages<ExportJob>(
      api,
      JOBS,
      'statuses=failed&statuses=completed_with_errors&limit=100',
      first.pagination.endCursor,
    );

    // Assess: the newest job sorts before the cursor, so the rest of the walk neither repeats nor skips a job.
    const walked = ids([...first.data, ...rest.flatMap((page) => page.data)]);
    expect(walked).not.toContain(added.id);
    expect(new Set(walked)).toEqual(before);
    expect(walked).toHaveLength(before.size);
  });
});
