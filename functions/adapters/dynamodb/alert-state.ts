// adapts a DynamoDB table (pk/sk, TTL on expiresAt) to the AlertState port
//
// Items:  LEASE/poller            who is polling, until when
//         OUTBOX/<alertId>        a message written down before publishing (gzipped JSON), combined or not
//         SEAL/<pollId>           every alert of that poll was written down: its staged alerts may go out
//         JOB#<jobId>/JOB         a job already alerted, kept until expiresAt (longer than the lookback)
//         GROUP/<company>#<reason>    a failure group, for reminders, resolved notices and the digest
//         Each connection has its own LEASE, OUTBOX, SEAL and GROUP partitions (LEASE#<name>, …; the stack's own
//         connection the unprefixed ones), while job records are shared (see partitions.ts).
//         The lease item also keeps how many polls in a row could not reach Pleo, when completed exports
//         were last listed, where the listing of failed jobs stopped (so each lease's scope has its own),
//         when watching began (the first poll that listed Pleo), and what was said about the key's expiry.
//
// Every write to the outbox, the seals, the groups and the lease item holds only while the poll still owns the
// lease: it goes in one transaction with a check of the lease's owner (TransactWriteItems: a stale write fails and
// changes nothing; each costs twice the write units of a plain write, plus 2 for the check of the small lease item).
// A fencing token instead (an epoch on each item, `fence <= :epoch`) would still let a stale poll recreate an outbox
// entry the new owner had finished and deleted, and so publish it again unflagged. Job records are written without
// the check (BatchWriteItem takes no condition): they only ever say that a message about those jobs went out, true
// whichever poll writes it.
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { LeaseLostError } from '../../app/errors.js';
import type { AlertState, GroupUpdate, ListingCheckpoints, OutboxEntry } from '../../app/ports.js';
import {
  alertJobSchema,
  alertSchema,
  categorySchema,
  totalsSchema,
} from '../../contracts/structured-message.js';
import { type Alert, alertsOf, type CombinedAlert, isCombined, type Message } from '../../domain/alert.js';
import type { KeyExpiryMark } from '../../domain/key-expiry.js';
import { alertsByGroup, type FailureGroup, groupKey } from '../../domain/lifecycle.js';
import { forEachLimited } from '../../shared/concurrency.js';
import { retrying, sleep } from '../../shared/retry.js';
import { partitionItems, type SendQuery } from './partition-query.js';
import { JOB_PARTITION_PREFIX, type StatePartitions, statePartitions } from './partitions.js';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** TransactWriteItems takes 100 items, one of them the check of the lease. */
const WRITES_PER_TRANSACTION = 99;
const UNPROCESSED_RETRY = { maxAttempts: 9, baseDelayMs: 100, maxDelayMs: 2_000 };
const DAY_SECONDS = 86_400;

