// A small, changing Pleo for the fault sequences: jobs fail, appear, change status; it remembers what failed when,
// so the oracle knows what must be alerted and what may have been. Backed by FakePleo (in memory) or by the demo
// API's store (over HTTP).
import fc from 'fast-check';
import { ALERTING_STATUSES, type ExportJob, type ExportJobItem } from '../../functions/domain/export-job.js';
import { DemoStore } from '../../local/demo-api/store.js';
import type { ItemFailureReasonType, JobFailureReasonType } from '../../local/demo-api/types.js';
import { ACME, NORDLYS } from '../fixtures/jobs.js';
import { type ExpectedFailure, expectedFailure, type Truth } from '../support/delivery-oracle.js';
import { FakePleo } from '../support/fake-pleo.js';

export const COMPANIES = [ACME, NORDLYS] as const;
const JOB_REASONS: readonly JobFailureReasonType[] = ['missing_configuration', 'authorization_failure'];
const ITEM_REASONS: readonly ItemFailureReasonType[] = [
  'receipt_upload_failure',
  'accounting_system_validation_failure',
];

/** A job as the sequences generate it; indexes pick companies and reasons from the short lists above. */
export type JobSpec =
  | { kind: 'failed'; company: number; reason: number | null }
  | { kind: 'completedWithErrors'; company: number; itemReasons: Array<number | null> }
  | { kind: 'inProgress'; company: number; reason: number }
  /** An export that went through: it resolves the company's open groups. */
  | { kind: 'completed'; company: number };

export const jobSpecArb = (itemReasons: fc.Arbitrary<Array<number | null>>): fc.Arbitrary<JobSpec> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('failed' as const),
      company: fc.nat(1),
      reason: fc.option(fc.nat(1), { nil: null }),
    }),
    fc.record({ kind: fc.constant('completedWithErrors' as const), company: fc.nat(1), itemReasons }),
    fc.record({ kind: fc.constant('inProgress' as const), company: fc.nat(1), reason: fc.nat(1) }),
    fc.record({ kind: fc.constant('completed' as const), company: fc.nat(1) }),
  );

const isAlerting = (job: ExportJob) => ALERTING_STATUSES.includes(job.status as never);

interface Built {
  job: ExportJob & { failureReasonType: JobFailureReasonType | null };
  failedItemReasons: Array<ItemFailureReasonType | null>;
  /** The reason an in-progress job will fail with. */
  futureReason?: JobFailureReasonType;
}

function build(spec: JobSpec, n: number, start: Date): Built {
  const base = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    companyId: COMPANIES[spec.company] ?? ACME,
    // Each job is newer than the ones before it, all of them inside the lookback.
    createdAt: new Date(start.getTime() - 86_400_000 + n * 60_000).toISOString(),
    numberOfItems: 3,
    failureReason: `Account ${6800 + n} is inactive`,
    failureReasonType: null,
  };
  switch (spec.kind) {
    case 'completedWithErrors':
      return {
        job: { ...base, status: 'completed_with_errors' },
        failedItemReasons: spec.itemReasons.map((r) => (r === null ? null : (ITEM_REASONS[r] ?? null))),
      };
    case 'failed':
      return {
        job: { ...base, status: 'failed', failureReasonType: pick(JOB_REASONS, spec.reason) },
        failedItemReasons: [],
      };
    case 'completed':
      return { job: { ...base, status: 'completed', failureReason: null }, failedItemReasons: [] };
    case 'inProgress':
      return {
        job: { ...base, status: 'in_progress', failureReason: null },
        failedItemReasons: [],
        futureReason: pick(JOB_REASONS, spec.reason) ?? 'missing_configuration',
      };
  }
}

function pick<T>(list: readonly T[], index: number | null): T | null {
  return index === null ? null : (list[index] ?? null);
}

/** What both backends share: the record of what failed, and the truth handed to the oracle. */
abstract class World {
  private readonly everFailing = new Map<string, ExpectedFailure>();
  protected readonly futureReasons = new Map<string, JobFailureReasonType>();
  private created = 0;

  constructor(protected readonly start: Date) {}

  add(spec: JobSpec): void {
    this.created++;
    const built = build(spec, this.created, this.start);
    if (built.futureReason) this.futureReasons.set(built.job.id, built.futureReason);
    this.insert(built);
    this.remember(built.job.id);
  }

