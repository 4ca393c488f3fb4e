// Connections: one Pleo key each and the companies it covers. Added only once Pleo has vouched for the key, listed,
// verified, removed, without a redeploy: the one code path the CLI takes. The key itself goes to the vault and is
// never part of a record, a message or an error.
import * as z from 'zod/mini';
import '../shared/zod-english.js';
import {
  type ConnectionCredential,
  type ConnectionRecord,
  connectionKeySchema,
  connectionNameSchema,
  storedCredential,
} from '../contracts/connection.js';
import { ConnectionRequestError, PleoCredentialsError, PleoRequestError } from './errors.js';
import type { ConnectionStore, CredentialVault, PleoExports } from './ports.js';

export interface ConnectionDeps {
  store: ConnectionStore;
  vault: CredentialVault;
  /** Pleo, asked with one credential. */
  pleo: (credential: ConnectionCredential) => Pick<PleoExports, 'listJobs'>;
  /** The parameter that keeps a connection's key. */
  parameterName: (connection: string) => string;
  /** The stack's own connection's name (its single-key settings): no stored connection may take it. */
  stackConnectionName: string;
  /** Messages a connection's polls wrote down and have not delivered yet (its outbox). */
  undelivered: (connection: string) => Promise<number>;
  now: () => Date;
}

export interface AddConnectionRequest {
  name: string;
  /** The company the key is for; none for an organisation key. */
  companyId?: string | undefined;
  /** For an organisation key: the companies to poll one by one. */
  companies?: Array<{ id: string; name?: string | undefined }> | undefined;
  /** When the key expires (YYYY-MM-DD), as chosen in Pleo when it was created. */
  expiresOn?: string | undefined;
  /** The key as typed or piped in; a bearer token when `bearer`. */
  key: string;
  bearer?: boolean | undefined;
}

/** What Pleo said of a key, in one line. */
export interface KeyFinding {
  ok: boolean;
  detail: string;
}

/** A connection's state as `verify` found it. */
export interface ConnectionCheck extends KeyFinding {
  name: string;
}

/** Days before a stored expiry date from which `verify` says it is near. */
const EXPIRY_NOTICE_DAYS = 30;
const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDate = z.iso.date();

/**
 * Adds a connection: the request checked whole, then Pleo asked once whether the key lists export jobs for the
 * company, and only then the key written to the vault and the record stored.
 * @throws ConnectionRequestError naming what is wrong (malformed key, unknown company, name taken, key refused or
 * for another company); nothing is stored then
 */
export async function addConnection(
  deps: ConnectionDeps,
  request: AddConnectionRequest,
): Promise<{ connection: ConnectionRecord; found: string }> {
  const name = checkedName(request.name);
  const target = checkedCompanies(request);
  const expiresOn = checkedExpiry(request.expiresOn, deps.now());
  const key = z.safeParse(connectionKeySchema, request.key);
  if (!key.success) throw new ConnectionRequestError(`the key is malformed: ${key.error.issues[0]?.message}`);
  const credential: ConnectionCredential = request.bearer
    ? { kind: 'bearer', token: key.data }
    : { kind: 'apiKey', apiKey: key.data };
  if (name === deps.stackConnectionName)
    throw new ConnectionRequestError(
      `"${name}" is the stack's own connection (its single-key settings): pick another name`,
    );
  if (await deps.store.get(name)) throw taken(name);

  const finding = await checkKey(deps.pleo(credential), target);
  if (!finding.ok) throw new ConnectionRequestError(finding.detail);

  const parameter = deps.parameterName(name);
  await deps.vault.put(parameter, storedCredential.encode(credential));
  const connection: ConnectionRecord = {
    name,
    ...(target.companyId !== undefined && { companyId: target.companyId }),
    ...(target.companies !== undefined && { companies: target.companies }),
    credential: { kind: 'parameter', name: parameter },
    ...(expiresOn !== undefined && { expiresOn }),
    addedAt: deps.now().toISOString(),
  };
  // Another add of the same name got in since the check (its key may be the one just written: verify tells).
  if (!(await deps.store.add(connection))) throw taken(name);
  return { connection, found: finding.detail };
}

