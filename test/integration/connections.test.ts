// Connections through real parts (the demo Export API over HTTP, dynalite, fauxqs): the stack's own connection
// upgrading a single-key deployment, and two connections that cover one company.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoAlertState } from '../../functions/adapters/dynamodb/alert-state.js';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { type Connection, pollRequests } from '../../functions/domain/connection.js';
import { DemoStore } from '../../local/demo-api/store.js';
import { apiKeyOf, type LocalParts } from '../../local/parts.js';
import { makeAlert } from '../render/alert-fixtures.js';
import { embeddedPoller, startEmbeddedPoller } from '../support/embedded.js';

const HOUR = 3_600_000;
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };

/** Acme and Nordlys, each with two failed exports. */
function twoCompanies(now: number): DemoStore {
  const store = new DemoStore({ clock: () => new Date(now) });
  for (const company of [ACME, NORDLYS]) {
    store.addCompany(company);
    for (const reason of ['missing_configuration', 'validation_failure'] as const) {
      store.addJob({
        companyId: company.id,
        status: 'failed',
        failureReasonType: reason,
        createdAt: new Date(now - HOUR).toISOString(),
      });
    }
  }
  return store;
}

/** Each (job, reason) SNS delivered since the last call, with the company it was about. */
async function jobsDelivered(parts: LocalParts): Promise<string[]> {
  return ((await parts.sns?.drain()) ?? []).flatMap((body) =>
    parseStructuredMessage(body).alerts.flatMap((alert) =>
      alert.jobs.map((job) => `${alert.companyName} ${job.jobId} ${alert.reason}`),
    ),
  );
}

async function partitionKeys(): Promise<string[]> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const { Items = [] } = await doc.send(
      new ScanCommand({ TableName: String(process.env.TABLE_NAME), ProjectionExpression: 'pk' }),
    );
    return [...new Set(Items.map((item) => String(item.pk)))];
  } finally {
    doc.destroy();
  }
}

