// Bad input, case by case, each with its defined behaviour: Pleo's answers through the real client over HTTP and
// the poll as the Lambda composes it (demo API, dynalite, fauxqs), and the environment through parsePollerConfig. A bad
// record is skipped with a warning and counted (the InvalidRecordsSkipped metric), or it is carried through
// rendered harmless, or the poll fails loudly with a typed error; the other alerts always get through.

import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PleoContractError } from '../../functions/adapters/pleo/errors.js';
import type { Log } from '../../functions/app/ports.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { ConfigError } from '../../functions/config/setting.js';
import {
  parseStructuredMessage,
  type StructuredMessage,
} from '../../functions/contracts/structured-message.js';
import { awsRuntime } from '../../functions/handlers/poller/aws-runtime.js';
import { createPoller, type PollOutcome } from '../../functions/handlers/poller/compose.js';
import { SLACK_LIMITS } from '../../functions/render/slack/slack.js';
import { SNS_MAX_BYTES } from '../../functions/render/sns-message.js';
import { type DemoApi, startDemoApi } from '../../local/demo-api/server.js';
import { DemoStore } from '../../local/demo-api/store.js';
import type { ExportJob } from '../../local/demo-api/types.js';
import { type EmbeddedDynamo, ensureTable, startDynalite } from '../../local/embedded/dynamodb.js';
import { type EmbeddedSns, startEmbeddedSns } from '../../local/embedded/sns.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/dynamo.js';
import { alertsWithJobIds } from '../support/structured.js';

const COMPANY = { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' };

interface Context {
  store: DemoStore;
  api: DemoApi;
  /** Two ordinary failures in the store, which must be alerted whatever else Pleo sends. */
  good: ExportJob[];
}

type Behaviour =
  | { skipped: number }
  /** Alerted as Pleo sent it, rendered harmless. */
  | 'carried'
  /** Not an alerting job: neither alerted nor counted as invalid. */
  | 'ignored'
  | { fails: typeof PleoContractError };

interface Row {
  case: string;
  input: (ctx: Context) => void;
  expected: Behaviour;
  /** Checks the messages subscribers received. */
  check?: (messages: StructuredMessage[], ctx: Context) => void;
}

const pagination = (hasNextPage = false, endCursor?: string) => ({
  hasNextPage,
  hasPreviousPage: false,
  ...(endCursor === undefined ? {} : { endCursor }),
  currentRequestPagination: { parameters: {} },
});

/** A failed job in Pleo's wire format, every field valid unless overridden. */
function wireJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const at = new Date(Date.now() - 3_600_000).toISOString();
  return {
    id: randomUUID(),
    companyId: COMPANY.id,
    status: 'failed',
    createdAt: at,
    createdBy: null,
    startedAt: at,
    lastUpdatedAt: at,
    completedAt: at,
    expiredAt: null,
    expiresIn: 3600,
    failureReason: 'Account 6810 is inactive',
    failureReasonType: 'missing_configuration',
    isInteractive: true,
    numberOfItems: 2,
    vendorBasedBookkeeping: false,
    ...overrides,
  };
}

/** The listing answered with one crafted page: the good jobs and `records`. */
const pageWith =
  (...records: unknown[]) =>
  ({ api, good }: Context) =>
    api.faults.enqueue({ body: { data: [...good, ...records], pagination: pagination() } }, listing);
const listing = { pathPrefix: '/v2/export-jobs' };

const jobIdsOf = (messages: StructuredMessage[]) =>
  messages.flatMap((m) => alertsWithJobIds(m).flatMap((alert) => alert.jobIds));
/** The one message that holds the job. */
const only = (messages: StructuredMessage[], jobId: string) => {
  const found = messages.filter((m) => m.alerts.some((a) => a.jobs.some((job) => job.jobId === jobId)));
  expect(found).toHaveLength(1);
  return found[0] as StructuredMessage;
};
/** The alert holding the job, in the one message that does (a first poll's message holds its company's alerts). */
const alertWith = (messages: StructuredMessage[], jobId: string) => {
  const found = only(messages, jobId).alerts.filter((a) => a.jobs.some((job) => job.jobId === jobId));
  expect(found).toHaveLength(1);
  return found[0] as StructuredMessage['alerts'][number];
};
const slackTexts = (message: StructuredMessage): string[] =>
  message.slack.blocks.flatMap((block) => {
    switch (block.type) {
      case 'header':
        return [block.text.text];
      case 'section':
        return [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)];
      case 'context':
        return block.elements.map((element) => element.text);
      default:
        return [];
    }
  });