export interface DynamoAlertStateOptions {
  tableName: string;
  /** How long a job record is kept; must exceed the lookback so an old failure is never alerted twice. */
  retentionDays: number;
  /** Parallel BatchGetItem calls. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Ends every call of the poll this state serves (its invocation ran out of time), releasing the lease apart. */
  signal?: AbortSignal | undefined;
  /** The connection whose state this is; absent: the stack's own connection (the unprefixed partitions). */
  connection?: string | undefined;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const LEASE_SORT_KEY = 'poller';

const RESOLVED_KEPT_SECONDS = 3 * DAY_SECONDS;

const groupItemSchema = z.object({ group: z.instanceof(Uint8Array) });

/** A failure group as stored (gzipped JSON): read back parsed, so a damaged item fails loudly, never half-read. */
const failureGroupSchema = z.object({
  companyId: z.string(),
  companyName: z.nullable(z.string()),
  reason: z.string(),
  category: categorySchema,
  state: z.enum(['open', 'resolved']),
  openedAt: z.string(),
  lastFailureAt: z.string(),
  lastNotifiedAt: z.string(),
  remindersSent: z.number(),
  jobs: z.array(alertJobSchema),
  totals: totalsSchema,
  resolvedAt: z.optional(z.string()),
  resolvedByJobId: z.optional(z.string()),
  mergedAlertIds: z.array(z.string()),
}) satisfies z.ZodMiniType<FailureGroup>;

const listingCheckpointsSchema = z.record(
  z.string(),
  z.object({
    top: z.optional(z.string()),
    sweptAt: z.optional(z.string()),
    segments: z.array(z.object({ after: z.optional(z.string()), floor: z.optional(z.string()) })),
    unordered: z.optional(z.boolean()),
  }),
);

const keyExpiryMarkSchema = z.object({
  warned: z.optional(z.object({ expiresOn: z.string(), days: z.number() })),
  unknownRemindedAt: z.optional(z.string()),
});

const combinedAlertSchema = z.object({
  alertId: z.string(),
  kind: z.enum(['alert', 'reminder', 'resolved']),
  combined: z.enum(['rollup', 'current-state']),
  companyId: z.string(),
  companyName: z.nullable(z.string()),
  sections: z.array(alertSchema),
  totals: totalsSchema,
  detectedAt: z.string(),
  possibleRedelivery: z.boolean(),
}) satisfies z.ZodMiniType<CombinedAlert>;

/** An outbox entry's message as stored: combined (it has sections) or one alert. */
const messageSchema = z.union([combinedAlertSchema, alertSchema]);

const outboxItemSchema = z.object({
  status: z.enum(['staged', 'pending', 'publishing', 'published']),
  pollId: z.optional(z.string()),
  attempts: z.number(),
  alert: z.instanceof(Uint8Array),
});

export class DynamoAlertState implements AlertState {
  /** DynamoDB calls made, by operation (for logs, metrics and the benchmark). */
  readonly requestCounts: Record<string, number> = {};
  /** Of those, the calls that carried messages through the outbox (stage to complete), by operation. */
  readonly deliveryRequestCounts: Record<string, number> = {};
  private readonly table: string;
  private readonly retentionSeconds: number;
  private readonly concurrency: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly abort: { abortSignal?: AbortSignal };
  private readonly partitions: StatePartitions;
  private readonly leaseKey: { pk: string; sk: string };
  private pleoFailureCount = 0;
  private completedChecked: string | undefined;
  private listing: ListingCheckpoints = {};
  private digestRequested: string | undefined;
  private watching: string | undefined;
  private expiryMark: KeyExpiryMark = {};
  /** The poll this state serves, once it took the lease: every write is conditional on it still holding it. */
  private owner: string | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoAlertStateOptions,
  ) {
    this.table = options.tableName;
    this.retentionSeconds = options.retentionDays * DAY_SECONDS;
    this.concurrency = options.concurrency ?? 4;
    this.sleep = options.sleep ?? sleep;
    this.abort = options.signal ? { abortSignal: options.signal } : {};
    this.partitions = statePartitions(options.connection);
    this.leaseKey = { pk: this.partitions.lease, sk: LEASE_SORT_KEY };
  }

