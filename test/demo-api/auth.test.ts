import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../local/demo-api/seed.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import { basicAuth, getJson } from './http.js';

const NOW = new Date('2025-06-02T09:30:00.000Z');

describe('Demo Export API: credentials', () => {
  let api: DemoApi;

  beforeAll(async () => {
    api = await startDemoApi({
      store: demoSeed({ now: NOW }),
      apiKeys: ['key-acme', 'key-org'],
      bearerTokens: ['eyJhbGciOiJSUzI1NiJ9.demo.signature'],
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['an API key as Basic user name with an empty password', basicAuth('key-acme')],
    ['a second configured API key', basicAuth('key-org')],
    ['a configured Bearer token', 'Bearer eyJhbGciOiJSUzI1NiJ9.demo.signature'],
    ['a lower-case scheme', `basic ${Buffer.from('key-acme:').toString('base64')}`],
  ])('accepts %s', async (_case, authorization) => {
    const response = await getJson(api, '/v2/export-jobs?limit=1', { authorization });

    expect(response.status).toBe(200);
  });

  it.each([
    ['no Authorization header', undefined, 'Missing credentials'],
    ['an unknown API key', basicAuth('key-stolen'), 'Invalid or expired credentials'],
    ['an API key with a password', basicAuth('key-acme', 'secret'), 'Invalid or expired credentials'],
    [
      'an API key without the colon',
      `Basic ${Buffer.from('key-acme').toString('base64')}`,
      'Invalid or expired',
    ],
    ['an unknown Bearer token', 'Bearer not-a-token', 'Invalid or expired credentials'],
    ['the API key sent as a Bearer token', 'Bearer key-acme', 'Invalid or expired credentials'],
    ['an unsupported scheme', 'Digest username="key-acme"', 'Invalid or expired credentials'],
  ])('rejects %s with 401', async (_case, authorization, message) => {
    const response = await getJson(api, '/v2/export-jobs', authorization ? { authorization } : {});

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="Pleo"');
    expect(response.body).toMatchObject({ type: 'UNAUTHORIZED', message: expect.stringContaining(message) });
    expect(JSON.stringify(response.body)).not.toContain('key-');
  });

  it('rejects Bearer tokens when none are configured', async () => {
    const plain = await startDemoApi({ store: demoSeed({ now: NOW }) });
    try {
      const bearer = await getJson(plain, '/v2/export-jobs', { authorization: 'Bearer demo-key' });
      const basic = await getJson(plain, '/v2/export-jobs', { authorization: basicAuth('demo-key') });

      expect(bearer.status).toBe(401);
      expect(basic.status).toBe(200);
    } finally {
      await plain.close();
    }
  });

  it('checks credentials on the job and item endpoints too', async () => {
    const job = api.store.listJobs()[0];

    const single = await getJson(api, `/v2/export-jobs/${job?.id}`, {});
    const items = await getJson(api, `/v2/export-jobs/${job?.id}/items`, {});

    expect([single.status, items.status]).toEqual([401, 401]);
  });
});

describe('Demo Export API: company keys', () => {
  const store = demoSeed({ now: NOW });
  const [acme, other] = store.companies();
  let api: DemoApi;

  beforeAll(async () => {
    api = await startDemoApi({ store, companyKeys: { 'key-acme': acme?.id ?? '' } });
  });
  afterAll(async () => {
    await api.close();
  });

  it("answers a company key for its company's listing and jobs", async () => {
    // Act
    const listing = await getJson(api, `/v2/export-jobs?company_id=${acme?.id}&limit=1`, {
      authorization: basicAuth('key-acme'),
    });

    // Assess
    expect(listing.status).toBe(200);
  });

  it.each([
    ['another company', () => `/v2/export-jobs?company_id=${other?.id}`, 'not valid for company'],
    ['the whole organisation', () => '/v2/export-jobs', 'not valid for the whole organisation'],
    [
      "another company's job",
      () => `/v2/export-jobs/${store.listJobs({ companyId: other?.id, order: 'id' })[0]?.id}`,
      'not valid for company',
    ],
  ])('answers 403 to a company key used for %s', async (_case, path, message) => {
    // Act
    const response = await getJson(api, path(), { authorization: basicAuth('key-acme') });

    // Assess
    expect(response.status).toBe(403);
    expect(JSON.stringify(response.body)).toContain(message);
  });
});
