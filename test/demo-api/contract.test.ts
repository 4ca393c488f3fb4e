import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../local/demo-api/seed.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import type { ExportJob } from '../../local/demo-api/types.js';
import { getJson, walkPages } from './http.js';
import { createSpecValidator } from './openapi-validator.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');
const validate = createSpecValidator();

describe('Demo Export API: responses against the OpenAPI spec', () => {
  let api: DemoApi;

  beforeAll(async () => {
    api = await startDemoApi({ store: demoSeed({ now: NOW }) });
  });

  afterAll(async () => {
    await api.close();
  });

  const someJob = (status: ExportJob['status']): ExportJob => {
    const job = api.store.listJobs({ statuses: [status] })[0];
    if (!job) throw new Error(`The demo data has no ${status} job`);
    return job;
  };

  it('serves every page of the job list as a CursorPaginatedResponseExportJob', async () => {
    // Prepare / Act
    const pages = await walkPages(api, '/v2/export-jobs', 'limit=7');

    // Assess
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) expect(validate('CursorPaginatedResponseExportJob', page)).toEqual([]);
    expect(pages.flatMap((page) => page.data)).toHaveLength(api.store.jobCount);
  });

  it('labels JSON responses application/json;charset=UTF-8', async () => {
    const response = await getJson(api, '/v2/export-jobs?statuses=failed');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  });

  it('serves a job by id as a DataResponseExportJob', async () => {
    const job = someJob('failed');

    const response = await getJson(api, `/v2/export-jobs/${job.id}`);

    expect(response.status).toBe(200);
    expect(validate('DataResponseExportJob', response.body)).toEqual([]);
    expect(response.body).toEqual({ data: job });
  });

  it('serves the items of every failed and completed_with_errors job as CursorPaginatedResponseExportJobItem', async () => {
    const jobs = api.store.listJobs({ statuses: ['failed', 'completed_with_errors'] });

    const bodies = await Promise.all(
      jobs.map(async (job) => (await getJson(api, `/v2/export-jobs/${job.id}/items?limit=100`)).body),
    );

    for (const body of bodies) expect(validate('CursorPaginatedResponseExportJobItem', body)).toEqual([]);
  });

  it('serves a filtered item page as CursorPaginatedResponseExportJobItem', async () => {
    const job = someJob('completed_with_errors');

    const response = await getJson(api, `/v2/export-jobs/${job.id}/items?status=failed&limit=1`);

    expect(response.status).toBe(200);
    expect(validate('CursorPaginatedResponseExportJobItem', response.body)).toEqual([]);
  });

  it.each([
    ['a bad query parameter', '/v2/export-jobs?limit=-1', 400, 'INVALID_REQUEST'],
    ['an unknown job', '/v2/export-jobs/00000000-0000-4000-8000-000000000000', 404, 'EXPORT_NOT_FOUND'],
    [
      'the items of an unknown job',
      '/v2/export-jobs/00000000-0000-4000-8000-000000000000/items',
      404,
      'EXPORT_NOT_FOUND',
    ],
    ['an unknown path', '/v2/exports', 404, 'NOT_FOUND'],
  ])('answers %s with an ExceptionInfo', async (_case, path, status, type) => {
    const response = await getJson(api, path);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(validate('ExceptionInfo', response.body)).toEqual([]);
    expect(response.body).toMatchObject({ type, message: expect.any(String) });
  });

  it('answers an unknown job with the exact body of the spec example', async () => {
    const response = await getJson(api, '/v2/export-jobs/00000000-0000-4000-8000-000000000000');

    expect(response.body).toEqual({ type: 'EXPORT_NOT_FOUND', message: 'Export job not found.' });
  });

  it('answers missing credentials with a 401 ExceptionInfo', async () => {
    const response = await getJson(api, '/v2/export-jobs', {});

    expect(response.status).toBe(401);
    expect(validate('ExceptionInfo', response.body)).toEqual([]);
    expect(response.body).toMatchObject({ type: 'UNAUTHORIZED' });
  });

  it('answers a method other than GET with 405 and Allow: GET', async () => {
    const response = await fetch(`${api.url}/v2/export-jobs`, { method: 'POST' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(validate('ExceptionInfo', await response.json())).toEqual([]);
  });
});

describe('Spec validator', () => {
  const job = (): Record<string, unknown> => ({
    id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01',
    companyId: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02',
    status: 'failed',
    createdAt: '2025-06-01T10:00:00Z',
    expiresIn: 3600,
    isInteractive: true,
    numberOfItems: 3,
    vendorBasedBookkeeping: false,
    failureReasonType: 'invalid_configuration',
  });

  it.each([
    ['null for a nullable enum', { failureReasonType: null }],
    ['a date to the second', { completedAt: '2025-06-01T10:05:00Z' }],
    ['a date with milliseconds', { completedAt: '2025-06-01T10:05:00.123Z' }],
  ])('accepts a job with %s', (_case, change) => {
    expect(validate('ExportJob', { ...job(), ...change })).toEqual([]);
  });

  it.each([
    ['a failureReasonType outside the enum', { failureReasonType: 'gremlins' }],
    ['a date that is not a date-time', { createdAt: 'yesterday' }],
    ['a companyId that is not a UUID', { companyId: 'acme' }],
    ['no numberOfItems', { numberOfItems: undefined }],
  ])('rejects a job with %s', (_case, change) => {
    const candidate = JSON.parse(JSON.stringify({ ...job(), ...change }));

    expect(validate('ExportJob', candidate)).not.toEqual([]);
  });

  it('rejects a page whose job breaks the ExportJob schema, so references are followed', () => {
    const page = {
      data: [{ ...job(), status: 'exploded' }],
      pagination: {
        currentRequestPagination: { parameters: {} },
        hasNextPage: false,
        hasPreviousPage: false,
      },
    };

    expect(validate('CursorPaginatedResponseExportJob', page)).toEqual([
      '/data/0/status must be equal to one of the allowed values',
    ]);
  });
});
