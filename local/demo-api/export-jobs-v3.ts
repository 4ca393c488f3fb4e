// The demo's POST /v3/export-jobs (export-api.v3-subset.openapi.yaml): a new export job for given accounting
// entries, as a retry creates one. One job per company at a time (409 EXPORT_ALREADY_IN_PROGRESS), none for a
// company whose contra accounts are missing (400 MISSING_CONTRA_ACCOUNTS); a created job completes some demo time
// later.
import type { DemoStore } from './store.js';

export const CREATE_JOB_PATH = '/v3/export-jobs';
/** How long a created job runs, in demo time, before it completes. */
export const CREATED_JOB_RUNS_MS = 30 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The jobs this API created, still running, by store. */
const running = new WeakMap<DemoStore, Set<string>>();

/** `scope`: the one company the key answers for (undefined: an organisation key); another company gets 403. */
export function createExportJob(
  store: DemoStore,
  body: string,
  scope?: string,
): { status: number; value: unknown } {
  const error = (status: number, type: string, message: string) => ({ status, value: { type, message } });
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return error(400, 'INVALID_REQUEST', 'The body is not JSON.');
  }
  const { companyId, accountingEntryIds, isInteractive } = (request ?? {}) as Record<string, unknown>;
  if (typeof companyId !== 'string' || !UUID.test(companyId)) {
    return error(400, 'INVALID_REQUEST', 'companyId must be a UUID.');
  }
  if (
    !Array.isArray(accountingEntryIds) ||
    accountingEntryIds.length === 0 ||
    !accountingEntryIds.every((id) => typeof id === 'string' && UUID.test(id))
  ) {
    return error(400, 'INVALID_REQUEST', 'accountingEntryIds must be a non-empty list of UUIDs.');
  }
  if (scope !== undefined && scope !== companyId.toLowerCase()) {
    return error(403, 'FORBIDDEN', 'The credentials are not valid for this company.');
  }
  if (store.missesContraAccounts(companyId.toLowerCase())) {
    return error(
      400,
      'MISSING_CONTRA_ACCOUNTS',
      'Contra accounts are not mapped for this company: map them in the Accounting settings.',
    );
  }
  const busy = store
    .listJobs({ companyId: companyId.toLowerCase() })
    .some((job) => job.status === 'pending' || job.status === 'in_progress');
  if (busy) {
    return error(409, 'EXPORT_ALREADY_IN_PROGRESS', 'An export job is already running for this company.');
  }
  const job = store.addJob({
    companyId: companyId.toLowerCase(),
    status: 'pending',
    numberOfItems: accountingEntryIds.length,
    isInteractive: isInteractive !== false,
  });
  const jobs = running.get(store) ?? new Set<string>();
  jobs.add(job.id);
  running.set(store, jobs);
  return { status: 201, value: { data: job } };
}

/** Completes the created jobs whose run is over, by the store's time. */
export function finishCreatedJobs(store: DemoStore): void {
  const now = store.now();
  for (const id of running.get(store) ?? []) {
    const job = store.getJob(id);
    if (job === undefined || Date.parse(job.createdAt) + CREATED_JOB_RUNS_MS <= now.getTime()) {
      if (job) store.setJobStatus(id, 'completed');
      running.get(store)?.delete(id);
    }
  }
}
