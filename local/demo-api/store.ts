// In-memory Pleo data behind the demo Export API: companies, export jobs and their items, indexed by id and company.
import { uuidFromText } from './rng.js';
import type {
  ExportJob,
  ExportJobItem,
  ExportJobItemStatus,
  ExportJobStatus,
  ItemFailureReasonType,
  JobFailureReasonType,
} from './types.js';

export interface Company {
  id: string;
  name: string;
}

/**
 * A run of consecutive items that share status and failure. Items are kept as runs and materialised on request,
 * so a data set of 100,000 jobs holds a few small objects per job instead of thousands of items.
 */
export interface ItemGroup {
  status: ExportJobItemStatus;
  count: number;
  failureReasonType?: ItemFailureReasonType | null;
  failureReason?: string | null;
}

/** A job to add: companyId and status are required, every other field has a default. */
export type JobInput = Pick<ExportJob, 'companyId' | 'status'> &
  Partial<Omit<ExportJob, 'companyId' | 'status'>> & {
    /** The job's items; when left out they are derived from the status (see `defaultItems`). */
    items?: ItemGroup[];
  };

export interface StatusChange {
  /** When the change happened (ISO 8601, Z); defaults to the store clock. */
  at?: string;
  failureReasonType?: JobFailureReasonType | null;
  failureReason?: string | null;
  /** The job's items after the change; when left out they are derived from the new status. */
  items?: ItemGroup[];
}

/** `id` is the fixed, non-chronological order of a server that ignores the requested sorting. */
export type JobOrder = 'createdAt:ASC' | 'createdAt:DESC' | 'id';

export interface JobQuery {
  companyId?: string;
  statuses?: readonly ExportJobStatus[];
  order?: JobOrder;
}

/** The position of a job in a listing: what a cursor encodes. */
export interface JobKey {
  createdAtMs: number;
  id: string;
}

interface JobRecord {
  job: ExportJob;
  createdAtMs: number;
  items: ItemGroup[];
}

const DEFAULT_EXPIRES_IN_SECONDS = 3600;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const TERMINAL: ReadonlySet<ExportJobStatus> = new Set(['failed', 'completed', 'completed_with_errors']);
const MAX_CACHED_VIEWS = 32;

export function compareJobKeys(order: JobOrder): (a: JobKey, b: JobKey) => number {
  const byId = (a: JobKey, b: JobKey): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (order === 'id') return byId;
  const sign = order === 'createdAt:ASC' ? 1 : -1;
  return (a, b) => sign * (a.createdAtMs - b.createdAtMs || byId(a, b));
}

export function jobKey(job: Pick<ExportJob, 'createdAt' | 'id'>): JobKey {
  return { createdAtMs: Date.parse(job.createdAt), id: job.id };
}

/** The items a job has when none are given: every item follows the job's status. */
export function defaultItems(status: ExportJobStatus, numberOfItems: number): ItemGroup[] {
  if (numberOfItems === 0) return [];
  switch (status) {
    case 'pending':
    case 'in_progress':
      return [{ status: 'pending', count: numberOfItems }];
    case 'completed':
      return [{ status: 'successful', count: numberOfItems }];
    case 'failed':
      return [{ status: 'abandoned', count: numberOfItems }];
    case 'completed_with_errors':
      return [
        {
          status: 'failed',
          count: 1,
          failureReasonType: 'unexpected_failure',
          failureReason: 'Unexpected error while exporting the expense',
        },
        ...(numberOfItems > 1 ? [{ status: 'successful' as const, count: numberOfItems - 1 }] : []),
      ];
  }
}

export class DemoStore {
  readonly #clock: () => Date;
  readonly #companies = new Map<string, Company>();
  readonly #jobs = new Map<string, JobRecord>();
  readonly #all: JobRecord[] = [];
  readonly #byCompany = new Map<string, JobRecord[]>();
  // Jobs are appended unsorted and sorted on the next read: inserting 100,000 jobs in order would be quadratic.
  readonly #unsorted = new Set<JobRecord[]>();
  readonly #views = new Map<string, readonly ExportJob[]>();
  #version = 0;
  #generatedIds = 0;