/** Every stored connection, by name; the records that do not fit the contract are named apart. */
export async function listConnections(deps: Pick<ConnectionDeps, 'store'>) {
  const listing = await deps.store.list();
  return { ...listing, connections: listing.connections.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Asks Pleo about every stored connection's key, each in turn; each is found fine or not in one line. */
export async function verifyConnections(deps: ConnectionDeps): Promise<ConnectionCheck[]> {
  const { connections, malformed } = await listConnections(deps);
  const checks: ConnectionCheck[] = malformed.map((record) => ({
    name: record.name,
    ok: false,
    detail: `its record is malformed (${record.problem}): remove it and add it again`,
  }));
  for (const connection of connections) {
    checks.push({ name: connection.name, ...(await verifyOne(deps, connection)) });
  }
  return checks.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Removes a connection: its record first, so that no poll is started for it any more, then its key. Refused while
 * its outbox holds messages, which only its own polls deliver.
 * @throws ConnectionRequestError when there is no such connection, or it has messages waiting
 */
export async function removeConnection(
  deps: Pick<ConnectionDeps, 'store' | 'vault' | 'undelivered'>,
  name: string,
): Promise<ConnectionRecord> {
  const connection = await deps.store.get(name.trim());
  if (!connection)
    throw new ConnectionRequestError(`no connection named "${name}" (connections list shows them)`);
  // Only its own polls deliver what they wrote down: removed now, those messages would never go out.
  const waiting = await deps.undelivered(connection.name);
  if (waiting > 0) {
    throw new ConnectionRequestError(
      `${connection.name} has ${waiting} message${waiting === 1 ? '' : 's'} waiting to go out: its next poll delivers ${waiting === 1 ? 'it' : 'them'}, remove it after that (status shows the outbox)`,
    );
  }
  const removed = await deps.store.remove(connection.name);
  if (!removed)
    throw new ConnectionRequestError(`no connection named "${name}" (connections list shows them)`);
  if (removed.credential.kind === 'parameter') await deps.vault.remove(removed.credential.name);
  return removed;
}

async function verifyOne(deps: ConnectionDeps, connection: ConnectionRecord): Promise<KeyFinding> {
  if (connection.credential.kind !== 'parameter')
    return { ok: true, detail: "its key is the stack's secret: check verifies it" };
  const parameter = connection.credential.name;
  const value = await deps.vault.read(parameter);
  if (value === undefined) return { ok: false, detail: `its key's parameter ${parameter} is missing` };
  const credential = storedCredential.decode(value);
  if (!credential) return { ok: false, detail: `its key's parameter ${parameter} holds no key` };
  const expiry = expiryOf(connection.expiresOn, deps.now());
  if (expiry?.expired) return { ok: false, detail: expiry.text };
  const finding = await checkKey(deps.pleo(credential), connection);
  return expiry ? { ...finding, detail: `${finding.detail}; ${expiry.text}` } : finding;
}

type Target = Pick<ConnectionRecord, 'companyId' | 'companies'>;

/**
 * Asks Pleo with the key: one page of the company's export jobs (or the organisation's, or each listed company's).
 * Only when Pleo refuses it for the company, once more without the company, to tell "another company" from "no
 * scope" by what the key lists instead.
 */
async function checkKey(pleo: Pick<PleoExports, 'listJobs'>, target: Target): Promise<KeyFinding> {
  if (target.companyId !== undefined) return checkCompany(pleo, target.companyId);
  if (target.companies?.length) {
    for (const company of target.companies) {
      const finding = await checkCompany(pleo, company.id);
      if (!finding.ok) return { ok: false, detail: `${company.name ?? company.id}: ${finding.detail}` };
    }
    return {
      ok: true,
      detail: `the key is valid and lists export jobs (export-jobs:read) for ${target.companies.length} companies`,
    };
  }
  try {
    const seen = await companiesListed(pleo, undefined);
    return {
      ok: true,
      detail: `the key is valid and lists the organisation's export jobs (export-jobs:read)${seen.length > 0 ? `, companies ${seen.join(', ')}` : ''}`,
    };
  } catch (error) {
    return refused(error, undefined);
  }
}

async function checkCompany(pleo: Pick<PleoExports, 'listJobs'>, companyId: string): Promise<KeyFinding> {
  try {
    const other = (await companiesListed(pleo, companyId)).find((seen) => seen !== companyId);
    if (other !== undefined) return forAnother(companyId, other);
    return {
      ok: true,
      detail: `the key is valid and lists export jobs (export-jobs:read) for company ${companyId}`,
    };
  } catch (error) {
    if (!(error instanceof PleoCredentialsError) || error.status !== 403) return refused(error, companyId);
  }
  try {
    const other = (await companiesListed(pleo, undefined)).find((seen) => seen !== companyId);
    return forAnother(companyId, other);
  } catch (error) {
    return refused(error, undefined);
  }
}

/** The companies of the jobs on the first page of a listing (any status: a company's failed jobs may be none). */
async function companiesListed(
  pleo: Pick<PleoExports, 'listJobs'>,
  companyId: string | undefined,
): Promise<string[]> {
  for await (const page of pleo.listJobs({ statuses: [], companyId, since: new Date(0) })) {
    return [...new Set(page.jobs.map((job) => job.companyId.toLowerCase()))];
  }
  return [];
}

function forAnother(companyId: string, other: string | undefined): KeyFinding {
  return {
    ok: false,
    detail: `the key is for ${other === undefined ? 'another company' : `company ${other}`}, not ${companyId}: Pleo keys are made per company`,
  };
}

/** What Pleo's refusal means for the key; an answer that says nothing of the key (Pleo down) is thrown on. */
function refused(error: unknown, companyId: string | undefined): KeyFinding {
  if (error instanceof PleoCredentialsError) {
    return {
      ok: false,
      detail:
        error.status === 401
          ? 'Pleo refused the key (401): it is wrong, revoked or expired'
          : 'the key lacks the scope export-jobs:read (Pleo answered 403)',
    };
  }
  if (
    error instanceof PleoRequestError &&
    companyId !== undefined &&
    [400, 404].includes(error.status ?? 0)
  ) {
    return { ok: false, detail: `unknown company ${companyId}: Pleo answered ${error.status}` };
  }
  throw error;
}

function checkedName(given: string): string {
  const name = given.trim();
  if (!z.safeParse(connectionNameSchema, name).success) {
    throw new ConnectionRequestError(
      `the name "${name}" may hold only letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  }
  return name;
}

function checkedCompanies(request: AddConnectionRequest): Target {
  if (request.companyId !== undefined && request.companies !== undefined)
    throw new ConnectionRequestError(
      'give --company for a company key, or --companies for an organisation key, not both',
    );
  if (request.companyId !== undefined) return { companyId: checkedCompanyId(request.companyId) };
  if (request.companies === undefined) return {};
  return {
    companies: request.companies.map((company) => ({ ...company, id: checkedCompanyId(company.id) })),
  };
}

function checkedCompanyId(given: string): string {
  const id = given.trim();
  if (!UUID.test(id))
    throw new ConnectionRequestError(`unknown company "${id}": give the company's Pleo id, a UUID`);
  return id.toLowerCase();
}

function checkedExpiry(given: string | undefined, now: Date): string | undefined {
  if (given === undefined) return undefined;
  const date = given.trim();
  if (!z.safeParse(isoDate, date).success)
    throw new ConnectionRequestError(`the expiry date "${date}" is not a date as YYYY-MM-DD`);
  const expiry = expiryOf(date, now);
  if (expiry?.expired)
    throw new ConnectionRequestError(`the key expired on ${date}: create a new one in Pleo`);
  return date;
}

/** A stored expiry date against today: past (the key no longer works from that day on), near, or far. */
function expiryOf(expiresOn: string | undefined, now: Date): { expired: boolean; text: string } | undefined {
  if (expiresOn === undefined) return undefined;
  const days = Math.ceil((Date.parse(`${expiresOn}T00:00:00Z`) - now.getTime()) / DAY_MS);
  if (days <= 0) return { expired: true, text: `its key expired on ${expiresOn}` };
  if (days <= EXPIRY_NOTICE_DAYS)
    return { expired: false, text: `it expires in ${days} day${days === 1 ? '' : 's'} (${expiresOn})` };
  return undefined;
}

function taken(name: string): ConnectionRequestError {
  return new ConnectionRequestError(
    `a connection named "${name}" exists already: remove it first, or pick another name`,
  );
}
