import { describe, expect, it, onTestFinished } from 'vitest';
import { demoSeed } from '../../local/demo-api/seed.js';
import { startDemoApi } from '../../local/demo-api/server.js';
import { getJson, getPage } from './http.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');
const ALERTING = '/v2/export-jobs?statuses=failed&statuses=completed_with_errors&limit=1';

describe('Function: startDemoApi', () => {
  it('listens on 127.0.0.1 on a free port by default', async () => {
    const api = await startDemoApi();
    onTestFinished(() => api.close());

    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await getJson(api, '/v2/export-jobs')).status).toBe(200);
  });

  it('counts requests per route and keeps a bounded log', async () => {
    const api = await startDemoApi({ store: demoSeed({ now: NOW }), requestLogLimit: 3 });
    onTestFinished(() => api.close());
    const job = api.store.listJobs()[0];

    await getJson(api, '/v2/export-jobs');
    await getJson(api, '/v2/export-jobs?statuses=failed');
    await getJson(api, `/v2/export-jobs/${job?.id}`);
    await getJson(api, `/v2/export-jobs/${job?.id}/items?status=failed`);
    await getJson(api, '/v2/nothing');

    expect(api.requests.total).toBe(5);
    expect(api.requests.byPath).toEqual({
      '/v2/export-jobs': 2,
      '/v2/export-jobs/{jobId}': 1,
      '/v2/export-jobs/{jobId}/items': 1,
      '/v2/nothing': 1,
    });
    expect(api.requests.log).toEqual([
      { method: 'GET', path: `/v2/export-jobs/${job?.id}`, query: {}, status: 200 },
      { method: 'GET', path: `/v2/export-jobs/${job?.id}/items`, query: { status: ['failed'] }, status: 200 },
      { method: 'GET', path: '/v2/nothing', query: {}, status: 404 },
    ]);
  });

  it('adds new failures over time when newFailureEveryMs is set', async () => {
    const api = await startDemoApi({
      store: demoSeed({ now: NOW }),
      newFailureEveryMs: 20,
      clock: () => NOW,
    });
    onTestFinished(() => api.close());
    const before = (await getPage(api, ALERTING)).pagination.total ?? 0;

    let after = before;
    for (let attempt = 0; attempt < 50 && after < before + 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = (await getPage(api, ALERTING)).pagination.total ?? 0;
    }

    expect(after).toBeGreaterThanOrEqual(before + 2);
    const newest = (await getPage<{ lastUpdatedAt: string }>(api, ALERTING)).data[0];
    expect(newest?.lastUpdatedAt).toBe(NOW.toISOString());
  });

  it('stops adding failures and refuses connections once closed', async () => {
    const api = await startDemoApi({ store: demoSeed({ now: NOW }), newFailureEveryMs: 10 });
    await api.close();
    const count = api.store.jobCount;

    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(api.store.jobCount).toBe(count);
    await expect(fetch(`${api.url}/v2/export-jobs`)).rejects.toThrow();
  });

  it('closes promptly while a delayed response is pending', async () => {
    const api = await startDemoApi({ store: demoSeed({ now: NOW }) });
    api.faults.enqueue({ delayMs: 10_000 });
    const pending = fetch(`${api.url}/v2/export-jobs`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = performance.now();

    await api.close();

    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('fails to start on a port that is taken', async () => {
    const api = await startDemoApi();
    onTestFinished(() => api.close());

    await expect(startDemoApi({ port: Number(new URL(api.url).port) })).rejects.toThrow(/EADDRINUSE/);
  });
});