  constructor(options: { clock?: () => Date } = {}) {
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Increases on every change; listings cached under an older version are stale. */
  get version(): number {
    return this.#version;
  }

  get jobCount(): number {
    return this.#all.length;
  }

  readonly #missingContraAccounts = new Set<string>();

  /** Pleo refuses to create export jobs for the company from now on (400 MISSING_CONTRA_ACCOUNTS), or again accepts. */
  setMissingContraAccounts(companyId: string, missing = true): void {
    if (missing) this.#missingContraAccounts.add(companyId);
    else this.#missingContraAccounts.delete(companyId);
  }

  missesContraAccounts(companyId: string): boolean {
    return this.#missingContraAccounts.has(companyId);
  }

  /** The store's time: jobs are created, and run, by it. */
  now(): Date {
    return this.#clock();
  }

  addCompany(company: Company): Company {
    if (this.#companies.has(company.id)) throw new Error(`Company ${company.id} already exists`);
    const stored = { id: company.id, name: company.name };
    this.#companies.set(stored.id, stored);
    this.#byCompany.set(stored.id, []);
    return stored;
  }

  companies(): Company[] {
    return [...this.#companies.values()];
  }

  getCompany(id: string): Company | undefined {
    return this.#companies.get(id);
  }

  /** Adds a job and returns it as stored. Throws for an unknown company, a duplicate id or a non-UTC date. */
  addJob(input: JobInput): ExportJob {
    const { items: givenItems, ...fields } = input;
    const companyJobs = this.#byCompany.get(fields.companyId);
    if (!companyJobs) throw new Error(`Unknown company ${fields.companyId}: add it with addCompany first`);
    const id = fields.id ?? uuidFromText(`demo-store-job:${this.#generatedIds++}`);
    if (this.#jobs.has(id)) throw new Error(`Job ${id} already exists`);
    const numberOfItems = fields.numberOfItems ?? (givenItems ? countItems(givenItems) : 1);
    // A copy the store owns, sized exactly (a pushed-to array keeps spare capacity, per job).
    const items = givenItems ? givenItems.slice() : defaultItems(fields.status, numberOfItems);
    if (countItems(items) !== numberOfItems) {
      throw new Error(
        `Job ${id}: numberOfItems ${numberOfItems} differs from its ${countItems(items)} items`,
      );
    }
    const createdAt = fields.createdAt ?? this.#clock().toISOString();
    const expiresIn = fields.expiresIn ?? DEFAULT_EXPIRES_IN_SECONDS;
    const failureReasonType = fields.failureReasonType ?? null;
    const terminal = TERMINAL.has(fields.status);
    const expired = failureReasonType === 'job_expired';
    const startedAt =
      fields.startedAt !== undefined ? fields.startedAt : fields.status === 'pending' ? null : createdAt;
    const completedAt =
      fields.completedAt !== undefined ? fields.completedAt : terminal && !expired ? createdAt : null;
    const expiredAt =
      fields.expiredAt !== undefined
        ? fields.expiredAt
        : expired
          ? new Date(Date.parse(createdAt) + expiresIn * 1000).toISOString()
          : null;
    const job: ExportJob = {
      id,
      companyId: fields.companyId,
      status: fields.status,
      createdAt,
      createdBy: fields.createdBy ?? null,
      startedAt,
      lastUpdatedAt:
        fields.lastUpdatedAt !== undefined
          ? fields.lastUpdatedAt
          : (completedAt ?? expiredAt ?? startedAt ?? createdAt),
      completedAt,
      expiredAt,
      expiresIn,
      failureReason: fields.failureReason ?? null,
      failureReasonType,
      isInteractive: fields.isInteractive ?? true,
      numberOfItems,
      vendorBasedBookkeeping: fields.vendorBasedBookkeeping ?? false,
    };
    for (const date of [job.createdAt, job.startedAt, job.lastUpdatedAt, job.completedAt, job.expiredAt]) {
      assertUtcDate(date, id);
    }
    const record: JobRecord = { job, createdAtMs: Date.parse(createdAt), items };
    this.#jobs.set(id, record);
    this.#all.push(record);
    companyJobs.push(record);
    this.#unsorted.add(this.#all);
    this.#unsorted.add(companyJobs);
    this.#changed();
    return job;
  }

  /** Moves a job to another status, stamping the matching dates. Throws for an unknown job. */
  setJobStatus(jobId: string, status: ExportJobStatus, change: StatusChange = {}): ExportJob {
    const record = this.#jobs.get(jobId);
    if (!record) throw new Error(`Unknown job ${jobId}`);
    const at = change.at ?? this.#clock().toISOString();
    assertUtcDate(at, jobId);
    const job = record.job;
    job.status = status;
    job.lastUpdatedAt = at;
    job.failureReasonType = change.failureReasonType ?? null;
    job.failureReason = change.failureReason ?? null;
    if (status !== 'pending') job.startedAt ??= at;
    if (job.failureReasonType === 'job_expired') job.expiredAt = at;
    else if (TERMINAL.has(status)) job.completedAt = at;
    record.items = change.items ?? defaultItems(status, job.numberOfItems);
    job.numberOfItems = countItems(record.items);
    this.#changed();
    return job;
  }

  getJob(id: string): ExportJob | undefined {
    return this.#jobs.get(id)?.job;
  }

  /** The jobs matching the query in the requested order (default newest first). Cached until the next change. */
  listJobs(query: JobQuery = {}): readonly ExportJob[] {
    const order = query.order ?? 'createdAt:DESC';
    const statuses = query.statuses && query.statuses.length > 0 ? new Set(query.statuses) : undefined;
    const cacheKey = `${query.companyId ?? '*'}|${statuses ? [...statuses].sort().join(',') : '*'}|${order}`;
    const cached = this.#views.get(cacheKey);
    if (cached) return cached;

    const source = query.companyId === undefined ? this.#all : this.#byCompany.get(query.companyId);
    if (!source) return [];
    const view: ExportJob[] = [];
    for (const record of this.#sorted(source)) {
      if (!statuses || statuses.has(record.job.status)) view.push(record.job);
    }
    if (order === 'createdAt:DESC') view.reverse();
    else if (order === 'id') view.sort((a, b) => (a.id < b.id ? -1 : 1));

    if (this.#views.size >= MAX_CACHED_VIEWS) this.#views.clear();
    this.#views.set(cacheKey, view);
    return view;
  }

  /** The job's items, optionally only those with one status; undefined for an unknown job. */
  getItems(jobId: string, status?: ExportJobItemStatus): ExportJobItem[] | undefined {
    const record = this.#jobs.get(jobId);
    if (!record) return undefined;
    const items: ExportJobItem[] = [];
    let index = 0;
    for (const group of record.items) {
      if (status === undefined || group.status === status) {
        for (let i = 0; i < group.count; i++) items.push(materialiseItem(record.job, group, index + i));
      }
      index += group.count;
    }
    return items;
  }

  #sorted(records: JobRecord[]): JobRecord[] {
    if (this.#unsorted.delete(records)) {
      const compare = compareJobKeys('createdAt:ASC');
      records.sort((a, b) =>
        compare({ createdAtMs: a.createdAtMs, id: a.job.id }, { createdAtMs: b.createdAtMs, id: b.job.id }),
      );
    }
    return records;
  }

  #changed(): void {
    this.#version++;
    this.#views.clear();
  }
}

function countItems(items: readonly ItemGroup[]): number {
  return items.reduce((sum, group) => sum + group.count, 0);
}

function assertUtcDate(value: string | null, jobId: string): void {
  if (value !== null && (!ISO_UTC.test(value) || Number.isNaN(Date.parse(value)))) {
    throw new Error(`Job ${jobId}: date ${value} is not ISO 8601 in UTC (…Z)`);
  }
}

function materialiseItem(job: ExportJob, group: ItemGroup, index: number): ExportJobItem {
  const accountingEntryId = uuidFromText(`${job.id}:${index}`);
  const successful = group.status === 'successful';
  return {
    accountingEntryId,
    exportJobId: job.id,
    status: group.status,
    exportedAt: successful ? (job.completedAt ?? job.lastUpdatedAt) : null,
    // A voucher number as accounting systems assign them; derived from the entry id so it is stable.
    externalId: successful
      ? String(100_000 + (Number.parseInt(accountingEntryId.slice(0, 6), 16) % 900_000))
      : null,
    externalUrl: null,
    failureReason: group.status === 'failed' ? (group.failureReason ?? null) : null,
    failureReasonType: group.status === 'failed' ? (group.failureReasonType ?? null) : null,
  };
}
