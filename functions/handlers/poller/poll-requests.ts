// The poll queue's messages as the poller takes them (Powertools' batch processor): each names connections that
// cover a company in common, polled in turn; a message whose poll failed is reported on its own (a partial batch
// response), so SQS gives it again, and after that to the poll queue's dead-letter queue, while the others go on.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { PleoCredentialsError } from '../../app/errors.js';
import type { Invocation } from '../../app/poll.js';
import type { ConnectionStore, Log } from '../../app/ports.js';
import { pollRequestSchema } from '../../contracts/connection.js';
import { type Connection, connectionFromRecord } from '../../domain/connection.js';
import type { createPoller, PollOutcome } from './compose.js';

export interface PollRequestDeps {
  poller: Pick<ReturnType<typeof createPoller>, 'pollConnection' | 'stackConnection'>;
  store: Pick<ConnectionStore, 'get'>;
  log: Log;
  /** Each poll's outcome, or its error, as it ends (metrics). */
  onPolled: (result: { outcome: PollOutcome } | { connection: string; error: unknown }) => void;
}

export function pollRequestHandler(deps: PollRequestDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  /** `invocation` is asked before each poll: the time left shrinks as the connections of a request go by. */
  return (event: SQSEvent, invocation: () => Invocation) =>
    processPartialResponse(event, (record: SQSRecord) => pollRecord(deps, record, invocation), processor, {
      processInParallel: false,
    });
}

/**
 * Polls each connection the message names. A key Pleo refuses is reported by the poll itself (one alerter problem
 * message, once): asking again in a few minutes changes nothing, so it fails no message. Any other failure fails
 * the message after the other connections in it were polled.
 */
async function pollRecord(deps: PollRequestDeps, record: SQSRecord, invocation: () => Invocation) {
  const request = pollRequestSchema.parse(JSON.parse(record.body));
  let failure: unknown;
  for (const name of request.connections) {
    const connection = await connectionNamed(deps, name);
    if (!connection) {
      deps.log.info('Not polled: no such connection any more (removed since the tick)', { connection: name });
      continue;
    }
    try {
      deps.onPolled({ outcome: await deps.poller.pollConnection(connection, invocation()) });
    } catch (error) {
      deps.onPolled({ connection: name, error });
      if (!(error instanceof PleoCredentialsError)) failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

async function connectionNamed(deps: PollRequestDeps, name: string): Promise<Connection | undefined> {
  if (name === deps.poller.stackConnection.name) return deps.poller.stackConnection;
  const record = await deps.store.get(name);
  return record && connectionFromRecord(record);
}