  async acquireLease(owner: string, now: Date, seconds: number): Promise<boolean> {
    const nowSeconds = epochSeconds(now);
    try {
      const result = await this.counted('UpdateItem').send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.leaseKey,
          UpdateExpression: 'SET #owner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':until': nowSeconds + seconds, ':now': nowSeconds },
          ReturnValues: 'ALL_NEW',
        }),
        this.abort,
      );
      this.owner = owner;
      this.pleoFailureCount = Number(result.Attributes?.pleoFailures ?? 0);
      const checked = result.Attributes?.completedCheckedAt;
      this.completedChecked = typeof checked === 'string' ? checked : undefined;
      this.listing = readStored(result.Attributes?.listing, listingCheckpointsSchema);
      const digest = result.Attributes?.digestRequestedAt;
      this.digestRequested = typeof digest === 'string' ? digest : undefined;
      const since = result.Attributes?.watchingSince;
      this.watching = typeof since === 'string' ? since : undefined;
      this.expiryMark = readStored(result.Attributes?.keyExpiry, keyExpiryMarkSchema);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async releaseLease(owner: string, succeededAt?: string): Promise<void> {
    try {
      // Not stopped by the signal: a poll that ran out of time gives its lease back all the same.
      await this.counted('UpdateItem').send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.leaseKey,
          UpdateExpression: `REMOVE #owner, leaseUntil${succeededAt ? ' SET lastSuccessAt = :at' : ''}`,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ...(succeededAt && { ':at': succeededAt }) },
        }),
      );
    } catch (error) {
      // Someone took over an expired lease: it is theirs now, nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** What the lease item keeps of the poller's health, read without taking the lease (for `status`). */
  async pollerHealth(): Promise<{
    lastSuccessAt: string | undefined;
    pleoFailures: number;
    polling: boolean;
  }> {
    const { Item } = await this.counted('GetItem').send(
      new GetCommand({ TableName: this.table, Key: this.leaseKey, ConsistentRead: true }),
      this.abort,
    );
    const lastSuccessAt = Item?.lastSuccessAt;
    return {
      lastSuccessAt: typeof lastSuccessAt === 'string' ? lastSuccessAt : undefined,
      pleoFailures: Number(Item?.pleoFailures ?? 0),
      polling: Number(Item?.leaseUntil ?? 0) > Date.now() / 1000,
    };
  }

  async knownJobIds(jobIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    const unique = [...new Set(jobIds)];
    const batches: string[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT)
      batches.push(unique.slice(i, i + BATCH_GET_LIMIT));
    await forEachLimited(batches, this.concurrency, async (batch) => {
      for (const id of await this.batchGetJobs(batch)) known.add(id);
    });
    return known;
  }

  async outbox(): Promise<OutboxEntry[]> {
    return (await this.queryPartition(this.partitions.outbox)).map((item) => {
      const parsed = outboxItemSchema.parse(item);
      return {
        status: parsed.status,
        attempts: parsed.attempts,
        pollId: parsed.pollId,
        message: messageSchema.parse(unzip(parsed.alert)),
      };
    });
  }

  async pleoFailures(): Promise<number> {
    return this.pleoFailureCount;
  }

  async setPleoFailures(count: number): Promise<void> {
    if (count === this.pleoFailureCount) return;
    await this.updateLease('SET pleoFailures = :count', { ':count': count });
    this.pleoFailureCount = count;
  }

  async completedCheckedAt(): Promise<string | undefined> {
    return this.completedChecked;
  }

  async setCompletedCheckedAt(at: string): Promise<void> {
    await this.updateLease('SET completedCheckedAt = :at', { ':at': at });
    this.completedChecked = at;
  }

  async requestDigest(at: Date): Promise<void> {
    // Not conditioned on the lease: the poll holding it is the one to act on the note, and it reads it next time.
    await this.counted('UpdateItem').send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.leaseKey,
        UpdateExpression: 'SET digestRequestedAt = if_not_exists(digestRequestedAt, :at)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
      this.abort,
    );
  }

  async digestRequestedAt(): Promise<string | undefined> {
    return this.digestRequested;
  }

  async clearDigestRequest(): Promise<void> {
    if (this.digestRequested === undefined) return;
    await this.updateLease('REMOVE digestRequestedAt', {});
    this.digestRequested = undefined;
  }

  async listingCheckpoints(): Promise<ListingCheckpoints> {
    return this.listing;
  }

  async setListingCheckpoints(checkpoints: ListingCheckpoints): Promise<void> {
    const text = JSON.stringify(checkpoints);
    if (text === JSON.stringify(this.listing)) return;
    if (Object.keys(checkpoints).length === 0) await this.updateLease('REMOVE listing', {});
    else await this.updateLease('SET listing = :listing', { ':listing': text });
    this.listing = checkpoints;
  }

  async watchingSince(): Promise<string | undefined> {
    return this.watching;
  }

  async setWatchingSince(at: string): Promise<void> {
    await this.updateLease('SET watchingSince = :at', { ':at': at });
    this.watching = at;
  }

  async keyExpiryMark(): Promise<KeyExpiryMark> {
    return this.expiryMark;
  }

  async setKeyExpiryMark(mark: KeyExpiryMark): Promise<void> {
    await this.updateLease('SET keyExpiry = :mark', { ':mark': JSON.stringify(mark) });
    this.expiryMark = mark;
  }

  /** Writes to the lease item itself, as long as this poll holds it. */
  private async updateLease(expression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.counted('UpdateItem').send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.leaseKey,
          UpdateExpression: expression,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ...values, ':owner': this.owner ?? '' },
        }),
        this.abort,
      );
    } catch (error) {
      throw error instanceof ConditionalCheckFailedException ? new LeaseLostError() : error;
    }
  }

  /**
   * Writes `items` in one transaction with a check that this poll still holds the lease: all or nothing.
   * @throws LeaseLostError when another poll holds it; ConditionalCheckFailedException when an item's own
   * condition failed.
   */
  private async fenced(...items: TransactItem[]): Promise<void> {
    const leaseCheck: TransactItem = {
      ConditionCheck: {
        TableName: this.table,
        Key: this.leaseKey,
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': this.owner ?? '' },
      },
    };
    try {
      await this.counted('TransactWriteItems', true).send(
        new TransactWriteCommand({ TransactItems: [leaseCheck, ...items] }),
        this.abort,
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [lease, ...own] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      if (lease === 'ConditionalCheckFailed') throw new LeaseLostError();
      if (!own.includes('ConditionalCheckFailed')) throw error;
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: error.$metadata,
      });
    }
  }

  async failureGroups(): Promise<FailureGroup[]> {
    return (await this.queryPartition(this.partitions.group)).map(readGroup);
  }

  async stage(message: Message, pollId: string, now: Date): Promise<void> {
    await this.fenced({
      Put: {
        TableName: this.table,
        Item: {
          pk: this.partitions.outbox,
          sk: message.alertId,
          status: 'staged',
          pollId,
          attempts: 0,
          alert: storable(message).zipped,
          createdAt: now.toISOString(),
          expiresAt: epochSeconds(now) + this.retentionSeconds,
        },
      },
    });
  }

  async seal(pollId: string, now: Date): Promise<void> {
    await this.fenced({
      Put: {
        TableName: this.table,
        Item: { pk: this.partitions.seal, sk: pollId, expiresAt: epochSeconds(now) + this.retentionSeconds },
      },
    });
  }

  async sealedPolls(pollIds: readonly string[]): Promise<Set<string>> {
    const sealed = new Set<string>();
    const unique = [...new Set(pollIds)];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      const keys = unique
        .slice(i, i + BATCH_GET_LIMIT)
        .map((pollId) => ({ pk: this.partitions.seal, sk: pollId }));
      for (const item of await this.batchGet(keys, { delivery: true })) sealed.add(String(item.sk));
    }
    return sealed;
  }

  async discard(alertId: string): Promise<void> {
    await this.fenced({
      Delete: { TableName: this.table, Key: { pk: this.partitions.outbox, sk: alertId } },
    });
  }

  async claim(message: Message, now: Date): Promise<Message> {
    const stored = storable(message);
    await this.fenced({
      Update: {
        TableName: this.table,
        Key: { pk: this.partitions.outbox, sk: message.alertId },
        UpdateExpression:
          'SET #status = :publishing, alert = :alert, createdAt = if_not_exists(createdAt, :now), ' +
          'expiresAt = :expiresAt ADD attempts :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':publishing': 'publishing',
          ':alert': stored.zipped,
          ':now': now.toISOString(),
          ':expiresAt': epochSeconds(now) + this.retentionSeconds,
          ':one': 1,
        },
      },
    });
    return stored.message;
  }

  async release(alertId: string, problem: string): Promise<void> {
    await this.setOutboxStatus(alertId, 'pending', problem.slice(0, 500));
  }

  async markPublished(alertId: string): Promise<void> {
    await this.setOutboxStatus(alertId, 'published');
  }

  async complete(message: Message, now: Date, update: GroupUpdate): Promise<FailureGroup[]> {
    await this.recordJobs(message, now, true);
    const byGroup = alertsByGroup(message);
    // Read as stored by the lease holder, written back with the outbox entry emptied, in one transaction. A
    // message about more groups than one transaction holds writes them in several, the last one emptying the entry:
    // an interrupted completion is completed again, and `update` leaves a group already written as it is.
    const stored = await this.getGroups([...byGroup.keys()]);
    const groups = [...byGroup].flatMap(([key, alerts]) => update(stored.get(key), alerts) ?? []);
    const items: TransactItem[] = [
      ...groups.map((group) => ({ Put: this.groupItem(group, now) })),
      { Delete: { TableName: this.table, Key: { pk: this.partitions.outbox, sk: message.alertId } } },
    ];
    for (let i = 0; i < items.length; i += WRITES_PER_TRANSACTION) {
      await this.fenced(...items.slice(i, i + WRITES_PER_TRANSACTION));
    }
    return groups;
  }

  async suppress(alert: Alert, now: Date): Promise<void> {
    await this.recordJobs(alert, now, false);
  }

  /** The groups as stored, read consistently: the last write may be this poll's own, without an answer. */
  private async getGroups(keys: readonly string[]): Promise<Map<string, FailureGroup>> {
    const groups = new Map<string, FailureGroup>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      const batch = keys.slice(i, i + BATCH_GET_LIMIT).map((sk) => ({ pk: this.partitions.group, sk }));
      for (const item of await this.batchGet(batch, { whole: true, delivery: true })) {
        groups.set(String(item.sk), readGroup(item));
      }
    }
    return groups;
  }

  private groupItem(group: FailureGroup, now: Date) {
    // A resolved group stays a few days, for the digest's "resolved since yesterday".
    const keepSeconds = group.state === 'resolved' ? RESOLVED_KEPT_SECONDS : this.retentionSeconds;
    return {
      TableName: this.table,
      Item: {
        pk: this.partitions.group,
        sk: groupKey(group.companyId, group.reason),
        state: group.state,
        group: gzipSync(JSON.stringify(group)),
        expiresAt: epochSeconds(now) + keepSeconds,
      },
    };
  }

  /** Job records: these jobs were handled and are never alerted again while the record lives. */
  private async recordJobs(message: Message, now: Date, delivery: boolean): Promise<void> {
    const expiresAt = epochSeconds(now) + this.retentionSeconds;
    const alertedAt = now.toISOString();
    // A job that failed for several reasons is in several sections of a combined message: one record, as a batch
    // may not write one key twice.
    const jobs = new Map(
      alertsOf(message).flatMap((alert) => alert.jobs.map((job) => [job.jobId, job] as const)),
    );
    const requests = [...jobs.values()].map((job) => ({
      PutRequest: {
        Item: {
          pk: `${JOB_PARTITION_PREFIX}${job.jobId}`,
          sk: 'JOB',
          companyId: message.companyId,
          status: job.status,
          alertId: message.alertId,
          alertedAt,
          expiresAt,
        },
      },
    }));
    await this.batchWrite(requests, delivery);
  }

  private async setOutboxStatus(alertId: string, status: OutboxEntry['status'], problem?: string) {
    await this.fenced({
      Update: {
        TableName: this.table,
        Key: { pk: this.partitions.outbox, sk: alertId },
        UpdateExpression:
          problem === undefined ? 'SET #status = :status' : 'SET #status = :status, lastProblem = :p',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ...(problem === undefined ? {} : { ':p': problem }) },
      },
    });
  }

  private async batchGetJobs(jobIds: string[]): Promise<string[]> {
    const items = await this.batchGet(
      jobIds.map((id) => ({ pk: `${JOB_PARTITION_PREFIX}${id}`, sk: 'JOB' })),
    );
    return items.map((item) => String(item.pk).slice(JOB_PARTITION_PREFIX.length));
  }

  /**
   * Up to 100 keys, with UnprocessedKeys retried; returns the key attributes of the items that exist, or with
   * `whole` the whole items, read consistently. `delivery`: counted as carrying messages through the outbox.
   */
  private async batchGet(
    keys: Record<string, unknown>[],
    { whole = false, delivery = false } = {},
  ): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending = keys;
    const read = whole ? { ConsistentRead: true } : { ProjectionExpression: 'pk, sk' };
    await this.untilProcessed(async () => {
      const result = await this.counted('BatchGetItem', delivery).send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ...read } } }),
        this.abort,
      );
      found.push(...(result.Responses?.[this.table] ?? []));
      pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
      return pending.length;
    });
    return found;
  }

  /** Every item of one partition, page by page, read consistently. */
  private async queryPartition(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const send: SendQuery = (query) => this.counted('Query').send(query, this.abort);
    for await (const item of partitionItems(send, this.table, pk)) items.push(item);
    return items;
  }

  private async batchWrite(requests: Record<string, unknown>[], delivery: boolean): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(i, i + BATCH_WRITE_LIMIT);
      await this.untilProcessed(async () => {
        const result = await this.counted('BatchWriteItem', delivery).send(
          new BatchWriteCommand({
            RequestItems: { [this.table]: pending },
          }),
          this.abort,
        );
        pending = (result.UnprocessedItems?.[this.table] as Record<string, unknown>[] | undefined) ?? [];
        return pending.length;
      });
    }
  }

  /**
   * Repeats a batch call while it leaves keys or items unprocessed (they come back under throttling), waiting a
   * little more each round, then gives up. `round` returns how many it left.
   */
  private untilProcessed(round: () => Promise<number>): Promise<void> {
    return retrying(
      async () =>
        (await round()) === 0
          ? { done: undefined }
          : {
              fail: (attempts) =>
                new Error(`DynamoDB left requests unprocessed after ${attempts - 1} retries`),
            },
      UNPROCESSED_RETRY,
      { deps: { sleep: this.sleep, random: Math.random } },
    );
  }

  private counted(operation: string, delivery = false): DynamoDBDocumentClient {
    this.requestCounts[operation] = (this.requestCounts[operation] ?? 0) + 1;
    if (delivery) this.deliveryRequestCounts[operation] = (this.deliveryRequestCounts[operation] ?? 0) + 1;
    return this.client;
  }
}

