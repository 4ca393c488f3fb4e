// `connections add|list|verify|remove` on the parts npm start uses: the demo Export API over HTTP, dynalite, and the
// local folder that stands in for Parameter Store. A key is stored only once Pleo vouched for it for the company.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import { DemoStore } from '../../local/demo-api/store.js';
import { LOCAL_PARAMETERS_DIR } from '../../local/parameter-folder.js';
import { cli } from '../support/cli.js';
import { startTestTable } from '../support/dynamo.js';

const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };
const NOW = new Date('2026-12-02T10:00:00Z');

describe('connections on the demo API, dynalite and a local parameter folder', () => {
  const store = new DemoStore({ clock: () => NOW });
  let api: DemoApi;
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let dir: string;
  const run = (argv: string[], key?: string) => cli(argv, process.env, { now: () => NOW }, key);
  const stored = async () => (await readdir(dir).catch(() => [])).map(decodeURIComponent);

  beforeAll(async () => {
    for (const company of [ACME, NORDLYS]) store.addCompany(company);
    store.addJob({ companyId: NORDLYS.id, status: 'failed', failureReasonType: 'missing_configuration' });
    api = await startDemoApi({ store, apiKeys: ['key-acme', 'key-nordlys'] });
    table = await startTestTable();
    dir = await mkdtemp(path.join(tmpdir(), 'connections-'));
    Object.assign(process.env, {
      TABLE_NAME: table.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      PLEO_API_URL: api.url,
      [LOCAL_PARAMETERS_DIR]: dir,
    });
  });
  afterAll(async () => {
    await api?.close();
    await table?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds a connection after one call to Pleo, says what it found, and lists it', async () => {
    // Prepare
    const before = api.requests.total;

    // Act
    const added = await run(
      ['connections', 'add', 'acme', '--company', ACME.id, '--expires', '2027-06-01'],
      'key-acme\n',
    );
    const list = await run(['connections', 'list']);

    // Assess
    expect(added).toEqual({
      code: 0,
      stdout: `Added acme: the key is valid and lists export jobs (export-jobs:read) for company ${ACME.id}; it expires on 2027-06-01\n`,
      stderr: '',
    });
    expect(api.requests.total - before).toBe(1);
    expect(await stored()).toEqual(['/pleo-export-alerts/local/connections/acme']);
    expect(list.stdout).toBe(
      [
        'NAME  COMPANY                               EXPIRES     ADDED',
        `acme  ${ACME.id}  2027-06-01  2026-12-02 10:00 UTC`,
        '',
      ].join('\n'),
    );
  });

  it.each([
    [
      'a malformed key',
      ['bad', '--company', NORDLYS.id],
      'key with space',
      'the key is malformed: it holds spaces or characters no Pleo key has',
    ],
    ['an empty key', ['bad', '--company', NORDLYS.id], '\n', 'the key is malformed: it is empty'],
    [
      'a company that is no Pleo id',
      ['bad', '--company', 'Nordlys AB'],
      'key-nordlys',
      'unknown company "Nordlys AB": give the company\'s Pleo id, a UUID',
    ],
    [
      'a name taken',
      ['acme', '--company', NORDLYS.id],
      'key-nordlys',
      'a connection named "acme" exists already: remove it first, or pick another name',
    ],
    [
      "the stack's own connection's name",
      ['pleo-export-alerts', '--company', NORDLYS.id],
      'key-nordlys',
      '"pleo-export-alerts" is the stack\'s own connection (its single-key settings): pick another name',
    ],
    [
      'a key Pleo refuses',
      ['bad', '--company', NORDLYS.id],
      'key-stolen',
      'Pleo refused the key (401): it is wrong, revoked or expired',
    ],
    [
      'a key past its expiry',
      ['bad', '--company', NORDLYS.id, '--expires', '2026-11-30'],
      'key-nordlys',
      'the key expired on 2026-11-30: create a new one in Pleo',
    ],
  ])('refuses %s in one line, and stores nothing', async (_case, args, key, message) => {
    // Act
    const result = await run(['connections', 'add', ...args], key);

    // Assess
    expect(result).toEqual({ code: 1, stdout: '', stderr: `pleo-export-alerts: ${message}\n` });
    expect(result.stderr).not.toContain('key-stolen');
    expect(await stored()).toEqual(['/pleo-export-alerts/local/connections/acme']);
  });

  it('refuses a key for another company than the one given, naming the company it is for', async () => {
    // Prepare: Pleo refuses the key for Acme (403), and lists Nordlys's exports with it.
    api.faults.enqueue({ status: 403 }, { pathPrefix: '/v2/export-jobs' });

    // Act
    const result = await run(['connections', 'add', 'acme-2', '--company', ACME.id], 'key-nordlys');

    // Assess
    expect(result.stderr).toBe(
      `pleo-export-alerts: the key is for company ${NORDLYS.id}, not ${ACME.id}: Pleo keys are made per company\n`,
    );
    expect(result.code).toBe(1);
    expect(await stored()).toEqual(['/pleo-export-alerts/local/connections/acme']);
  });

  it('verifies every connection in a line each, exit 1 when one fails', async () => {
    // Prepare: a second connection, then its key's parameter deleted by hand.
    await run(['connections', 'add', 'nordlys', '--company', NORDLYS.id], 'key-nordlys');
    await rm(path.join(dir, encodeURIComponent('/pleo-export-alerts/local/connections/nordlys')));

    // Act
    const result = await run(['connections', 'verify']);

    // Assess
    expect(result.stdout).toBe(
      [
        `ok    acme: the key is valid and lists export jobs (export-jobs:read) for company ${ACME.id}`,
        "FAIL  nordlys: its key's parameter /pleo-export-alerts/local/connections/nordlys is missing",
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(1);
  });

  it('removes a connection, its record and its key, and says so when there is none', async () => {
    // Act
    const removed = await run(['connections', 'remove', 'acme']);
    const again = await run(['connections', 'remove', 'acme']);
    const list = await run(['connections', 'list', '--json']);

    // Assess
    expect(removed.stdout).toBe(
      `Removed acme (${ACME.id}), and its key (/pleo-export-alerts/local/connections/acme): it is polled no more\n`,
    );
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: 'pleo-export-alerts: no connection named "acme" (connections list shows them)\n',
    });
    expect(JSON.parse(list.stdout).connections.map((c: { name: string }) => c.name)).toEqual(['nordlys']);
    expect(await stored()).toEqual([]);
  });
});
