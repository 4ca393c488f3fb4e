// adapts the state table to the ControlStore port: one item per control in the CONTROL partition.
//
// Items:  CONTROL/MUTE#<id>                   a mute (kept a week after it ends, for `mute list`)
//         CONTROL/ACK#<company>#<reason>      the group's acknowledgement (the latest replaces the one before)
//         CONTROL/SNOOZE#<company>#<reason>   the group's snooze (the latest replaces the one before)
//         CONTROL/RETRY#<company>#<reason>    the group's latest retry from an alert: who, when, the new job
//
// Written by people (CLI, actions) while polls run, so never under the poll lease; a poll reads them all at once.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import type { ControlStore, RetryRecord } from '../../app/ports.js';
import { categorySchema } from '../../contracts/structured-message.js';
import type { Acknowledgement, Controls, Mute, Snooze } from '../../domain/controls.js';
import { groupKey } from '../../domain/lifecycle.js';
import { partitionItems, type SendQuery } from './partition-query.js';
import { CONTROL_PARTITION } from './partitions.js';

const DAY_SECONDS = 86_400;
/** How long an ended mute or snooze stays listed. */
const ENDED_KEPT_SECONDS = 7 * DAY_SECONDS;
/** How long an acknowledgement is kept: longer than a group stays open without a new failure. */
const ACK_KEPT_SECONDS = 120 * DAY_SECONDS;

const muteSchema = z.object({
  id: z.string(),
  companyId: z.string(),
  reason: z.nullable(z.string()),
  category: z.nullable(categorySchema),
  createdAt: z.string(),
  endsAt: z.string(),
  comment: z.string(),
  author: z.string(),
  mutedExports: z._default(z.number(), 0),
});
const ackSchema = z.object({
  companyId: z.string(),
  reason: z.string(),
  at: z.string(),
  author: z.string(),
  comment: z.nullable(z.string()),
  groupOpenedAt: z.string(),
  groupExports: z.number(),
}) satisfies z.ZodMiniType<Acknowledgement>;
const snoozeSchema = z.object({
  companyId: z.string(),
  reason: z.string(),
  at: z.string(),
  until: z.string(),
  author: z.string(),
  comment: z.nullable(z.string()),
}) satisfies z.ZodMiniType<Snooze>;

const MUTE = 'MUTE#';
const ACK = 'ACK#';
const SNOOZE = 'SNOOZE#';
const RETRY = 'RETRY#';

export class DynamoControlStore implements ControlStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly abort: { abortSignal?: AbortSignal } = {},
  ) {}

  async controls(): Promise<Controls> {
    const controls: Controls = { mutes: [], acknowledgements: [], snoozes: [] };
    const send: SendQuery = (query) => this.client.send(query, this.abort);
    for await (const item of partitionItems(send, this.table, CONTROL_PARTITION)) {
      const sk = String(item.sk);
      if (sk.startsWith(MUTE)) {
        const { endsAt, ...mute } = muteSchema.parse(item);
        controls.mutes.push({ ...mute, expiresAt: endsAt });
      } else if (sk.startsWith(ACK)) controls.acknowledgements.push(ackSchema.parse(item));
      else if (sk.startsWith(SNOOZE)) controls.snoozes.push(snoozeSchema.parse(item));
    }
    return controls;
  }

  async addMute(mute: Mute): Promise<void> {
    const { expiresAt, ...rest } = mute;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: CONTROL_PARTITION,
          sk: `${MUTE}${mute.id}`,
          ...rest,
          endsAt: expiresAt,
          expiresAt: epochSeconds(expiresAt) + ENDED_KEPT_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      this.abort,
    );
  }

  async expireMute(id: string, now: Date): Promise<Mute | undefined> {
    const at = now.toISOString();
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: CONTROL_PARTITION, sk: `${MUTE}${id}` },
          UpdateExpression: 'SET endsAt = :now, expiresAt = :ttl',
          ConditionExpression: 'attribute_exists(pk) AND endsAt > :now',
          ExpressionAttributeValues: { ':now': at, ':ttl': epochSeconds(at) + ENDED_KEPT_SECONDS },
          ReturnValues: 'ALL_NEW',
        }),
        this.abort,
      );
      const { endsAt, ...mute } = muteSchema.parse(Attributes);
      return { ...mute, expiresAt: endsAt };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async acknowledge(ack: Acknowledgement): Promise<void> {
    await this.put(
      `${ACK}${groupKey(ack.companyId, ack.reason)}`,
      ack,
      epochSeconds(ack.at) + ACK_KEPT_SECONDS,
    );
  }

  async snooze(snooze: Snooze): Promise<void> {
    await this.put(
      `${SNOOZE}${groupKey(snooze.companyId, snooze.reason)}`,
      snooze,
      epochSeconds(snooze.until) + ENDED_KEPT_SECONDS,
    );
  }

  async recordRetry(retry: RetryRecord): Promise<void> {
    await this.put(
      `${RETRY}${groupKey(retry.companyId, retry.reason)}`,
      retry,
      epochSeconds(retry.at) + ACK_KEPT_SECONDS,
    );
  }

  async countMuted(muteId: string, exports: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: CONTROL_PARTITION, sk: `${MUTE}${muteId}` },
          UpdateExpression: 'ADD mutedExports :n',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':n': exports },
        }),
        this.abort,
      );
    } catch (error) {
      // The mute was deleted by its time to live meanwhile: nothing left to count on.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async put(sk: string, item: object, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { pk: CONTROL_PARTITION, sk, ...item, expiresAt } }),
      this.abort,
    );
  }
}

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
