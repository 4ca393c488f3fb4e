// The embedded DynamoDB's TransactWriteItems, through the real AWS SDK: what DynamoDB does, so that the poller's
// lease-fenced writes meet the same answers locally as in AWS.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTable } from '../support/dynamo.js';

describe('the embedded DynamoDB: TransactWriteItems', () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  const lease = (owner: string) => ({ pk: 'LEASE', sk: 'poller', owner });
  const ownerIs = (TableName: string, owner: string) => ({
    ConditionCheck: {
      TableName,
      Key: { pk: 'LEASE', sk: 'poller' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
    },
  });
  const get = async (pk: string, sk = 'x') =>
    (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk, sk }, ConsistentRead: true }),
      )
    ).Item;

  beforeAll(async () => {
    table = await startTestTable();
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: lease('poll-1') }));
  });
  afterAll(() => table.close());

  it('writes every action when every condition holds', async () => {
    // Act
    await table.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          ownerIs(table.tableName, 'poll-1'),
          { Put: { TableName: table.tableName, Item: { pk: 'A', sk: 'x', n: 1 } } },
          {
            Update: {
              TableName: table.tableName,
              Key: { pk: 'B', sk: 'x' },
              UpdateExpression: 'SET n = :n',
              ExpressionAttributeValues: { ':n': 2 },
            },
          },
        ],
      }),
    );

    // Assess
    expect([await get('A'), await get('B')]).toEqual([
      { pk: 'A', sk: 'x', n: 1 },
      { pk: 'B', sk: 'x', n: 2 },
    ]);
  });

  it('writes nothing when one condition fails, and says which with one reason per action', async () => {
    // Act
    const error = await table.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            ownerIs(table.tableName, 'poll-2'),
            { Put: { TableName: table.tableName, Item: { pk: 'C', sk: 'x' } } },
            { Delete: { TableName: table.tableName, Key: { pk: 'A', sk: 'x' } } },
          ],
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'ConditionalCheckFailed',
      'None',
      'None',
    ]);
    expect(await get('C')).toBeUndefined();
    expect(await get('A')).toEqual({ pk: 'A', sk: 'x', n: 1 });
  });

  it('returns the item that failed its condition when asked to', async () => {
    const error = await table.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table.tableName,
                Item: { pk: 'A', sk: 'x', n: 9 },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.[0]).toMatchObject({
      Code: 'ConditionalCheckFailed',
      Item: { pk: { S: 'A' }, sk: { S: 'x' }, n: { N: '1' } },
    });
    expect(await get('A')).toEqual({ pk: 'A', sk: 'x', n: 1 });
  });

  it('undoes the writes already made when a later one fails, and leaves everything as it was', async () => {
    // Act: the second write makes an item larger than DynamoDB's 400 KB.
    const error = await table.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table.tableName, Item: { pk: 'A', sk: 'x', n: 5 } } },
            {
              Update: {
                TableName: table.tableName,
                Key: { pk: 'B', sk: 'x' },
                UpdateExpression: 'SET big = :big',
                ExpressionAttributeValues: { ':big': 'x'.repeat(300_000) },
              },
            },
            {
              Update: {
                TableName: table.tableName,
                Key: { pk: 'B', sk: 'x' },
                UpdateExpression: 'SET big2 = :big',
                ExpressionAttributeValues: { ':big': 'x'.repeat(300_000) },
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'ValidationException' });
    expect(await get('A')).toEqual({ pk: 'A', sk: 'x', n: 1 });
    expect(await get('B')).toEqual({ pk: 'B', sk: 'x', n: 2 });
  });

  it('refuses two actions on one item before doing anything', async () => {
    const error = await table.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table.tableName, Item: { pk: 'D', sk: 'x' } } },
            { Delete: { TableName: table.tableName, Key: { pk: 'D', sk: 'x' } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    expect(await get('D')).toBeUndefined();
  });

  it('applies a request repeated with the same client token once', async () => {
    const request = () =>
      new TransactWriteCommand({
        ClientRequestToken: 'token-1',
        TransactItems: [
          {
            Update: {
              TableName: table.tableName,
              Key: { pk: 'E', sk: 'x' },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
        ],
      });
    await table.doc.send(request());
    await table.doc.send(request());
    expect(await get('E')).toEqual({ pk: 'E', sk: 'x', n: 1 });
  });

  it('counts exactly the transactions that ran while their condition held, with writes racing them', async () => {
    // Act: the lease changes hands while transactions conditional on the old owner are in flight.
    const increment = () =>
      table.doc
        .send(
          new TransactWriteCommand({
            TransactItems: [
              ownerIs(table.tableName, 'poll-1'),
              {
                Update: {
                  TableName: table.tableName,
                  Key: { pk: 'F', sk: 'x' },
                  UpdateExpression: 'ADD n :one',
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
            ],
          }),
        )
        .then(
          () => true,
          (error: unknown) => (error instanceof TransactionCanceledException ? false : Promise.reject(error)),
        );
    const before = Array.from({ length: 10 }, increment);
    const takeover = table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: 'LEASE', sk: 'poller' },
        UpdateExpression: 'SET #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': 'poll-2' },
      }),
    );
    const after = Array.from({ length: 10 }, increment);
    const applied = (await Promise.all([...before, ...after])).filter(Boolean).length;
    await takeover;

    // Assess
    expect((await get('F'))?.n ?? 0).toBe(applied);
    expect(await increment()).toBe(false);
  });
});