describe('connections on the demo API, dynalite and fauxqs', () => {
  const now = Date.parse('2026-11-20T08:00:00Z');
  let parts: LocalParts | undefined;
  afterEach(() => parts?.close());

  it("upgrades a single-key deployment: the stack's connection finds its state and alerts nothing again", async () => {
    // Prepare: a poll as the single-key alerter made it, its state where that alerter kept it.
    const store = twoCompanies(now);
    const env = { PLEO_COMPANIES: JSON.stringify([ACME, NORDLYS]), STACK_NAME: 'alerts-prod' };
    const before = await startEmbeddedPoller(store, () => new Date(now), env);
    parts = before.parts;
    await before.poller.poll();
    const first = await jobsDelivered(parts);
    const upgraded = embeddedPoller(() => new Date(now), env);

    // Act: the same deployment after the upgrade, polled as its connection.
    const outcome = await upgraded.pollConnection(upgraded.stackConnection);

    // Assess
    expect(first).toHaveLength(4);
    expect(upgraded.stackConnection).toMatchObject({ name: 'alerts-prod', stack: true });
    expect(outcome).toMatchObject({ connection: 'alerts-prod', newFailures: 0, alertsPublished: 0 });
    expect(await jobsDelivered(parts)).toEqual([]);
    expect((await partitionKeys()).filter((key) => !key.startsWith('JOB#')).sort()).toEqual([
      'GROUP',
      'LEASE',
      'SEAL',
    ]);
  });

  it('reports one refused key among many once, and its recovery once, while the other connections alert', async () => {
    // Prepare: every company its own key, as the demo API gives them.
    let clock = now;
    const store = twoCompanies(now);
    const started = await startEmbeddedPoller(store, () => new Date(clock));
    parts = started.parts;
    const connections = parts.demoConnections ?? [];
    const [acme, nordlys] = connections;
    const pollAll = async () => {
      const failed: string[] = [];
      for (const connection of connections) {
        await started.poller.pollConnection(connection).catch(() => failed.push(connection.name));
      }
      const messages = ((await parts?.sns?.drain()) ?? []).map(parseStructuredMessage);
      return { failed, subjects: messages.map((m) => m.email.subject).sort() };
    };
    await pollAll();

    // Act: Nordlys's admin revokes its key for three polls; meanwhile both companies fail again.
    parts.api?.revoked.add(apiKeyOf(nordlys as Connection));
    const rounds = [];
    for (let round = 0; round < 4; round++) {
      if (round === 3) parts.api?.revoked.clear();
      clock += HOUR;
      for (const company of [ACME, NORDLYS]) {
        store.addJob({
          companyId: company.id,
          status: 'failed',
          failureReasonType: 'job_expired',
          createdAt: new Date(clock - 60_000).toISOString(),
        });
      }
      rounds.push(await pollAll());
    }

    // Assess
    expect(connections.map((c) => c.name)).toEqual([acme?.name, nordlys?.name]);
    expect(rounds.map(({ failed }) => failed)).toEqual([['nordlys'], ['nordlys'], ['nordlys'], []]);
    const refused =
      '[Pleo export] Alerter problem: Pleo API key not accepted (connection nordlys for Nordlys AB)';
    const recovered =
      '[Pleo export] Recovered: Pleo API key accepted again (connection nordlys for Nordlys AB)';
    const acmeAlert = '[Pleo export] 1 failed export: export stalled and expired (Acme ApS)';
    expect(rounds[0]?.subjects).toEqual([acmeAlert, refused]);
    expect(rounds[1]?.subjects).toEqual([acmeAlert]);
    expect(rounds[2]?.subjects).toEqual([acmeAlert]);
    // Back: the failures it missed, and the recovery.
    expect(rounds[3]?.subjects).toEqual(expect.arrayContaining([acmeAlert, recovered]));
    expect(rounds[3]?.subjects.filter((subject) => subject.includes('(Nordlys AB)'))).toHaveLength(1);
  });

  it("warns 30, 7 and 1 days before the stack key's recorded expiry, once each, naming the connection", async () => {
    // Prepare
    let clock = Date.parse('2027-01-29T09:00:00Z');
    const store = twoCompanies(clock);
    const started = await startEmbeddedPoller(store, () => new Date(clock), {
      PLEO_API_KEY_EXPIRES_ON: '2027-03-01',
      PLEO_COMPANIES: JSON.stringify([ACME]),
      STACK_NAME: 'alerts-prod',
    });
    parts = started.parts;
    const subjects: string[] = [];
    const bodies: string[] = [];

    // Act: a poll a day until the key expires.
    for (; clock < Date.parse('2027-03-01T00:00:00Z'); clock += 24 * HOUR) {
      await started.poller.poll();
      for (const body of (await parts.sns?.drain()) ?? []) {
        const message = parseStructuredMessage(body);
        if (!message.reasons.includes('pleo_api_key_expiring')) continue;
        subjects.push(message.email.subject);
        bodies.push(message.email.body);
      }
    }

    // Assess
    expect(subjects).toEqual([
      '[Pleo export] Warning: Pleo API key expires soon (connection alerts-prod for Acme ApS)',
      '[Pleo export] Warning: Pleo API key expires soon (connection alerts-prod for Acme ApS)',
      '[Pleo export] Warning: Pleo API key expires soon (connection alerts-prod for Acme ApS)',
    ]);
    expect(bodies.map((body) => /\((in \d+ days|tomorrow)\)/.exec(body)?.[1])).toEqual([
      'in 30 days',
      'in 7 days',
      'tomorrow',
    ]);
    expect(bodies[0]).not.toContain('Broken since');
  });

  it("sends one daily digest of every connection's open problems", async () => {
    // Prepare: Acme and Nordlys each watched through a connection of its own, the stack's key watching neither.
    const store = twoCompanies(now);
    parts = (await startEmbeddedPoller(store, () => new Date(now))).parts;
    const connections = parts.demoConnections ?? [];
    const poller = embeddedPoller(
      () => new Date(now),
      { PLEO_COMPANIES: '[]' },
      { connections: async () => connections },
    );
    for (const connection of connections) await poller.pollConnection(connection);
    await parts.sns?.drain();

    // Act
    const outcome = await poller.digest();
    const [digest] = ((await parts.sns?.drain()) ?? []).map(parseStructuredMessage);

    // Assess
    expect(outcome.alertsPublished).toBe(1);
    expect(digest?.kind).toBe('digest');
    expect(digest?.email.subject).toMatch(/Daily digest .*: 4 open/);
    expect(digest?.email.body).toContain('Acme ApS');
    expect(digest?.email.body).toContain('Nordlys AB');
  });

  it('leaves a job another connection of its company has written down and not yet delivered to that connection', async () => {
    // Prepare: acme-1 wrote down an alert about one of Acme's jobs, and its publish did not go through.
    const store = twoCompanies(now);
    parts = (await startEmbeddedPoller(store, () => new Date(now))).parts;
    const key: Connection['credential'] = { kind: 'apiKey', apiKey: 'demo-key' };
    const first: Connection = {
      name: 'acme-1',
      stack: false,
      companyId: ACME.id,
      companies: [ACME],
      credential: key,
    };
    const second: Connection = { ...first, name: 'acme-2' };
    const poller = embeddedPoller(() => new Date(now), {}, { connections: async () => [first, second] });
    const [job] = store.listJobs({ companyId: ACME.id, order: 'id' });
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const firstState = new DynamoAlertState(doc, {
      tableName: String(process.env.TABLE_NAME),
      retentionDays: 21,
      connection: first.name,
    });
    await firstState.acquireLease('crashed-poll', new Date(now), 60);
    await firstState.stage(
      makeAlert({ alertId: 'waiting', companyId: ACME.id, reason: String(job?.failureReasonType) }, 1, {
        jobId: job?.id,
      }),
      'crashed-poll',
      new Date(now),
    );
    await firstState.seal('crashed-poll', new Date(now));
    await firstState.releaseLease('crashed-poll');
    doc.destroy();

    // Act: the second connection polls first, then the first delivers what it wrote down.
    await poller.pollConnection(second);
    const bySecond = await jobsDelivered(parts);
    await poller.pollConnection(first);
    const byFirst = await jobsDelivered(parts);

    // Assess
    expect(bySecond.filter((line) => line.includes(String(job?.id)))).toEqual([]);
    expect(bySecond).toHaveLength(1);
    expect(byFirst.filter((line) => line.includes(String(job?.id)))).toHaveLength(1);
  });

  it('alerts each job once when two connections cover one company, polled as their request groups them', async () => {
    // Prepare
    const store = twoCompanies(now);
    const started = await startEmbeddedPoller(store, () => new Date(now));
    parts = started.parts;
    const { poller } = started;
    const key = poller.stackConnection.credential;
    const acme: Connection = {
      name: 'acme',
      stack: false,
      companyId: ACME.id,
      companies: [ACME],
      credential: key,
    };
    const group: Connection = {
      name: 'group',
      stack: false,
      companies: [ACME, NORDLYS],
      credential: key,
    };
    const connections = [acme, group];

    // Act
    const requests = pollRequests(connections);
    const outcomes = [];
    for (const request of requests) {
      for (const name of request.connections) {
        const connection = connections.find((c) => c.name === name) as Connection;
        outcomes.push(await poller.pollConnection(connection));
      }
    }
    const delivered = await jobsDelivered(parts);

    // Assess
    expect(requests).toEqual([{ connections: ['acme', 'group'] }]);
    expect(delivered).toHaveLength(4);
    expect(new Set(delivered).size).toBe(4);
    expect(delivered.filter((line) => line.startsWith(ACME.name))).toHaveLength(2);
    expect(outcomes.map(({ connection, newFailures }) => [connection, newFailures])).toEqual([
      ['acme', 2],
      ['group', 2],
    ]);
    expect(await partitionKeys()).toEqual(
      expect.arrayContaining(['LEASE#acme', 'LEASE#group', 'GROUP#acme', 'GROUP#group']),
    );
  });
});
