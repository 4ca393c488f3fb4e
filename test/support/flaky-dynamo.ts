// A DynamoDB document client that misbehaves the way DynamoDB does under load: batch calls leave part of their
// work unprocessed, calls are throttled, or succeed while their answer is lost. Everything else goes to the real
// client (dynalite in the tests), so the state adapter's retries and the poll's recovery meet real data.
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { lostAnswer, throttling } from './faults.js';

const COMMANDS = {
  BatchGetItem: BatchGetCommand,
  BatchWriteItem: BatchWriteCommand,
  UpdateItem: UpdateCommand,
  Query: QueryCommand,
  DeleteItem: DeleteCommand,
  PutItem: PutCommand,
} as const;
export type DynamoOperation = keyof typeof COMMANDS;
export const DYNAMO_OPERATIONS = Object.keys(COMMANDS) as DynamoOperation[];

/**
 * unprocessed: a batch call does the first half of its keys/items and hands back the rest (other commands are
 * throttled instead); throttle: ProvisionedThroughputExceededException before anything happens; ambiguous: done,
 * then the connection drops before the answer.
 */
export const DYNAMO_FAULTS = ['unprocessed', 'throttle', 'ambiguous'] as const;

export interface DynamoFault {
  operation: DynamoOperation;
  nth: number;
  kind: (typeof DYNAMO_FAULTS)[number];
}

type Command = Parameters<DynamoDBDocumentClient['send']>[0];

export class FlakyDocumentClient {
  injected = 0;
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly inner: DynamoDBDocumentClient,
    private readonly faults: readonly DynamoFault[],
    /** Throws once the simulated process has died. */
    private readonly alive: () => void = () => {},
  ) {}

  /** This object where the state adapter wants a document client. */
  asClient(): DynamoDBDocumentClient {
    return this as unknown as DynamoDBDocumentClient;
  }

  async send(command: Command): Promise<unknown> {
    this.alive();
    const operation = DYNAMO_OPERATIONS.find((op) => command instanceof COMMANDS[op]);
    const nth = this.calls.get(String(operation)) ?? 0;
    this.calls.set(String(operation), nth + 1);
    const fault = this.faults.find((f) => f.operation === operation && f.nth === nth);
    if (fault) this.injected++;
    switch (fault?.kind) {
      case undefined:
        return this.inner.send(command);
      case 'throttle':
        throw throttling();
      case 'ambiguous':
        await this.inner.send(command);
        throw lostAnswer();
      case 'unprocessed':
        if (command instanceof BatchGetCommand) return this.halfBatchGet(command);
        if (command instanceof BatchWriteCommand) return this.halfBatchWrite(command);
        throw throttling();
    }
  }

  private async halfBatchGet(command: BatchGetCommand) {
    const [table, request] = Object.entries(command.input.RequestItems ?? {})[0] ?? [];
    if (table === undefined || request === undefined) return this.inner.send(command);
    const keys = request.Keys ?? [];
    const done = keys.slice(0, Math.floor(keys.length / 2));
    const result =
      done.length > 0
        ? await this.inner.send(
            new BatchGetCommand({ RequestItems: { [table]: { ...request, Keys: done } } }),
          )
        : { Responses: { [table]: [] } };
    return {
      ...result,
      UnprocessedKeys: { [table]: { ...request, Keys: keys.slice(done.length) } },
    };
  }

  private async halfBatchWrite(command: BatchWriteCommand) {
    const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0] ?? [];
    if (table === undefined || requests === undefined) return this.inner.send(command);
    const done = requests.slice(0, Math.floor(requests.length / 2));
    if (done.length > 0) await this.inner.send(new BatchWriteCommand({ RequestItems: { [table]: done } }));
    return { UnprocessedItems: { [table]: requests.slice(done.length) } };
  }
}
