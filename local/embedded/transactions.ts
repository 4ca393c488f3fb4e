// TransactWriteItems for the embedded DynamoDB: dynalite has none, and the poller fences every write with a
// condition on the lease in the same transaction. A front server takes writes one at a time (so no write lands
// between a transaction's checks and its writes) and hands everything but transactions to dynalite unchanged. A
// transaction is DynamoDB's: validated whole first, every condition checked before anything is written, all or
// nothing (undone if a write fails), TransactionCanceledException with one CancellationReason per action,
// ClientRequestToken idempotent. Its reads and writes go to dynalite's own handler in-process, not over HTTP.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import dynaliteDb from 'dynalite/db/index.js';
import deleteItemRules from 'dynalite/validations/deleteItem.js';
import validations from 'dynalite/validations/index.js';
import putItemRules from 'dynalite/validations/putItem.js';
import updateItemRules from 'dynalite/validations/updateItem.js';

const TARGET_PREFIX = 'DynamoDB_20120810.';
/** Operations that write: these wait for each other and for transactions. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const MAX_ACTIONS = 100;
const MAX_ITEM_BYTES = 400 * 1024;
/** How long DynamoDB remembers a ClientRequestToken. */
const TOKEN_MS = 10 * 60_000;

type Item = Record<string, unknown>;
type Kind = 'ConditionCheck' | 'Put' | 'Update' | 'Delete';
const RULES: Record<Kind, { types: unknown; custom?: unknown }> = {
  ConditionCheck: deleteItemRules,
  Put: putItemRules,
  Update: updateItemRules,
  Delete: deleteItemRules,
};
const SINGLE_ITEM_TARGET: Record<Exclude<Kind, 'ConditionCheck'>, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
};

