import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// The Pleo client through real HTTP against the demo Export API server.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PleoClient, type PleoClientOptions } from '../../../functions/adapters/pleo/client.js';
import { PleoContractError } from '../../../functions/adapters/pleo/errors.js';
import { PleoCredentialsError, PleoUnavailableError } from '../../../functions/app/errors.js';
import { type DemoApi, startDemoApi } from '../../../local/demo-api/server.js';
import { DemoStore } from '../../../local/demo-api/store.js';
import { collect as collectAll } from '../../support/collect.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const COMPANY = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const OTHER = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };
const LONG_AGO = new Date('2020-01-01T00:00:00Z');
const noWait = { sleep: async () => {}, random: () => 1 };

function storeWith(failed: number, extra: (store: DemoStore) => void = () => {}): DemoStore {
  const store = new DemoStore({ clock: () => NOW });
  store.addCompany(COMPANY);
  store.addCompany(OTHER);
  for (let i = 0; i < failed; i++) {
    store.addJob({
      companyId: i % 3 === 0 ? OTHER.id : COMPANY.id,
      status: 'failed',
      failureReasonType: 'missing_configuration',
      createdAt: new Date(NOW.getTime() - (i + 1) * 60_000).toISOString(),
    });
  }
  extra(store);
  return store;
}

async function collect(client: PleoClient, query: Partial<Parameters<PleoClient['listJobs']>[0]> = {}) {
  const jobs = [];
  for await (const page of client.listJobs({
    statuses: ['failed', 'completed_with_errors'],
    since: LONG_AGO,
    ...query,
  })) {
    jobs.push(...page.jobs);
  }
  return jobs;
}