/** An item holds 400 KB; the stored message stays well under it, its failure texts cut shorter if need be. */
const MAX_STORED_ALERT_BYTES = 300_000;
const STORED_REASON_CAPS = [500, 100, 0];

function storable(message: Message): { message: Message; zipped: Uint8Array } {
  let candidate = message;
  let zipped = gzipSync(JSON.stringify(candidate));
  for (const cap of STORED_REASON_CAPS) {
    if (zipped.byteLength <= MAX_STORED_ALERT_BYTES) break;
    candidate = capReasons(message, cap);
    zipped = gzipSync(JSON.stringify(candidate));
  }
  return { message: candidate, zipped };
}

function capReasons(message: Message, cap: number): Message {
  const capped = (alert: Alert): Alert => ({
    ...alert,
    jobs: alert.jobs.map((job) => ({ ...job, failureReason: job.failureReason?.slice(0, cap) || null })),
  });
  return isCombined(message) ? { ...message, sections: message.sections.map(capped) } : capped(message);
}

function unzip(data: Uint8Array): unknown {
  return JSON.parse(gunzipSync(data).toString('utf8'));
}

/**
 * A lease item's attribute kept as JSON text. One that cannot be read counts as none, not fatal: lost checkpoints
 * make the listing start a new pass from the newest job, which covers everything they would have; a lost expiry
 * mark may say a warning again, never lose one.
 */
function readStored<T extends object>(stored: unknown, schema: z.ZodMiniType<T>): T | Record<string, never> {
  if (typeof stored !== 'string') return {};
  try {
    return schema.parse(JSON.parse(stored));
  } catch {
    return {};
  }
}

function readGroup(item: Record<string, unknown>): FailureGroup {
  return failureGroupSchema.parse(unzip(groupItemSchema.parse(item).group));
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
