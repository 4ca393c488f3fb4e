// The partition keys the functions really write, against the IAM patterns the stack allows each of them
// (dynamodb:LeadingKeys): a key outside its function's patterns would be refused in AWS, never here.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliveredPartitionPattern,
  SLACK_CHANNEL,
  STATE_PARTITION_PATTERNS,
} from '../../functions/adapters/dynamodb/partitions.js';
import { DynamoPostLedger } from '../../functions/adapters/dynamodb/post-ledger.js';
import { generateDataset } from '../../local/demo-api/seed.js';
import type { LocalParts } from '../../local/parts.js';
import { startEmbeddedPoller } from '../support/embedded.js';

/** IAM's StringLike: `*` any run of characters, `?` any one. */
function stringLike(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
}

const matchesAny = (patterns: readonly string[]) => (key: string) =>
  patterns.some((pattern) => stringLike(pattern).test(key));

describe('the partition keys written, against the IAM patterns of each function', () => {
  let parts: LocalParts;
  let keys: string[];
  let slackKey: string;

  beforeAll(async () => {
    // Prepare: a poll that alerts, opens groups, stages, seals and leases, then a Slack post recorded.
    const store = generateDataset({
      companies: 3,
      failedJobs: 30,
      completedWithErrorsShare: 0.3,
      failedItemsRange: [1, 3],
      completedJobs: 5,
      now: new Date(),
      spanDays: 2,
    });
    const started = await startEmbeddedPoller(store, () => new Date());
    parts = started.parts;
    // A connection of its own for one company (with the same key), then the stack's for every other.
    const [first] = store.companies();
    await started.poller.pollConnection({
      ...started.poller.stackConnection,
      name: 'acme',
      stack: false,
      companyId: first?.id,
    });
    await started.poller.poll();
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const table = String(process.env.TABLE_NAME);
    await new DynamoPostLedger(doc, table, SLACK_CHANNEL).record('alert-1', new Date());

    // Act
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: table, ProjectionExpression: 'pk' }));
    keys = Items.map((item) => String(item.pk));
    slackKey = keys.find((key) => key.startsWith('DELIVERED#')) ?? '';
    doc.destroy();
  });
  afterAll(() => parts?.close());

  it("keeps every key of the poller's alert state within the poller's patterns", () => {
    const state = keys.filter((key) => key !== slackKey);
    // (The outbox entries are gone once delivered.)
    expect([...new Set(state.map((key) => key.replace(/#.*/, '#')))]).toEqual(
      expect.arrayContaining(['LEASE', 'SEAL', 'GROUP', 'JOB#']),
    );
    expect(state).toEqual(expect.arrayContaining(['LEASE#acme', 'SEAL#acme', 'GROUP#acme']));
    expect(state.filter((key) => !matchesAny(STATE_PARTITION_PATTERNS)(key))).toEqual([]);
    expect(state.filter(matchesAny([deliveredPartitionPattern(SLACK_CHANNEL)]))).toEqual([]);
  });

  it("keeps the Slack notifier's delivery record within its own pattern, outside the poller's", () => {
    expect(matchesAny([deliveredPartitionPattern(SLACK_CHANNEL)])(slackKey)).toBe(true);
    expect(matchesAny(STATE_PARTITION_PATTERNS)(slackKey)).toBe(false);
  });
});
