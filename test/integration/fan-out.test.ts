// The fan-out through the real SQS path: the dispatcher sends the poll requests to a queue (fauxqs), the poller
// takes them as Lambda's SQS event source hands them over (Powertools' batch processor), polling each connection
// with its own key on the demo Export API, dynalite and fauxqs's SNS. One connection failing fails its message
// only; a key Pleo refuses is reported by its poll and fails nothing.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../functions/adapters/dynamodb/connections.js';
import { parameterStoreReader } from '../../functions/adapters/parameters/parameter-reader.js';
import type { Log } from '../../functions/app/ports.js';
import { parseDispatcherConfig } from '../../functions/config/dispatcher.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { connectionParameterName } from '../../functions/contracts/connection.js';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { createDispatcher } from '../../functions/handlers/dispatcher/compose.js';
import { awsRuntime } from '../../functions/handlers/poller/aws-runtime.js';
import { createPoller } from '../../functions/handlers/poller/compose.js';
import { pollRequestHandler } from '../../functions/handlers/poller/poll-requests.js';
import { DemoStore } from '../../local/demo-api/store.js';
import { FolderCredentialVault } from '../../local/parameter-folder.js';
import { DEMO_API_KEY, type LocalParts } from '../../local/parts.js';
import { startEmbedded } from '../support/embedded.js';

const NOW = Date.parse('2026-11-20T08:00:00Z');
const STACK = 'alerts-prod';
const ACME = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };
const NORDLYS = { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' };
const FJORD = { id: '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d03', name: 'Fjord AS' };
const GONE = { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05', name: 'Gone Oy' };
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

describe('the fan-out on fauxqs, dynalite and the demo API', () => {
  let parts: LocalParts;
  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  let sqs: SQSClient;
  let queueUrl: string;
  let dir: string;

  beforeAll(async () => {
    const store = new DemoStore({ clock: () => new Date(NOW) });
    for (const company of [ACME, NORDLYS, FJORD, GONE]) {
      store.addCompany(company);
      store.addJob({
        companyId: company.id,
        status: 'failed',
        failureReasonType: 'missing_configuration',
        createdAt: new Date(NOW - 3_600_000).toISOString(),
      });
    }
    parts = await startEmbedded(store);
    fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: 'eu-west-1' });
    ({ queueUrl } = fauxqs.createQueue('poll-queue', { region: 'eu-west-1' }));
    sqs = new SQSClient({ endpoint: fauxqs.address, region: 'eu-west-1' });
    dir = await mkdtemp(path.join(tmpdir(), 'fan-out-'));
  });
  afterAll(async () => {
    sqs?.destroy();
    await fauxqs?.stop();
    await parts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('polls every connection from its own message; only the one whose key is missing fails, and only its message', async () => {
    // Prepare: the stack's own key for Acme; stored connections for Nordlys, Fjord (a key Pleo refuses) and Gone
    // (its parameter deleted by hand).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PLEO_COMPANIES: JSON.stringify([ACME]),
      STACK_NAME: STACK,
      PLEO_MAX_REQUESTS_PER_SECOND: '0',
      QUIET_FIRST_POLL: 'false',
      ROLLUP_ABOVE: '0',
    };
    const runtime = awsRuntime(silent);
    const connections = new DynamoConnectionStore(runtime.dynamo, String(env.TABLE_NAME));
    const vault = new FolderCredentialVault(dir);
    for (const [name, company, key] of [
      ['nordlys', NORDLYS, DEMO_API_KEY],
      ['fjord', FJORD, 'key-revoked'],
      ['gone', GONE, undefined],
    ] as const) {
      const parameter = connectionParameterName(STACK, name);
      if (key) await vault.put(parameter, key);
      await connections.add({
        name,
        companyId: company.id,
        credential: { kind: 'parameter', name: parameter },
        addedAt: new Date(NOW).toISOString(),
      });
    }
    const dispatcher = createDispatcher(parseDispatcherConfig({ ...env, POLL_QUEUE_URL: queueUrl }), {
      dynamo: runtime.dynamo,
      sqs,
      log: silent,
    });
    const poller = createPoller(parsePollerConfig(env), {
      ...runtime,
      readParameter: parameterStoreReader((name) => vault.read(name)),
      clock: () => new Date(NOW),
    });
    const handle = pollRequestHandler({ poller, store: connections, log: silent, onPolled: () => {} });

    // Act: the tick, then the messages as Lambda's event source hands them over, done ones deleted.
    const dispatched = await dispatcher.dispatch();
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const event: SQSEvent = {
      Records: Messages.map((message) => ({
        messageId: String(message.MessageId),
        receiptHandle: String(message.ReceiptHandle),
        body: String(message.Body),
        attributes: {} as SQSEvent['Records'][number]['attributes'],
        messageAttributes: {},
        md5OfBody: String(message.MD5OfBody),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:poll-queue',
        awsRegion: 'eu-west-1',
      })),
    };
    const response = await handle(event, () => ({}));
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const message of Messages.filter((m) => !failed.has(String(m.MessageId)))) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));

    // Assess
    expect(dispatched).toMatchObject({ connections: 4, requests: 4, sqsRequests: 1 });
    expect(Messages.map((m) => JSON.parse(String(m.Body)).connections).sort()).toEqual([
      [STACK],
      ['fjord'],
      ['gone'],
      ['nordlys'],
    ]);
    expect(response.batchItemFailures).toHaveLength(1);
    expect(left.Messages?.map((m) => JSON.parse(String(m.Body)))).toEqual([{ connections: ['gone'] }]);
    const delivered = ((await parts.sns?.drain()) ?? []).map((body) => parseStructuredMessage(body));
    expect(
      delivered
        .filter((m) => m.kind === 'alert' && m.companyId !== 'pleo-export-alerts')
        .map((m) => m.companyId)
        .sort(),
    ).toEqual([ACME.id, NORDLYS.id].sort());
    // Fjord's refused key: one alerter problem message.
    const problems = delivered.filter((m) => m.companyId === 'pleo-export-alerts');
    expect(problems.map((m) => m.email.subject)).toEqual([expect.stringContaining('API key not accepted')]);
  });
});