describe('PleoClient against the demo Export API', () => {
  let api: DemoApi;
  const client = (options: Partial<PleoClientOptions> = {}) =>
    new PleoClient({
      baseUrl: api.url,
      credential: { kind: 'apiKey', apiKey: 'demo-key' },
      deps: noWait,
      ...options,
    });

  afterEach(() => {
    vi.restoreAllMocks();
    return api?.close();
  });

  it('walks 1,050 failed jobs over pages of 100 and returns each exactly once', async () => {
    // Prepare
    api = await startDemoApi({ store: storeWith(1_050) });
    const pleo = client();

    // Act
    const jobs = await collect(pleo);

    // Assess
    expect(jobs).toHaveLength(1_050);
    expect(new Set(jobs.map((job) => job.id)).size).toBe(1_050);
    expect(pleo.requestCount).toBe(11);
  });

  it('sends statuses as repeated keys, the company, the page size and the order', async () => {
    api = await startDemoApi({ store: storeWith(5) });
    const jobs = await collect(client(), { companyId: OTHER.id });
    const [request] = api.requests.log;
    expect(request?.query).toMatchObject({
      statuses: ['failed', 'completed_with_errors'],
      company_id: [OTHER.id],
      limit: ['100'],
      sorting_keys: ['createdAt'],
      sorting_order: ['DESC'],
    });
    expect(jobs.every((job) => job.companyId === OTHER.id)).toBe(true);
  });

  it('stops at the lookback horizon when the server returns newest first', async () => {
    api = await startDemoApi({ store: storeWith(1_000) });
    const pleo = client();
    const jobs = await collect(pleo, { since: new Date(NOW.getTime() - 150 * 60_000) });
    expect(jobs).toHaveLength(150);
    expect(pleo.requestCount).toBe(2);
  });

  it('still finds every job inside the horizon when the server ignores the order', async () => {
    api = await startDemoApi({ store: storeWith(1_000), ignoreSorting: true });
    const pleo = client();
    const jobs = await collect(pleo, { since: new Date(NOW.getTime() - 150 * 60_000) });
    expect(jobs).toHaveLength(150);
    expect(pleo.requestCount).toBe(10);
  });

  it('lists without the order, from then on, when the server refuses the sort key', async () => {
    api = await startDemoApi({ store: storeWith(150), refuseSorting: true });
    const pleo = client();

    expect(await collect(pleo)).toHaveLength(150);
    expect(pleo.requestCount).toBe(3); // the refused first page, then two pages without the order
    expect(await collect(pleo)).toHaveLength(150);
    expect(pleo.requestCount).toBe(5);
  });

  it('keeps the path of a base URL that has one, without repeating a /v2 pasted into it', async () => {
    // Prepare
    const asked: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      asked.push(new URL(String(input)).pathname);
      const pagination = { hasNextPage: false, hasPreviousPage: false, currentRequestPagination: {} };
      return Response.json({ data: [], pagination });
    };
    const gateway = (baseUrl: string) =>
      new PleoClient({ baseUrl, credential: { kind: 'apiKey', apiKey: 'k' }, deps: { ...noWait, fetch } });

    // Act
    await collect(gateway('https://gateway.example/pleo'));
    await collectAll(gateway('https://gateway.example/pleo/').listFailedItems('job-1'));
    await collect(gateway('https://gateway.example'));
    await collect(gateway('https://external.pleo.io/v2/'));

    // Assess
    expect(asked).toEqual([
      '/pleo/v2/export-jobs',
      '/pleo/v2/export-jobs/job-1/items',
      '/v2/export-jobs',
      '/v2/export-jobs',
    ]);
  });

  it('authenticates with a bearer token', async () => {
    api = await startDemoApi({ store: storeWith(3), bearerTokens: ['jwt-token'] });
    expect(await collect(client({ credential: { kind: 'bearer', token: 'jwt-token' } }))).toHaveLength(3);
  });

  it('fails with the credentials error on 401, without retrying and without the key in the message', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    const pleo = client({ credential: { kind: 'apiKey', apiKey: 'expired-key-123' } });
    const error = await collect(pleo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PleoCredentialsError);
    expect((error as Error).message).toMatch(/invalid, expired, or lacks export-jobs:read/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('expired-key-123');
    expect(pleo.requestCount).toBe(1);
  });

  it('treats 403 as a credentials error too', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ status: 403 });
    await expect(collect(client())).rejects.toBeInstanceOf(PleoCredentialsError);
  });

  it('retries a 429, honouring Retry-After, then succeeds', async () => {
    // Prepare
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ status: 429, retryAfterSeconds: 2 });
    const waits: number[] = [];
    const pleo = client({ deps: { random: () => 0, sleep: async (ms) => void waits.push(ms) } });

    // Act
    const jobs = await collect(pleo);

    // Assess
    expect(jobs).toHaveLength(3);
    expect(waits).toEqual([2_000]);
    expect(pleo.requestCount).toBe(2);
  });

  it('retries 500 and 502 and a slow response that times out', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ status: 500 });
    api.faults.enqueue({ status: 502 });
    api.faults.enqueue({ delayMs: 1_000 });
    const pleo = client({ requestTimeoutMs: 200 });
    expect(await collect(pleo)).toHaveLength(3);
    expect(pleo.requestCount).toBe(4);
  });

  it('clears each request timeout once the request is answered, instead of leaving it to run out', async () => {
    api = await startDemoApi({ store: storeWith(1_050) });
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
    const pleo = client({ requestTimeoutMs: 60_000 });
    expect(await collect(pleo, { signal: new AbortController().signal })).toHaveLength(1_050);
    const requestTimers = setTimer.mock.results
      .filter((_, call) => setTimer.mock.calls[call]?.[1] === 60_000)
      .map((result) => result.value);
    expect(requestTimers).toHaveLength(11);
    const cleared = new Set(clearTimer.mock.calls.map(([timer]) => timer));
    expect(requestTimers.every((timer) => cleared.has(timer))).toBe(true);
  });

  it('retries any 5xx, such as 504 or 520 from a proxy in front of Pleo, and gives up as unavailable', async () => {
    // Prepare: the server answers 504, then 520, and nothing else
    api = await startDemoApi({ store: storeWith(3) });
    const statuses = [504, 520, 520, 520];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const status = statuses.shift();
      return status ? new Response('<html>bad gateway</html>', { status }) : globalThis.fetch(input, init);
    };
    const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1_000 };

    // Act
    const first = await collect(client({ retry, deps: { ...noWait, fetch } })).catch((e: unknown) => e);
    const second = await collect(client({ retry, deps: { ...noWait, fetch } }));

    // Assess
    expect(first).toBeInstanceOf(PleoUnavailableError);
    expect((first as Error).message).toContain('HTTP 520');
    expect(second).toHaveLength(3);
  });

  it('retries a body cut off mid-way', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ truncated: true });
    expect(await collect(client())).toHaveLength(3);
  });

  it('gives up with the unavailable error when 503 outlasts the retry budget', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ status: 503 }, { times: 100 });
    const pleo = client({ retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1_000 } });
    const error = await collect(pleo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PleoUnavailableError);
    expect((error as Error).message).toContain('HTTP 503');
    expect(pleo.requestCount).toBe(4);
  });

  it('gives up when Retry-After asks for longer than the budget allows', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ status: 429, retryAfterSeconds: 3_600 });
    const pleo = client();
    await expect(collect(pleo)).rejects.toBeInstanceOf(PleoUnavailableError);
    expect(pleo.requestCount).toBe(1);
  });

  it('fails with the contract error on malformed JSON, naming the endpoint', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ malformedJson: true });
    await expect(collect(client())).rejects.toThrow(
      expect.objectContaining({
        name: 'PleoContractError',
        message: expect.stringContaining('/v2/export-jobs'),
      }),
    );
  });

  it('fails with the contract error on a page without pagination, naming what is missing', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ body: { data: [] } });
    await expect(collect(client())).rejects.toThrow(/pagination/);
  });

  it('fails with the contract error when a cursor repeats', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    const page = {
      data: [],
      pagination: {
        hasNextPage: true,
        hasPreviousPage: false,
        endCursor: 'AAAA',
        currentRequestPagination: { parameters: {} },
      },
    };
    api.faults.enqueue({ body: page }, { times: 2 });
    await expect(collect(client())).rejects.toThrow(/repeated the cursor/);
    expect(api.requests.total).toBe(2);
  });

  it('fails with the contract error on the second page when the server ignores the cursor', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    const data = api.store.listJobs();
    const page = (endCursor: string) => ({
      data,
      pagination: {
        hasNextPage: true,
        hasPreviousPage: false,
        endCursor,
        currentRequestPagination: { parameters: {} },
      },
    });
    api.faults.enqueue({ body: page('AAAA') });
    api.faults.enqueue({ body: page('BBBB') });
    await expect(collect(client())).rejects.toThrow(/returned the same page again for after=AAAA/);
    expect(api.requests.total).toBe(2);
  });

  it('stops a runaway listing after the page limit', async () => {
    api = await startDemoApi({ store: storeWith(50) });
    await expect(collect(client({ pageSize: 1, maxPages: 10 }))).rejects.toThrow(PleoContractError);
  });

  it('never retries a 400, beyond asking once without the order', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    const pleo = client({ pageSize: -1 });
    await expect(collect(pleo)).rejects.toMatchObject({ name: 'PleoRequestError', status: 400 });
    expect(pleo.requestCount).toBe(2);
    expect(api.requests.log.map((entry) => 'sorting_keys' in entry.query)).toEqual([true, false]);
  });

  it('carries an unknown failureReasonType and extra fields through', async () => {
    api = await startDemoApi({
      store: storeWith(0, (store) =>
        store.addJob({
          companyId: COMPANY.id,
          status: 'failed',
          failureReasonType: 'brand_new_reason' as never,
        }),
      ),
    });
    const [job] = await collect(client());
    expect(job?.failureReasonType).toBe('brand_new_reason');
    expect(job).toHaveProperty('vendorBasedBookkeeping');
  });

  it('skips one record that breaks the schema, reporting it, and keeps the rest', async () => {
    api = await startDemoApi({ store: storeWith(2) });
    const good = api.store.listJobs()[0];
    const page = {
      data: [{ ...good, id: null }, good],
      pagination: {
        hasNextPage: false,
        hasPreviousPage: false,
        currentRequestPagination: { parameters: {} },
      },
    };
    api.faults.enqueue({ body: page });
    const invalid: string[] = [];
    const jobs = await collect(client({ onInvalidRecord: (record) => invalid.push(record.problem) }));
    expect(jobs.map((job) => job.id)).toEqual([good?.id]);
    expect(invalid).toEqual([expect.stringContaining('id')]);
  });

  it('takes null cursors and total on the last page as absent', async () => {
    api = await startDemoApi({ store: storeWith(2) });
    const jobs = api.store.listJobs();
    const page = {
      data: jobs,
      pagination: {
        hasNextPage: false,
        hasPreviousPage: false,
        endCursor: null,
        startCursor: null,
        total: null,
        currentRequestPagination: { parameters: {} },
      },
    };
    api.faults.enqueue({ body: page });
    expect((await collect(client())).map((job) => job.id)).toEqual(jobs.map((job) => job.id));
  });

  it('fails with the contract error when a page says there is more but gives a null cursor', async () => {
    api = await startDemoApi({ store: storeWith(2) });
    const page = {
      data: [],
      pagination: {
        hasNextPage: true,
        hasPreviousPage: false,
        endCursor: null,
        currentRequestPagination: { parameters: {} },
      },
    };
    api.faults.enqueue({ body: page });
    await expect(collect(client())).rejects.toThrow(/hasNextPage but gave no endCursor/);
  });

  it('writes every date in one UTC form, whatever offset and precision Pleo used', async () => {
    api = await startDemoApi({ store: storeWith(1) });
    const [job] = api.store.listJobs();
    const page = {
      data: [{ ...job, createdAt: '2026-11-28T13:00:00+02:00', completedAt: '2026-11-28T11:00:05Z' }],
      pagination: {
        hasNextPage: false,
        hasPreviousPage: false,
        currentRequestPagination: { parameters: {} },
      },
    };
    api.faults.enqueue({ body: page });
    const [listed] = await collect(client());
    expect(listed).toMatchObject({
      createdAt: '2026-11-28T11:00:00.000Z',
      completedAt: '2026-11-28T11:00:05.000Z',
    });
  });

  it('lists every failed item of a job over several pages', async () => {
    let jobId = '';
    api = await startDemoApi({
      store: storeWith(0, (store) => {
        jobId = store.addJob({
          companyId: COMPANY.id,
          status: 'completed_with_errors',
          numberOfItems: 260,
          items: [
            { status: 'successful', count: 10 },
            {
              status: 'failed',
              count: 250,
              failureReasonType: 'receipt_upload_failure',
              failureReason: 'Upload failed',
            },
          ],
        }).id;
      }),
    });
    const pleo = client();
    const pages = await collectAll(pleo.listFailedItems(jobId));
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    const items = pages.flat();
    expect(items.every((item) => item.failureReasonType === 'receipt_upload_failure')).toBe(true);
    expect(pleo.requestCount).toBe(3);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    api = await startDemoApi({ store: storeWith(3) });
    api.faults.enqueue({ delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Lambda is about to time out')), 50);
    const pleo = client();
    await expect(collect(pleo, { signal: controller.signal })).rejects.toThrow('Lambda is about to time out');
    expect(pleo.requestCount).toBe(1);
  });
});

