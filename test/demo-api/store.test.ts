import { beforeEach, describe, expect, it } from 'vitest';
import { DemoStore, defaultItems } from '../../local/demo-api/store.js';

const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };
const T0 = '2025-06-01T10:00:00.000Z';

describe('Class: DemoStore', () => {
  let store: DemoStore;

  beforeEach(() => {
    store = new DemoStore({ clock: () => new Date('2025-06-01T12:00:00.000Z') });
    store.addCompany(ACME);
    store.addCompany(NORDLYS);
  });

  it('fills every spec field with a default when only companyId and status are given', () => {
    const job = store.addJob({ companyId: ACME.id, status: 'completed', numberOfItems: 3 });

    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      companyId: ACME.id,
      status: 'completed',
      createdAt: '2025-06-01T12:00:00.000Z',
      createdBy: null,
      startedAt: '2025-06-01T12:00:00.000Z',
      lastUpdatedAt: '2025-06-01T12:00:00.000Z',
      completedAt: '2025-06-01T12:00:00.000Z',
      expiredAt: null,
      expiresIn: 3600,
      failureReason: null,
      failureReasonType: null,
      isInteractive: true,
      numberOfItems: 3,
      vendorBasedBookkeeping: false,
    });
    expect(store.getItems(job.id)?.map((item) => item.status)).toEqual([
      'successful',
      'successful',
      'successful',
    ]);
  });

  it('sets expiredAt instead of completedAt for a job that failed with job_expired', () => {
    const job = store.addJob({
      companyId: ACME.id,
      status: 'failed',
      failureReasonType: 'job_expired',
      createdAt: T0,
    });

    expect(job).toMatchObject({ completedAt: null, expiredAt: '2025-06-01T11:00:00.000Z' });
  });

  it('takes numberOfItems from the items given', () => {
    const job = store.addJob({
      companyId: ACME.id,
      status: 'completed_with_errors',
      items: [
        {
          status: 'failed',
          count: 2,
          failureReasonType: 'receipt_file_size_limit_exceeded',
          failureReason: 'Receipt exceeds 10 MB limit',
        },
        { status: 'successful', count: 5 },
      ],
    });

    expect(job.numberOfItems).toBe(7);
    expect(store.getItems(job.id, 'failed')).toEqual([
      expect.objectContaining({
        status: 'failed',
        failureReasonType: 'receipt_file_size_limit_exceeded',
        exportedAt: null,
      }),
      expect.objectContaining({
        status: 'failed',
        failureReason: 'Receipt exceeds 10 MB limit',
        externalId: null,
      }),
    ]);
    expect(store.getItems(job.id, 'successful')?.every((item) => item.exportedAt === job.completedAt)).toBe(
      true,
    );
  });

  it('gives every item a stable, distinct accounting entry id', () => {
    const job = store.addJob({ companyId: ACME.id, status: 'completed', numberOfItems: 50 });

    const entryIds = store.getItems(job.id)?.map((item) => item.accountingEntryId) ?? [];

    expect(new Set(entryIds).size).toBe(50);
    expect(store.getItems(job.id)?.map((item) => item.accountingEntryId)).toEqual(entryIds);
  });

  it.each([
    ['an unknown company', { companyId: '00000000-0000-4000-8000-000000000000' }, 'Unknown company'],
    ['a date that is not UTC', { createdAt: '2025-06-01T10:00:00+02:00' }, 'not ISO 8601 in UTC'],
    [
      'a numberOfItems that differs from the items',
      { numberOfItems: 4, items: [{ status: 'successful' as const, count: 3 }] },
      'differs',
    ],
  ])('refuses a job with %s', (_case, change, message) => {
    expect(() => store.addJob({ companyId: ACME.id, status: 'completed', ...change })).toThrow(message);
  });

  it('refuses a duplicate job id and a duplicate company', () => {
    const job = store.addJob({ companyId: ACME.id, status: 'pending' });

    expect(() => store.addJob({ companyId: ACME.id, status: 'pending', id: job.id })).toThrow(
      'already exists',
    );
    expect(() => store.addCompany(ACME)).toThrow('already exists');
  });

  it('moves a job through its statuses, stamping the dates', () => {
    const job = store.addJob({ companyId: ACME.id, status: 'pending', createdAt: T0, numberOfItems: 2 });

    store.setJobStatus(job.id, 'in_progress', { at: '2025-06-01T10:00:05.000Z' });
    store.setJobStatus(job.id, 'failed', {
      at: '2025-06-01T10:01:00.000Z',
      failureReasonType: 'accounting_system_authentication_failure',
      failureReason: 'e-conomic access token expired',
    });

    expect(store.getJob(job.id)).toMatchObject({
      status: 'failed',
      startedAt: '2025-06-01T10:00:05.000Z',
      completedAt: '2025-06-01T10:01:00.000Z',
      lastUpdatedAt: '2025-06-01T10:01:00.000Z',
      failureReasonType: 'accounting_system_authentication_failure',
      failureReason: 'e-conomic access token expired',
    });
    expect(store.getItems(job.id)?.map((item) => item.status)).toEqual(['abandoned', 'abandoned']);
  });

  it('shows a status change in listings that were read before it', () => {
    const job = store.addJob({ companyId: ACME.id, status: 'in_progress' });
    expect(store.listJobs({ statuses: ['failed'] })).toEqual([]);

    store.setJobStatus(job.id, 'failed', { failureReasonType: 'service_timeout' });

    expect(store.listJobs({ statuses: ['failed'] }).map((listed) => listed.id)).toEqual([job.id]);
  });

  it('refuses a status change for an unknown job', () => {
    expect(() => store.setJobStatus('nope', 'failed')).toThrow('Unknown job nope');
  });

  it('lists jobs newest first, oldest first or by id, per company and status', () => {
    const times = ['2025-06-01T10:00:00.000Z', '2025-06-01T09:00:00.000Z', '2025-06-01T11:00:00.000Z'];
    const [a, b, c] = times.map((createdAt) =>
      store.addJob({ companyId: ACME.id, status: 'failed', createdAt }),
    );
    const other = store.addJob({ companyId: NORDLYS.id, status: 'failed', createdAt: T0 });
    store.addJob({ companyId: ACME.id, status: 'completed', createdAt: T0 });
    const listedIds = (query: Parameters<DemoStore['listJobs']>[0]): string[] =>
      store.listJobs(query).map((job) => job.id);

    expect(listedIds({ companyId: ACME.id, statuses: ['failed'] })).toEqual([c?.id, a?.id, b?.id]);
    expect(listedIds({ companyId: ACME.id, statuses: ['failed'], order: 'createdAt:ASC' })).toEqual([
      b?.id,
      a?.id,
      c?.id,
    ]);
    expect(listedIds({ statuses: ['failed'], order: 'id' })).toEqual(
      [a, b, c, other].map((job) => job?.id).sort(),
    );
    expect(listedIds({ companyId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
  });

  it('returns undefined for the items and the job of an unknown id', () => {
    expect(store.getItems('nope')).toBeUndefined();
    expect(store.getJob('nope')).toBeUndefined();
  });
});

describe('Function: defaultItems', () => {
  it.each([
    ['pending', ['pending']],
    ['in_progress', ['pending']],
    ['completed', ['successful']],
    ['failed', ['abandoned']],
    ['completed_with_errors', ['failed', 'successful']],
  ] as const)('derives %s items from the job status', (status, itemStatuses) => {
    const groups = defaultItems(status, 4);

    expect(groups.map((group) => group.status)).toEqual(itemStatuses);
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(4);
  });

  it('has no items for a job of zero items', () => {
    expect(defaultItems('completed_with_errors', 0)).toEqual([]);
  });
});
