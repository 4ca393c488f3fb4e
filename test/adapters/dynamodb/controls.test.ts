// The control store on dynalite through the real AWS SDK: what people say about groups is kept and read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertState } from '../../../functions/adapters/dynamodb/alert-state.js';
import { DynamoControlStore } from '../../../functions/adapters/dynamodb/controls.js';
import type { Mute } from '../../../functions/domain/controls.js';
import { startTestTable } from '../../support/dynamo.js';

const COMPANY = '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01';

describe('DynamoControlStore', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let store: DynamoControlStore;
  beforeAll(async () => {
    table = await startTestTable();
    store = new DynamoControlStore(table.doc, table.tableName);
  });
  afterAll(() => table?.close());

  const mute: Mute = {
    id: 'a1b2c3d4',
    companyId: COMPANY,
    reason: 'missing_configuration',
    category: null,
    createdAt: '2026-11-20T08:00:00.000Z',
    expiresAt: '2026-11-27T08:00:00.000Z',
    comment: 'known',
    author: 'alice',
    mutedExports: 0,
  };

  it('keeps mutes, counts what they kept quiet, and ends one only while it is in force', async () => {
    // Act
    await store.addMute(mute);
    await store.countMuted(mute.id, 2);
    await store.countMuted(mute.id, 1);
    await store.countMuted('gone', 1);
    const ended = await store.expireMute(mute.id, new Date('2026-11-21T08:00:00Z'));
    const again = await store.expireMute(mute.id, new Date('2026-11-21T09:00:00Z'));

    // Assess
    expect(ended).toEqual({ ...mute, mutedExports: 3, expiresAt: '2026-11-21T08:00:00.000Z' });
    expect(again).toBeUndefined();
    expect((await store.controls()).mutes).toEqual([ended]);
    await expect(store.addMute(mute)).rejects.toThrow();
  });

  it('keeps the latest acknowledgement and snooze of a group', async () => {
    // Prepare
    const ack = {
      companyId: COMPANY,
      reason: 'validation_failure',
      at: '2026-11-20T08:00:00.000Z',
      author: 'bob',
      comment: null,
      groupOpenedAt: '2026-11-19T08:00:00.000Z',
      groupExports: 2,
    };
    const snooze = {
      companyId: COMPANY,
      reason: 'validation_failure',
      at: ack.at,
      author: 'carol',
      comment: 'after the close',
    };

    // Act
    await store.acknowledge(ack);
    await store.acknowledge({ ...ack, groupExports: 3, comment: 'again' });
    await store.snooze({ ...snooze, until: '2026-11-21T08:00:00.000Z' });
    await store.snooze({ ...snooze, until: '2026-11-22T08:00:00.000Z' });
    const { acknowledgements, snoozes } = await store.controls();

    // Assess
    expect(acknowledgements).toEqual([{ ...ack, groupExports: 3, comment: 'again' }]);
    expect(snoozes).toEqual([{ ...snooze, until: '2026-11-22T08:00:00.000Z' }]);
  });

  it("leaves the poll's state alone, and the state keeps a successful poll's time in the lease item", async () => {
    // Prepare
    const state = new DynamoAlertState(table.doc, { tableName: table.tableName, retentionDays: 7 });

    // Act
    await state.acquireLease('poll-1', new Date('2026-11-20T08:00:00Z'), 60);
    await state.releaseLease('poll-1', '2026-11-20T08:00:05.000Z');
    await state.acquireLease('poll-2', new Date('2026-11-20T08:05:00Z'), 60);
    await state.releaseLease('poll-2');

    // Assess
    expect(await state.pollerHealth()).toEqual({
      lastSuccessAt: '2026-11-20T08:00:05.000Z',
      pleoFailures: 0,
      polling: false,
    });
    expect(await state.failureGroups()).toEqual([]);
    expect(await state.outbox()).toEqual([]);
  });
});