describe('PleoClient and redirects', () => {
  let server: Server;
  const requests: { url: string; authorization: string }[] = [];

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([301, 302, 307, 308])(
    'never follows a %i redirect, so the API key goes nowhere else',
    async (status) => {
      // Prepare: a base URL that redirects everything to a path of the same server, which would answer.
      requests.length = 0;
      server = createServer((req, res) => {
        requests.push({ url: req.url ?? '', authorization: String(req.headers.authorization) });
        if (req.url?.startsWith('/elsewhere')) res.writeHead(200).end('{"data":[],"pagination":{}}');
        else res.writeHead(status, { location: '/elsewhere/v2/export-jobs' }).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const client = new PleoClient({
        baseUrl: `http://127.0.0.1:${port}`,
        credential: { kind: 'apiKey', apiKey: 'key-1' },
        deps: noWait,
      });

      // Act
      const listing = collect(client);

      // Assess
      await expect(listing).rejects.toThrow(
        new RegExp(`answered ${status}, a redirect, which the alerter does not follow`),
      );
      expect(requests.map((request) => request.url.split('?')[0])).toEqual(['/v2/export-jobs']);
    },
  );
});

describe('PleoClient and runaway responses', () => {
  let server: Server;
  /** Bytes the server managed to send before the client stopped reading. */
  let sent = 0;

  afterEach(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A server answering 200 with an endless JSON array, in 64 KB chunks, with or without saying its length. */
  async function endlessServer(declaredLength?: number): Promise<string> {
    sent = 0;
    server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(declaredLength === undefined ? {} : { 'content-length': declaredLength }),
      });
      const chunk = `${'"key-1 is not here",'.repeat(3_276)}`;
      res.write('{"data":[');
      const pump = () => {
        while (!res.destroyed && sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => res.destroy());
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it.each([
    ['streamed without a length', undefined],
    ['that declares its length', 32 * 1024 * 1024],
  ])('stops reading a body %s past the cap, with a clear error and no retry', async (_case, length) => {
    // Prepare
    const client = new PleoClient({
      baseUrl: await endlessServer(length),
      credential: { kind: 'apiKey', apiKey: 'key-1' },
      maxBodyBytes: 1024 * 1024,
      deps: noWait,
    });

    // Act
    const error = await collect(client).catch((e: unknown) => e);

    // Assess: the error names the request and the cap, not the key; far less than the body was read.
    expect(error).toBeInstanceOf(PleoContractError);
    expect(String(error)).toContain('GET /v2/export-jobs answered with a body over 1048576 bytes');
    expect(String(error)).not.toContain('a2V5LTE6'); // base64 of the key
    expect(client.requestCount).toBe(1);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });
});
