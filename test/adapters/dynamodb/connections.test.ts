// The connection store on dynalite through the real AWS SDK: records kept under their name, one name once.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConnectionStore } from '../../../functions/adapters/dynamodb/connections.js';
import { CONNECTION_PARTITION } from '../../../functions/adapters/dynamodb/partitions.js';
import type { ConnectionRecord } from '../../../functions/contracts/connection.js';
import { startTestTable } from '../../support/dynamo.js';

const ACME: ConnectionRecord = {
  name: 'acme',
  companyId: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01',
  credential: { kind: 'parameter', name: '/pleo-export-alerts/Alerts/connections/acme' },
  expiresOn: '2027-06-01',
  addedAt: '2026-12-02T10:00:00.000Z',
};
const GROUP: ConnectionRecord = {
  name: 'nordic-group',
  companies: [{ id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' }],
  credential: { kind: 'parameter', name: '/pleo-export-alerts/Alerts/connections/nordic-group' },
  addedAt: '2026-12-02T11:00:00.000Z',
};

describe('DynamoConnectionStore', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let store: DynamoConnectionStore;
  beforeAll(async () => {
    table = await startTestTable();
    store = new DynamoConnectionStore(table.doc, table.tableName);
  });
  afterAll(() => table?.close());

  it('adds a connection once, reads it back, lists every one, and removes it', async () => {
    // Act
    const added = [
      await store.add(ACME),
      await store.add(GROUP),
      await store.add({ ...ACME, expiresOn: undefined }),
    ];
    const read = await store.get('acme');
    const listed = await store.list();
    const removed = await store.remove('acme');
    const removedAgain = await store.remove('acme');

    // Assess
    expect(added).toEqual([true, true, false]);
    expect(read).toEqual(ACME);
    expect(listed).toEqual({ connections: [ACME, GROUP], malformed: [] });
    expect(removed).toEqual(ACME);
    expect(removedAgain).toBeUndefined();
    expect(await store.get('acme')).toBeUndefined();
    expect((await store.list()).connections).toEqual([GROUP]);
  });

  it('sets a record that does not fit the contract apart by name, and lists the others', async () => {
    // Prepare: a record written by hand without its credential.
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: CONNECTION_PARTITION, sk: 'by-hand', name: 'by-hand', addedAt: '2026-12-02T12:00:00Z' },
      }),
    );

    // Act
    const listed = await store.list();

    // Assess
    expect(listed.connections.map((c) => c.name)).toEqual(['nordic-group']);
    expect(listed.malformed).toEqual([{ name: 'by-hand', problem: expect.any(String) }]);
    await expect(store.get('by-hand')).rejects.toThrow('The connection record by-hand is malformed');
  });
});
