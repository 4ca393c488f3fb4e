// The dispatcher's tick: every connection (the stack's own and the stored ones), grouped into poll requests
// (connections covering a company in common travel together), each put on the poll queue as one message. The
// pollers take them from there, a few at a time: no connection waits for another's poll.
import { type ConnectionScope, connectionFromRecord, pollRequests } from '../domain/connection.js';
import type { ConnectionStore, Log, PollQueue } from './ports.js';

export interface DispatchDeps {
  store: Pick<ConnectionStore, 'list'>;
  queue: PollQueue;
  /** The stack's own connection (its single-key settings), polled like the stored ones: what it covers. */
  stackConnection: ConnectionScope;
  log: Log;
}

export interface DispatchReport {
  connections: number;
  requests: number;
  /** Stored records that do not fit the contract: not polled, named in the log. */
  malformedConnections: number;
}

/** SQS did not take some poll requests: those connections are not polled this tick (the next tick asks again). */
export class DispatchError extends Error {
  override readonly name = 'DispatchError';
}

/** @throws DispatchError after sending every request it could, when the queue refused some */
export async function dispatch(deps: DispatchDeps): Promise<DispatchReport> {
  const { connections, malformed } = await deps.store.list();
  for (const record of malformed) {
    deps.log.warn('A stored connection is malformed: not polled (connections verify names it)', record);
  }
  const stored = connections
    .filter((record) => {
      // The stack's own connection goes by the stack's name: a record so named (added before) would shadow it.
      if (record.name !== deps.stackConnection.name) return true;
      deps.log.warn("A stored connection has the stack's own connection's name: not polled", {
        name: record.name,
      });
      return false;
    })
    .map(connectionFromRecord);
  const all = [deps.stackConnection, ...stored];
  const requests = pollRequests(all);
  const refused = await deps.queue.send(requests);
  if (refused.length > 0) {
    const names = refused.flatMap((request) => request.connections);
    throw new DispatchError(
      `The poll queue did not take ${refused.length} of ${requests.length} poll requests: ${names.join(', ')} not polled this tick`,
    );
  }
  return { connections: all.length, requests: requests.length, malformedConnections: malformed.length };
}
