import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultQueue } from '../../local/demo-api/faults.js';
import { demoSeed } from '../../local/demo-api/seed.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import { basicAuth, getJson } from './http.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');
const LIST = '/v2/export-jobs?limit=5';
const authorized = { headers: { authorization: basicAuth('demo-key') } };

describe('Demo Export API: fault injection', () => {
  let api: DemoApi;

  beforeAll(async () => {
    api = await startDemoApi({ store: demoSeed({ now: NOW }) });
  });

  afterEach(() => {
    api.faults.clear();
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers 429 with Retry-After once, then serves normally', async () => {
    api.faults.enqueue({ status: 429, retryAfterSeconds: 7 });

    const limited = await getJson(api, LIST);
    const next = await getJson(api, LIST);

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toMatchObject({ type: 'TOO_MANY_REQUESTS' });
    expect(next.status).toBe(200);
  });

  it('answers 429 without Retry-After when none is given', async () => {
    api.faults.enqueue({ status: 429 });

    const limited = await getJson(api, LIST);

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it.each([
    [500, 'INTERNAL_SERVER_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
  ] as const)('answers %i with a JSON ExceptionInfo even for valid credentials', async (status, type) => {
    api.faults.enqueue({ status });

    const response = await getJson(api, LIST);

    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ type, message: expect.any(String) });
  });

  it('answers 502 with an HTML page, as a gateway does', async () => {
    api.faults.enqueue({ status: 502 });

    const response = await fetch(`${api.url}${LIST}`, authorized);

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('502 Bad Gateway');
  });

  it('holds the response back for delayMs, then serves it normally', async () => {
    api.faults.enqueue({ delayMs: 150 });
    const started = performance.now();

    const response = await getJson(api, LIST);

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ data: expect.any(Array) });
  });

  it('answers 200 with a JSON content type and a body that is not JSON for malformedJson', async () => {
    api.faults.enqueue({ malformedJson: true });

    const response = await fetch(`${api.url}${LIST}`, authorized);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('cuts the body half-way and closes the connection for truncated', async () => {
    api.faults.enqueue({ truncated: true });

    const response = await fetch(`${api.url}${LIST}`, authorized);

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect((await getJson(api, LIST)).status).toBe(200);
  });

  it('answers 200 with the given body', async () => {
    api.faults.enqueue({ body: { data: [] } });

    const response = await getJson(api, LIST);

    expect(response).toMatchObject({ status: 200, body: { data: [] } });
  });

  it('applies a fault the given number of times', async () => {
    api.faults.enqueue({ status: 503 }, { times: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await getJson(api, LIST)).status);

    expect(statuses).toEqual([503, 503, 200]);
  });

  it('applies a fault only to paths with its prefix', async () => {
    const job = api.store.listJobs({ statuses: ['completed_with_errors'] })[0];
    api.faults.enqueue({ status: 500 }, { pathPrefix: `/v2/export-jobs/${job?.id}/items` });

    const list = await getJson(api, LIST);
    const single = await getJson(api, `/v2/export-jobs/${job?.id}`);
    const items = await getJson(api, `/v2/export-jobs/${job?.id}/items`);

    expect([list.status, single.status, items.status]).toEqual([200, 200, 500]);
  });

  it('applies queued faults in order', async () => {
    api.faults.enqueue({ status: 503 });
    api.faults.enqueue({ status: 429 });

    const first = await getJson(api, LIST);
    const second = await getJson(api, LIST);

    expect([first.status, second.status]).toEqual([503, 429]);
  });

  it('drops every queued fault on clear', async () => {
    api.faults.enqueue({ status: 500 }, { times: 5 });

    api.faults.clear();

    expect(api.faults.pending).toBe(0);
    expect((await getJson(api, LIST)).status).toBe(200);
  });

  it('records faulted requests with the status they got', async () => {
    api.faults.enqueue({ status: 503 });

    await getJson(api, LIST);

    expect(api.requests.log.at(-1)).toEqual({
      method: 'GET',
      path: '/v2/export-jobs',
      query: { limit: ['5'] },
      status: 503,
    });
  });
});

describe('Class: FaultQueue', () => {
  it.each([0, -1, 1.5])('refuses times=%s', (times) => {
    expect(() => new FaultQueue().enqueue({ status: 500 }, { times })).toThrow(
      'times must be a positive integer',
    );
  });

  it('counts pending applications across entries', () => {
    const queue = new FaultQueue();
    queue.enqueue({ status: 500 }, { times: 3 });
    queue.enqueue({ truncated: true });

    queue.take('/v2/export-jobs');

    expect(queue.pending).toBe(3);
  });

  it('skips entries whose prefix does not match and keeps them queued', () => {
    const queue = new FaultQueue();
    queue.enqueue({ status: 500 }, { pathPrefix: '/v2/export-jobs/' });
    queue.enqueue({ status: 503 });

    expect(queue.take('/v2/export-jobs')).toEqual({ status: 503 });
    expect(queue.take('/v2/export-jobs/abc')).toEqual({ status: 500 });
    expect(queue.take('/v2/export-jobs/abc')).toBeUndefined();
  });
});