interface Action {
  kind: Kind;
  params: Item & { TableName: string };
  key: Item;
  /** The params as dynalite's validation leaves them, with the parsed condition. */
  checked: Item;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Item = {},
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves dynalite (its request handler `handle`) with TransactWriteItems added. */
export function withTransactions(handle: Handler) {
  const tokens = new Map<string, { hash: string; at: number }>();
  const keySchemas = new Map<string, string[]>();
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = (work: () => Promise<unknown>) => {
    queue = queue.then(work, work).catch(() => {});
  };

  const call = async (target: string, body: Item): Promise<Item> => {
    const { status, answer } = await inProcess(handle, target, body);
    if (status !== 200) {
      const type = String(answer.__type ?? 'InternalServerError');
      throw new AwsError(type.split('#').pop() ?? type, String(answer.message ?? answer.Message ?? ''));
    }
    return answer;
  };

  const keyOf = async (params: Item & { TableName: string }, kind: Kind): Promise<Item> => {
    if (kind !== 'Put') return (params.Key ?? {}) as Item;
    let names = keySchemas.get(params.TableName);
    if (!names) {
      const { Table } = (await call('DescribeTable', { TableName: params.TableName })) as {
        Table: { KeySchema: Array<{ AttributeName: string }> };
      };
      names = Table.KeySchema.map((key) => key.AttributeName);
      keySchemas.set(params.TableName, names);
    }
    const item = (params.Item ?? {}) as Item;
    return Object.fromEntries(names.map((name) => [name, item[name]]));
  };

  const transact = async (body: Item): Promise<Item> => {
    const token = typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : undefined;
    const hash = createHash('sha256').update(JSON.stringify(body.TransactItems)).digest('hex');
    const now = Date.now();
    for (const [old, { at }] of tokens) if (now - at > TOKEN_MS) tokens.delete(old);
    const seen = token === undefined ? undefined : tokens.get(token);
    if (seen) {
      if (seen.hash !== hash) {
        throw new AwsError(
          'IdempotentParameterMismatchException',
          'The request uses the same client token as a previous, but non-identical request.',
        );
      }
      return {};
    }
    const actions = await parse(body.TransactItems, keyOf);
    const before = await Promise.all(
      actions.map(async ({ params, key }) => {
        const { Item: item } = await call('GetItem', {
          TableName: params.TableName,
          Key: key,
          ConsistentRead: true,
        });
        return item as Item | undefined;
      }),
    );
    const reasons = actions.map((action, i) => {
      if (dynaliteDb.checkConditional(action.checked, before[i]) == null) return { Code: 'None' };
      const old = before[i];
      return {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(action.params.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: old } : {}),
      };
    });
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new AwsError(
        'TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        { CancellationReasons: reasons },
      );
    }
    const done: number[] = [];
    try {
      for (const [i, { kind, params }] of actions.entries()) {
        if (kind === 'ConditionCheck') continue;
        const { ReturnValuesOnConditionCheckFailure: _, ...single } = params;
        await call(SINGLE_ITEM_TARGET[kind], single);
        done.push(i);
      }
    } catch (error) {
      // Undone newest first, back to the items as they were: nothing of the transaction stays.
      for (const i of done.reverse()) {
        const { params, key } = actions[i] as Action;
        const old = before[i];
        await (old
          ? call('PutItem', { TableName: params.TableName, Item: old })
          : call('DeleteItem', { TableName: params.TableName, Key: key }));
      }
      throw error;
    }
    if (token !== undefined) tokens.set(token, { hash, at: now });
    return {};
  };

  return createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);
    if (!WRITES.has(operation)) {
      handle(req, res);
      return;
    }
    if (operation !== 'TransactWriteItems') {
      inTurn(
        () =>
          new Promise<void>((resolve) => {
            res.once('finish', resolve);
            res.once('close', resolve);
            handle(req, res);
          }),
      );
      return;
    }
    inTurn(async () => {
      let status = 200;
      let answer: Item;
      try {
        answer = await transact(JSON.parse(await readBody(req)) as Item);
      } catch (error) {
        status = 400;
        answer =
          error instanceof AwsError
            ? {
                __type: `com.amazonaws.dynamodb.v20120810#${error.type}`,
                message: error.message,
                ...error.extra,
              }
            : { __type: 'com.amazon.coral.service#SerializationException', message: String(error) };
      }
      const body = JSON.stringify(answer);
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
}

/** Every action validated as its single-item operation would be, before anything is read or written. */
async function parse(
  transactItems: unknown,
  keyOf: (params: Item & { TableName: string }, kind: Kind) => Promise<Item>,
): Promise<Action[]> {
  if (!Array.isArray(transactItems) || transactItems.length === 0 || transactItems.length > MAX_ACTIONS) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS} and greater than or equal to 1`,
    );
  }
  const actions: Action[] = [];
  const targets = new Set<string>();
  for (const entry of transactItems as Item[]) {
    const kinds = (Object.keys(entry) as Kind[]).filter((kind) => kind in RULES && entry[kind] != null);
    const [kind] = kinds;
    if (kind === undefined || kinds.length > 1) {
      throw new AwsError(
        'ValidationException',
        'TransactItems can only contain one of Check, Put, Update or Delete',
      );
    }
    const params = entry[kind] as Item & { TableName: string };
    if (kind === 'ConditionCheck' && typeof params.ConditionExpression !== 'string') {
      throw new AwsError('ValidationException', 'ConditionCheck requires a ConditionExpression');
    }
    const rules = RULES[kind];
    let checked: Item;
    try {
      checked = validations.checkTypes(structuredClone(params), rules.types);
      validations.checkValidations(checked, rules.types, rules.custom, {
        options: { maxItemSize: MAX_ITEM_BYTES },
      });
    } catch (error) {
      const { body } = error as { body?: { message?: string } };
      throw new AwsError('ValidationException', body?.message ?? String(error));
    }
    const key = await keyOf(params, kind);
    const target = JSON.stringify([params.TableName, key]);
    if (targets.has(target)) {
      throw new AwsError(
        'ValidationException',
        'Transaction request cannot include multiple operations on one item',
      );
    }
    targets.add(target);
    actions.push({ kind, params, key, checked });
  }
  return actions;
}

/** One request to dynalite's handler, without a socket: a readable body in, the JSON it answers out. */
function inProcess(handle: Handler, target: string, body: Item): Promise<{ status: number; answer: Item }> {
  return new Promise((resolve) => {
    const req = Object.assign(Readable.from([Buffer.from(JSON.stringify(body))]), {
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}${target}`,
        'x-amz-date': '20260101T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
    });
    const res = {
      statusCode: 200,
      setHeader: () => {},
      end: (text: string) => resolve({ status: res.statusCode, answer: JSON.parse(text) as Item }),
    };
    handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
