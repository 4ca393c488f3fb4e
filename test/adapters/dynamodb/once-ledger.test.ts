import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOnceLedger } from '../../../functions/adapters/dynamodb/once-ledger.js';
import { startTestTable } from '../../support/dynamo.js';

const UNTIL = new Date('2026-12-02T10:52:00Z');

describe('DynamoOnceLedger, on dynalite', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let ledger: DynamoOnceLedger;

  beforeAll(async () => {
    table = await startTestTable();
    ledger = new DynamoOnceLedger(table.doc, table.tableName);
  });
  afterAll(async () => table.close());

  it('lets a key be used once', async () => {
    await expect(ledger.use('slack#a1', UNTIL)).resolves.toBe(true);
    await expect(ledger.use('slack#a1', UNTIL)).resolves.toBe(false);
    await expect(ledger.use('slack#a2', UNTIL)).resolves.toBe(true);
  });

  it('lets one of two uses at the same moment through', async () => {
    const uses = await Promise.all(Array.from({ length: 5 }, () => ledger.use('email#b1', UNTIL)));

    expect(uses.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the use until the time given, for the table to expire', async () => {
    await ledger.use('email#c1', UNTIL);

    const { Item } = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'ONCE#email#c1', sk: 'USED' } }),
    );
    expect(Item?.expiresAt).toBe(UNTIL.getTime() / 1000);
  });

  it('tells a used key from an unused one, using neither', async () => {
    // Act
    const before = await ledger.used('email#e1');
    await ledger.use('email#e1', UNTIL);

    // Assess
    expect(before).toBe(false);
    await expect(ledger.used('email#e1')).resolves.toBe(true);
    await expect(ledger.used('email#e2')).resolves.toBe(false);
  });

  it('lets a forgotten key be used again', async () => {
    await ledger.use('email#d1', UNTIL);

    await ledger.forget('email#d1');

    await expect(ledger.use('email#d1', UNTIL)).resolves.toBe(true);
  });
});