  /** Moves the `pick`-th job on: an in-progress job fails, a failed one is exported again successfully. */
  flip(pick: number): void {
    const jobs = this.jobs();
    const job = jobs[pick % Math.max(1, jobs.length)];
    if (job === undefined) return;
    if (job.status === 'in_progress') this.setStatus(job, 'failed', this.futureReasons.get(job.id) ?? null);
    else if (job.status === 'failed') this.setStatus(job, 'completed', null);
    this.remember(job.id);
  }

  truth(): Truth {
    const failing = new Map<string, ExpectedFailure>();
    for (const job of this.jobs().filter(isAlerting)) failing.set(job.id, this.expected(job));
    return { failing, everFailing: this.everFailing };
  }

  protected abstract insert(built: Built): void;
  protected abstract jobs(): ExportJob[];
  protected abstract failedItems(jobId: string): ExportJobItem[];
  protected abstract setStatus(job: ExportJob, status: string, reason: JobFailureReasonType | null): void;

  private remember(jobId: string): void {
    const job = this.jobs().find((j) => j.id === jobId);
    if (job && isAlerting(job) && !this.everFailing.has(jobId))
      this.everFailing.set(jobId, this.expected(job));
  }

  private expected(job: ExportJob): ExpectedFailure {
    return expectedFailure(job, this.failedItems(job.id));
  }
}

/** The world as a FakePleo: for the fast in-memory sequences. */
export class FakePleoWorld extends World {
  readonly pleo = new FakePleo();

  constructor(start: Date, pageSize: number) {
    super(start);
    this.pleo.pageSize = pageSize;
  }

  protected insert({ job, failedItemReasons }: Built): void {
    this.pleo.jobs.push(job);
    if (failedItemReasons.length === 0) return;
    this.pleo.items.set(
      job.id,
      failedItemReasons.map((reason, index) => ({
        accountingEntryId: `${job.id.slice(0, -4)}${String(index).padStart(4, '0')}`,
        exportJobId: job.id,
        status: 'failed',
        failureReasonType: reason,
        failureReason: reason === null ? null : `Receipt ${index} was refused`,
      })),
    );
  }

  protected jobs(): ExportJob[] {
    return this.pleo.jobs;
  }

  protected failedItems(jobId: string): ExportJobItem[] {
    return this.pleo.items.get(jobId) ?? [];
  }

  protected setStatus(job: ExportJob, status: string, reason: JobFailureReasonType | null): void {
    // Replaced, never mutated: what a poll already holds stays as Pleo sent it.
    const index = this.pleo.jobs.indexOf(job);
    this.pleo.jobs[index] = { ...job, status, failureReasonType: reason ?? job.failureReasonType };
  }
}

/** The world as the demo Export API's store: for the sequences over HTTP. */
export class DemoStoreWorld extends World {
  readonly demo = new DemoStore({ clock: () => this.start });

  constructor(start: Date) {
    super(start);
    this.demo.addCompany({ id: ACME, name: 'Acme ApS' });
    this.demo.addCompany({ id: NORDLYS, name: 'Nordlys AB' });
  }

  protected insert({ job, failedItemReasons }: Built): void {
    const status = job.status as 'failed' | 'completed_with_errors' | 'completed' | 'in_progress';
    const failedGroups = failedItemReasons.map((failureReasonType, index) => ({
      status: 'failed' as const,
      count: 1,
      failureReasonType,
      failureReason: failureReasonType === null ? null : `Receipt ${index} was refused`,
    }));
    this.demo.addJob({
      ...job,
      status,
      ...(failedGroups.length > 0
        ? {
            items: [...failedGroups, { status: 'successful', count: 1 }],
            numberOfItems: failedGroups.length + 1,
          }
        : {}),
    });
  }

  protected jobs(): ExportJob[] {
    return [...this.demo.listJobs({ order: 'createdAt:ASC' })];
  }

  protected failedItems(jobId: string): ExportJobItem[] {
    return this.demo.getItems(jobId, 'failed') ?? [];
  }

  protected setStatus(job: ExportJob, status: string, reason: JobFailureReasonType | null): void {
    this.demo.setJobStatus(job.id, status as 'failed' | 'completed', { failureReasonType: reason });
  }
}
