import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../local/demo-api/seed.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import { getJson, getPage } from './http.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');

describe('Demo Export API: invalid requests', () => {
  let api: DemoApi;
  let cursor: string;
  let jobId: string;

  beforeAll(async () => {
    api = await startDemoApi({ store: demoSeed({ now: NOW }) });
    const page = await getPage(api, '/v2/export-jobs?limit=2');
    cursor = page.pagination.endCursor ?? '';
    jobId = api.store.listJobs({ statuses: ['completed_with_errors'] })[0]?.id ?? '';
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['company_id=acme', 'company_id must be a UUID'],
    ['statuses=exploded', "statuses: unknown value 'exploded'"],
    ['statuses=failed,completed_with_errors', "statuses: unknown value 'failed,completed_with_errors'"],
    ['status=done', "status: unknown value 'done'"],
    ['after=abc', 'after must match ^[A-Z2-7=~]+$'],
    ['before=A%20B', 'before must match'],
    ['after=AAAAAAAA', 'is not a cursor of this listing'],
    ['limit=-1', "limit must be a non-negative integer, got '-1'"],
    ['limit=1.5', 'limit must be a non-negative integer'],
    ['limit=ten', 'limit must be a non-negative integer'],
    ['limit=1&limit=2', 'limit must be given at most once'],
    ['offset=-5', 'offset must be a non-negative integer'],
    ['offset=2.5', 'offset must be a non-negative integer'],
    ['sorting_keys=amount&sorting_order=ASC', "sorting_keys: unknown key 'amount'"],
    ['sorting_keys=createdAt&sorting_order=UP', "sorting_order: unknown value 'UP'"],
    [
      'sorting_keys=createdAt&sorting_order=ASC&sorting_order=DESC',
      'one entry per sorting_keys entry (2 orders for 1 keys)',
    ],
  ])('rejects /v2/export-jobs?%s with 400', async (query, message) => {
    const response = await getJson(api, `/v2/export-jobs?${query}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ type: 'INVALID_REQUEST', message: expect.stringContaining(message) });
  });

  it.each([
    ['after and offset', (c: string) => `after=${c}&offset=0`, 'after and offset cannot be used together'],
    ['after and before', (c: string) => `after=${c}&before=${c}`, 'after and before cannot be used together'],
    [
      'before and offset',
      (c: string) => `before=${c}&offset=10`,
      'before and offset cannot be used together',
    ],
  ])('rejects %s together with 400', async (_case, query, message) => {
    const response = await getJson(api, `/v2/export-jobs?${query(cursor)}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ type: 'INVALID_REQUEST', message });
  });

  it('rejects a job cursor on the item endpoint', async () => {
    const response = await getJson(api, `/v2/export-jobs/${jobId}/items?after=${cursor}`);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      message: expect.stringContaining('is not a cursor of this listing'),
    });
  });

  it.each([
    ['status=broken', "status: unknown value 'broken'"],
    ['sorting_keys=createdAt', "sorting_keys: unknown key 'createdAt' (supported: none)"],
    ['limit=-3', 'limit must be a non-negative integer'],
  ])('rejects items?%s with 400', async (query, message) => {
    const response = await getJson(api, `/v2/export-jobs/${jobId}/items?${query}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ type: 'INVALID_REQUEST', message: expect.stringContaining(message) });
  });

  it.each([
    ['/v2/export-jobs/123', "jobId must be a UUID, got '123'"],
    ['/v2/export-jobs/123/items', "jobId must be a UUID, got '123'"],
    ['/v2/export-jobs/%E0%A4%A', "jobId must be a UUID, got '%E0%A4%A'"],
  ])('rejects the job id in %s with 400', async (path, message) => {
    const response = await getJson(api, path);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ type: 'INVALID_REQUEST', message });
  });

  it('ignores query parameters the spec does not declare', async () => {
    const response = await getJson(api, '/v2/export-jobs?utm_source=mail&limit=1');

    expect(response.status).toBe(200);
  });
});
