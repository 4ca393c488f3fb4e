// A connection as the poll uses it: one Pleo credential, the companies it covers, where its key is read from, when
// the key expires. Built from a stored record (the CLI's), an entry of PLEO_CONNECTIONS, or the stack's own
// single-key settings; and the grouping of connections into poll requests.
import type { ConnectionEnvEntry, ConnectionRecord, PollRequest } from '../contracts/connection.js';

/** Where a connection's key comes from: given as it is, or read from Secrets Manager or Parameter Store. */
export type CredentialSource =
  | { kind: 'apiKey'; apiKey: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'secret'; secretArn: string }
  | { kind: 'parameter'; name: string };

export interface ConnectionCompany {
  id: string;
  name?: string | undefined;
}

export interface Connection {
  name: string;
  /**
   * The stack's own connection, from its single-key settings: its state keeps the partitions the single-key alerter
   * wrote (LEASE, OUTBOX, …), so a deployment upgraded to connections loses nothing and alerts nothing again.
   */
  stack: boolean;
  /** The company the key answers for; absent for an organisation key. */
  companyId?: string | undefined;
  /** The companies polled one by one, with their names when known (an organisation key's, or the company's name). */
  companies: readonly ConnectionCompany[];
  credential: CredentialSource;
  /** When the key expires (an ISO 8601 date), when known. */
  expiresOn?: string | undefined;
  routing?: { channel?: string | undefined; team?: string | undefined } | undefined;
}

/** What a connection covers: all the grouping into poll requests looks at (the dispatcher knows no more of the stack's own). */
export type ConnectionScope = Pick<Connection, 'name' | 'companyId' | 'companies'>;

/** The companies a poll of this connection lists one by one (none: organisation-wide). */
export function polledCompanies(
  connection: Pick<Connection, 'companyId' | 'companies'>,
): ConnectionCompany[] {
  const { companyId, companies } = connection;
  if (companyId === undefined) return [...companies];
  return [{ id: companyId, name: companies.find((c) => c.id === companyId)?.name }];
}

/** Companies named in a connection's description at most; the rest are counted. */
const COMPANIES_NAMED = 3;

/** How a connection is named in messages: `connection acme for Acme ApS`, its name and the companies it covers. */
export function describeConnection(connection: Pick<Connection, 'name' | 'companyId' | 'companies'>): string {
  const companies = polledCompanies(connection).map((c) => c.name ?? `company ${c.id.slice(0, 8)}`);
  const named = companies.slice(0, COMPANIES_NAMED);
  const more = companies.length - named.length;
  const covers =
    companies.length === 0
      ? 'the whole organisation'
      : `${named.join(', ')}${more > 0 ? ` and ${more} more ${more === 1 ? 'company' : 'companies'}` : ''}`;
  return `connection ${connection.name} for ${covers}`;
}

export function connectionFromRecord(record: ConnectionRecord): Connection {
  const { credential } = record;
  return {
    name: record.name,
    stack: false,
    companyId: record.companyId,
    companies: record.companies ?? [],
    credential:
      credential.kind === 'parameter'
        ? { kind: 'parameter', name: credential.name }
        : { kind: 'secret', secretArn: credential.arn },
    expiresOn: record.expiresOn,
    routing: record.routing,
  };
}

/** An entry of PLEO_CONNECTIONS, checked to have exactly one credential (see `connectionEnvEntrySchema`). */
export function connectionFromEnvEntry(entry: ConnectionEnvEntry): Connection {
  const { apiKey, apiToken, parameter, secretArn } = entry;
  const credential: CredentialSource | undefined = apiKey
    ? { kind: 'apiKey', apiKey }
    : apiToken
      ? { kind: 'bearer', token: apiToken }
      : parameter
        ? { kind: 'parameter', name: parameter }
        : secretArn
          ? { kind: 'secret', secretArn }
          : undefined;
  if (!credential) throw new Error(`connection "${entry.name}" has no credential`);
  return {
    name: entry.name,
    stack: false,
    companyId: entry.companyId,
    companies: entry.companies ?? [],
    credential,
    expiresOn: entry.expiresOn,
    routing: entry.routing,
  };
}

/**
 * The poll requests for these connections: connections that cover a company in common go in one request, polled in
 * turn, so that two of them never alert one company's job at the same time (each job is recorded once, shared by
 * all connections: the second finds it alerted). Organisation-wide connections (no company given) share one key,
 * `*`, as the only overlap known of them. In the order the connections come, each request in its first one's place.
 */
export function pollRequests(connections: readonly ConnectionScope[]): PollRequest[] {
  const requests: Array<{ covers: Set<string>; names: string[] }> = [];
  for (const connection of connections) {
    const covers = coveredKeys(connection);
    const [first, ...others] = requests.filter((request) => covers.some((key) => request.covers.has(key)));
    const request = first ?? { covers: new Set<string>(), names: [] };
    if (!first) requests.push(request);
    for (const other of others) {
      for (const key of other.covers) request.covers.add(key);
      request.names.push(...other.names);
      requests.splice(requests.indexOf(other), 1);
    }
    for (const key of covers) request.covers.add(key);
    request.names.push(connection.name);
  }
  return requests.map(({ names }) => ({ connections: names }));
}

/** Whether two connections cover a company in common (organisation-wide ones: each other). */
export function shareCompanies(a: Connection, b: Connection): boolean {
  const covered = coveredKeys(b);
  return coveredKeys(a).some((key) => covered.includes(key));
}

function coveredKeys(connection: ConnectionScope): string[] {
  const ids = polledCompanies(connection).map((c) => c.id.toLowerCase());
  return ids.length === 0 ? ['*'] : ids;
}