/** Checks what every subscriber gets for this message stays within SNS's, Slack's and mail's limits. */
function expectWithinLimits(message: StructuredMessage): void {
  expect(message.email.subject.length).toBeLessThanOrEqual(99);
  expect(message.email.subject).toMatch(/^[\x20-\x7e]+$/);
  expect(message.slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.slack.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      for (const field of block.fields ?? [])
        expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
  }
}

/** Control and invisible format characters (bidi overrides, zero-width spaces), line breaks aside. */
const hasUnsafeCharacters = (text: string) => /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(text.replaceAll('\n', ''));
const HOSTILE =
  '<!channel> <!here|here> <@U024BE7LH> <#C0123|general> <https://evil.example/login|Open Pleo> ' +
  '*urgent* _now_ ~gone~ `rm -rf` <script>alert(1)</script> <b>bold</b> [click](https://evil.example) @here @everyone';

const rows: Row[] = [
  // Records that break the contract: skipped, counted, the rest alerted.
  {
    case: 'a job with companyId null',
    input: pageWith(wireJob({ companyId: null })),
    expected: { skipped: 1 },
  },
  {
    case: 'a job with status missing',
    input: pageWith(wireJob({ status: undefined })),
    expected: { skipped: 1 },
  },
  { case: 'a job with an empty id', input: pageWith(wireJob({ id: '' })), expected: { skipped: 1 } },
  { case: 'a job id that is a number', input: pageWith(wireJob({ id: 42 })), expected: { skipped: 1 } },
  {
    case: 'numberOfItems as a string',
    input: pageWith(wireJob({ numberOfItems: '3' })),
    expected: { skipped: 1 },
  },
  {
    case: 'numberOfItems negative',
    input: pageWith(wireJob({ numberOfItems: -1 })),
    expected: { skipped: 1 },
  },
  {
    case: 'createdAt not a date',
    input: pageWith(wireJob({ createdAt: 'yesterday' })),
    expected: { skipped: 1 },
  },
  {
    case: 'failureReason an object',
    input: pageWith(wireJob({ failureReason: { text: 'x' } })),
    expected: { skipped: 1 },
  },
  {
    case: 'failureReasonType a number',
    input: pageWith(wireJob({ failureReasonType: 7 })),
    expected: { skipped: 1 },
  },
  { case: 'a record that is null, and one a string', input: pageWith(null, 'job'), expected: { skipped: 2 } },
  {
    case: 'a job id too long to be a DynamoDB key (3,000 characters)',
    input: pageWith(wireJob({ id: 'j'.repeat(3_000) })),
    expected: { skipped: 1 },
  },
  {
    case: 'a company id too long to be a DynamoDB key',
    input: pageWith(wireJob({ companyId: 'c'.repeat(3_000) })),
    expected: { skipped: 1 },
  },
  {
    case: 'a 1 KB failureReasonType',
    input: pageWith(wireJob({ failureReasonType: 'r'.repeat(1_024) })),
    expected: { skipped: 1 },
  },
  {
    case: 'a failed item with exportJobId null',
    input: ({ store, api }) => {
      const job = store.addJob({
        companyId: COMPANY.id,
        status: 'completed_with_errors',
        items: [{ status: 'failed', count: 1, failureReasonType: 'receipt_upload_failure' }],
      });
      const [item] = store.getItems(job.id, 'failed') ?? [];
      api.faults.enqueue(
        { body: { data: [{ ...item, exportJobId: null }, item], pagination: pagination() } },
        { pathPrefix: `/v2/export-jobs/${job.id}/items` },
      );
    },
    expected: { skipped: 1 },
    check: (messages) => {
      expect(
        messages.flatMap((m) => m.alerts).find((a) => a.reason === 'receipt_upload_failure')?.totals
          .failedItems,
      ).toBe(1);
    },
  },

  // Odd but valid: alerted as sent, made harmless where it is shown.
  {
    case: 'a 1 MB failureReason of random text',
    input: pageWith(wireJob({ id: 'big-reason', failureReason: randomBytes(786_432).toString('base64') })),
    expected: 'carried',
    check: (messages) => {
      const message = only(messages, 'big-reason');
      expectWithinLimits(message);
      const said = message.email.body.split('\n').find((line) => line.startsWith('  Pleo says: ')) ?? '';
      expect(said.length).toBeLessThanOrEqual(600);
    },
  },
  {
    case: 'unicode and control characters in failureReason',
    input: pageWith(
      wireJob({
        id: 'unicode-reason',
        failureReason:
          'Konto 6810 er spærret ✓\u0000\u0007\r\nnæste linje\u202e gnirts desrever\u200b 👩‍💻 Ø',
      }),
    ),
    expected: 'carried',
    check: (messages) => {
      const message = only(messages, 'unicode-reason');
      expectWithinLimits(message);
      for (const text of slackTexts(message)) expect(hasUnsafeCharacters(text)).toBe(false);
      expect(hasUnsafeCharacters(message.email.body)).toBe(false);
      expect(message.email.body).toContain('Konto 6810 er spærret ✓ næste linje');
      expect(slackTexts(message).join('\n')).toContain('Konto 6810 er spærret ✓ næste linje');
    },
  },
  {
    case: 'HTML, markdown and Slack mentions in failureReason',
    input: pageWith(wireJob({ id: 'hostile-reason', failureReason: HOSTILE })),
    expected: 'carried',
    check: (messages) => {
      const message = only(messages, 'hostile-reason');
      const slack = [...slackTexts(message), message.slack.text].join('\n');
      // No mention, channel link or foreign link survives; the one link is Pleo's own.
      expect(slack).not.toMatch(/<[!@#]/);
      expect(slack).not.toMatch(/<https?:\/\/(?!app\.pleo\.io\/)/);
      expect(slack).not.toMatch(/@(here|everyone|channel)\b/);
      expect(slack).not.toContain('<script>');
      // The email is plain text: the words are shown as words, on one line, and nothing about them is in the subject.
      expect(message.email.body).toContain('  Pleo says: <!channel>');
      expect(message.email.subject).not.toMatch(/channel|script|@/);
    },
  },
  {
    case: 'an unknown failureReasonType',
    input: pageWith(wireJob({ id: 'new-reason', failureReasonType: 'quantum_ledger_desync' })),
    expected: 'carried',
    check: (messages) => {
      expect(alertWith(messages, 'new-reason')).toMatchObject({
        reason: 'quantum_ledger_desync',
        category: 'unknown',
      });
    },
  },
  {
    case: 'a failed job id that is not a UUID (an opaque id, carried as-is)',
    input: pageWith(wireJob({ id: 'EXP-2024/17 #a' })),
    expected: 'carried',
    check: (messages) => {
      const message = only(messages, 'EXP-2024/17 #a');
      expect(message.email.body).toContain('Export job EXP-2024/17 #a');
    },
  },
  {
    case: 'a completed_with_errors job id that is not a UUID (its items cannot be fetched: alerted coarsely)',
    input: ({ store }) => {
      store.addJob({ id: 'legacy-export-17', companyId: COMPANY.id, status: 'completed_with_errors' });
    },
    expected: 'carried',
    check: (messages) => {
      expect(alertWith(messages, 'legacy-export-17').reason).toBe('unknown');
    },
  },
  {
    case: '10,000 failed items in one job',
    input: ({ store }) => {
      store.addJob({
        id: 'a0000000-0000-4000-8000-000000010000',
        companyId: COMPANY.id,
        status: 'completed_with_errors',
        items: [
          {
            status: 'failed',
            count: 10_000,
            failureReasonType: 'receipt_upload_failure',
            failureReason: 'No file',
          },
          { status: 'successful', count: 5 },
        ],
      });
    },
    expected: 'carried',
    check: (messages) => {
      const alert = alertWith(messages, 'a0000000-0000-4000-8000-000000010000');
      expect(alert.totals.failedItems).toBe(10_000);
      expect(alert.jobs[0]).toMatchObject({ numberOfItems: 10_005, failedItems: 10_000 });
    },
  },
  {
    case: 'the same job id on two pages (pages shifting)',
    input: ({ api, good }) => {
      const twice = wireJob({ id: 'listed-twice' });
      api.faults.enqueue(
        { body: { data: [good[0], twice], pagination: pagination(true, 'PAGETWO') } },
        listing,
      );
      api.faults.enqueue({ body: { data: [twice, good[1]], pagination: pagination() } }, listing);
    },
    expected: 'carried',
    check: (messages) => {
      expect(jobIdsOf(messages).filter((id) => id === 'listed-twice')).toHaveLength(1);
    },
  },
  {
    case: 'the same job id twice on one page',
    input: pageWith(wireJob({ id: 'twice-on-a-page' }), wireJob({ id: 'twice-on-a-page' })),
    expected: 'carried',
    check: (messages) => {
      expect(jobIdsOf(messages).filter((id) => id === 'twice-on-a-page')).toHaveLength(1);
    },
  },
  {
    case: 'a job whose status was not asked for',
    input: pageWith(wireJob({ id: 'archived-job', status: 'archived' })),
    expected: 'ignored',
    check: (messages) => expect(jobIdsOf(messages)).not.toContain('archived-job'),
  },

  // Pages that break the contract: the poll fails loudly; the next one alerts everything.
  {
    case: 'a page without pagination',
    input: ({ api, good }) => api.faults.enqueue({ body: { data: good } }, listing),
    expected: { fails: PleoContractError },
  },
  {
    case: 'data that is not an array',
    input: ({ api }) => api.faults.enqueue({ body: { data: {}, pagination: pagination() } }, listing),
    expected: { fails: PleoContractError },
  },
  {
    case: 'a body of null',
    input: ({ api }) => api.faults.enqueue({ body: null }, listing),
    expected: { fails: PleoContractError },
  },
  {
    case: 'a body that is not JSON',
    input: ({ api }) => api.faults.enqueue({ malformedJson: true }, listing),
    expected: { fails: PleoContractError },
  },
  {
    case: 'hasNextPage without an endCursor',
    input: ({ api, good }) =>
      api.faults.enqueue({ body: { data: good, pagination: pagination(true) } }, listing),
    expected: { fails: PleoContractError },
  },
  {
    case: 'a cursor that repeats',
    input: ({ api, good }) =>
      api.faults.enqueue(
        { body: { data: good, pagination: pagination(true, 'SAME') } },
        { ...listing, times: 2 },
      ),
    expected: { fails: PleoContractError },
  },
];

describe('bad input from Pleo, through the poll as the Lambda composes it', () => {
  let dynalite: EmbeddedDynamo;
  let sns: EmbeddedSns;
  let api: DemoApi | undefined;

  beforeAll(async () => {
    [dynalite, sns] = await Promise.all([startDynalite(), startEmbeddedSns(TEST_REGION)]);
    // The runtime's AWS clients find the embedded services through the standard variables, as in `npm start`.
    vi.stubEnv('AWS_REGION', TEST_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynalite.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
  });
  afterEach(async () => {
    await api?.close();
  });
  afterAll(async () => {
    await Promise.all([dynalite.close(), sns.close()]);
    vi.unstubAllEnvs();
  });

  it.each(rows)('$case', async (row) => {
    // Prepare: a fresh table and Pleo with two ordinary failures, then the bad input
    const store = new DemoStore();
    store.addCompany(COMPANY);
    const good = (['authorization_failure', 'validation_failure'] as const).map((failureReasonType) =>
      store.addJob({
        companyId: COMPANY.id,
        status: 'failed',
        failureReasonType,
        createdAt: new Date(Date.now() - 7_200_000).toISOString(),
      }),
    );
    api = await startDemoApi({ store });
    const ctx: Context = { store, api, good };
    row.input(ctx);
    const tableName = `alerts-${randomUUID().slice(0, 8)}`;
    const dynamo = new DynamoDBClient({});
    await ensureTable(dynamo, tableName);
    dynamo.destroy();
    const warnings: string[] = [];
    const log: Log = { ...silentLog(), warn: (message) => warnings.push(message) };
    const poller = createPoller(
      parsePollerConfig({
        PLEO_API_URL: api.url,
        PLEO_API_KEY: 'demo-key',
        PLEO_MAX_REQUESTS_PER_SECOND: '0',
        TABLE_NAME: tableName,
        ALERT_TOPIC_ARN: sns.topicArn,
      }),
      { ...awsRuntime(log), log },
    );

    // Act
    const outcome: PollOutcome | Error = await poller.poll().catch((error: Error) => error);
    const messages = (await sns.drain()).map(parseStructuredMessage);

    // Assess
    const expected = row.expected;
    if (typeof expected === 'object' && 'fails' in expected) {
      expect(outcome).toBeInstanceOf(expected.fails);
      expect(messages).toEqual([]);
      // The fault is over: the next poll alerts what the bad page hid.
      await poller.poll();
      messages.push(...(await sns.drain()).map(parseStructuredMessage));
    } else {
      expect(outcome).not.toBeInstanceOf(Error);
      const skipped = typeof expected === 'object' ? expected.skipped : 0;
      expect((outcome as PollOutcome).invalidRecords).toBe(skipped);
      expect(warnings.filter((w) => w.startsWith('Skipped a record Pleo sent'))).toHaveLength(skipped);
    }
    for (const job of good) expect(jobIdsOf(messages).filter((id) => id === job.id)).toHaveLength(1);
    for (const message of messages)
      expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThan(SNS_MAX_BYTES);
    row.check?.(messages, ctx);
  });
});

describe('bad environment values (beyond test/config/poller.test.ts)', () => {
  const valid = {
    PLEO_API_URL: 'https://external.pleo.io',
    PLEO_API_KEY: 'k',
    TABLE_NAME: 'alerts',
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
  };

  it.each<[string, Record<string, string | undefined>, string]>([
    ['a Pleo URL that is not http(s)', { PLEO_API_URL: 'ftp://external.pleo.io' }, 'PLEO_API_URL'],
    ['a javascript: URL', { PLEO_API_URL: 'javascript:alert(1)' }, 'PLEO_API_URL'],
    ['an empty lookback', { LOOKBACK_DAYS: '' }, 'LOOKBACK_DAYS'],
    ['a lookback beyond 90 days', { LOOKBACK_DAYS: '91' }, 'LOOKBACK_DAYS'],
    ['a negative lookback', { LOOKBACK_DAYS: '-1' }, 'LOOKBACK_DAYS'],
    ['an infinite lookback', { LOOKBACK_DAYS: 'Infinity' }, 'LOOKBACK_DAYS'],
    ['a lease under 30 seconds', { LEASE_SECONDS: '10' }, 'LEASE_SECONDS'],
    ['a poll budget over 900 seconds', { POLL_BUDGET_SECONDS: '1000' }, 'POLL_BUDGET_SECONDS'],
    ['a negative request rate', { PLEO_MAX_REQUESTS_PER_SECOND: '-1' }, 'PLEO_MAX_REQUESTS_PER_SECOND'],
    ['a request timeout under a second', { PLEO_REQUEST_TIMEOUT_MS: '500' }, 'PLEO_REQUEST_TIMEOUT_MS'],
    ['no DynamoDB concurrency', { DYNAMODB_CONCURRENCY: '0' }, 'DYNAMODB_CONCURRENCY'],
    ['a two-letter table name', { TABLE_NAME: 'ab' }, 'TABLE_NAME'],
    ['companies as an object', { PLEO_COMPANIES: '{}' }, 'PLEO_COMPANIES'],
    [
      'a company with an empty name',
      { PLEO_COMPANIES: '[{"id":"3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01","name":""}]' },
      'PLEO_COMPANIES',
    ],
    ['an empty API key', { PLEO_API_KEY: '' }, 'PLEO_API_KEY'],
    ['a negative reminder count', { REMINDER_MAX_COUNT: '-1' }, 'REMINDER_MAX_COUNT'],
    ['a time zone that does not exist', { DIGEST_TIME_ZONE: 'Mars/Olympus' }, 'DIGEST_TIME_ZONE'],
    ['a flap grace over a day', { FLAP_GRACE_MINUTES: '1441' }, 'FLAP_GRACE_MINUTES'],
  ])('rejects %s at start, naming the variable', (_case, override, variable) => {
    expect(() => parsePollerConfig({ ...valid, ...override })).toThrow(ConfigError);
    expect(() => parsePollerConfig({ ...valid, ...override })).toThrow(variable);
  });

  it.each<[string, Record<string, string>, Partial<ReturnType<typeof parsePollerConfig>>]>([
    ['a lookback with spaces around it', { LOOKBACK_DAYS: ' 7 ' }, { lookbackDays: 7 }],
    ['an empty company list (organisation-wide)', { PLEO_COMPANIES: '[]' }, { companies: [] }],
  ])('accepts %s', (_case, override, expected) => {
    expect(parsePollerConfig({ ...valid, ...override })).toMatchObject(expected);
  });
});

function silentLog(): Log {
  return { info: () => {}, warn: () => {}, error: () => {} };
}
