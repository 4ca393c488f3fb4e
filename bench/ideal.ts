// The least a poll could cost for a data set, worked out from the demo store alone (not from the poller's code),
// so that the benchmark and the request-count test hold the poller to the same arithmetic.
import { MAX_JOBS_PER_ALERT } from '../functions/domain/group.js';
import type { DemoStore } from '../local/demo-api/store.js';
import type { ExportJob } from '../local/demo-api/types.js';

/** The largest page Pleo serves (API-NOTES: 100 is the largest limit seen), which the poller asks for. */
export const PAGE_SIZE = 100;
/** Keys one DynamoDB BatchGetItem call may carry. */
export const BATCH_GET_SIZE = 100;
/** Writes one TransactWriteItems call may carry besides the check that the poll holds the lease. */
const TRANSACTION_WRITES = 99;

const ALERTING = ['failed', 'completed_with_errors'] as const;

export interface IdealCost {
  /** Failed and completed_with_errors jobs in the lookback window. */
  jobs: number;
  /** Jobs whose failed items must be read to learn why they failed. */
  jobsNeedingItems: number;
  listPages: number;
  itemPages: number;
  batchGets: number;
  /**
   * (company, reason) groups, a group larger than MAX_JOBS_PER_ALERT counting once per part: the messages a poll
   * would publish, one per group, without the roll-up.
   */
  groups: number;
  /** Messages: a cold poll is a first poll, which sends one per company that has failures (the quiet first poll). */
  publishes: number;
  /**
   * DynamoDB requests that deliver those messages exactly once: per message, the write that records it before it is
   * published (so that a crash after SNS took it is known), and the transactions after that record its jobs, write
   * its groups and empty its outbox entry (100 items a transaction, one of them the check of the lease).
   */
  deliveryRequests: number;
  /**
   * Pages of completed exports read to learn whether open failure groups were resolved (resolved notices): the
   * completed exports created after the newest failure of the group that failed last longest ago, as a later
   * export resolves a group and an earlier one cannot. None when no group is open before the poll.
   */
  resolutionPages: number;
}

export interface ColdIdeal extends IdealCost {
  /** The newest failure of the group whose newest failure is oldest: where the warm poll's resolution check starts. */
  openGroupsSinceMs: number | undefined;
}

/** The cost of a poll that finds every job in the window new. */
export function coldIdeal(store: DemoStore, since: Date): ColdIdeal {
  const jobs = jobsInWindow(store, since);
  const groups = new Map<string, { jobs: number; newestMs: number }>();
  const companies = new Map<string, { jobs: number; groups: Set<string> }>();
  let jobsNeedingItems = 0;
  let itemPages = 0;
  for (const job of jobs) {
    let reasons = [job.failureReasonType ?? 'unknown'];
    if (needsItems(job)) {
      jobsNeedingItems++;
      const items = store.getItems(job.id, 'failed') ?? [];
      // An empty listing still takes one request to learn that it is empty.
      itemPages += Math.max(1, Math.ceil(items.length / PAGE_SIZE));
      if (items.length > 0) {
        reasons = [
          ...new Set(items.map((item) => item.failureReasonType ?? job.failureReasonType ?? 'unknown')),
        ];
      }
    }
    const company = companies.get(job.companyId) ?? { jobs: 0, groups: new Set<string>() };
    companies.set(job.companyId, {
      jobs: company.jobs + 1,
      groups: new Set([...company.groups, ...reasons]),
    });
    for (const reason of reasons) {
      const key = `${job.companyId} ${reason}`;
      const group = groups.get(key) ?? { jobs: 0, newestMs: 0 };
      groups.set(key, {
        jobs: group.jobs + 1,
        newestMs: Math.max(group.newestMs, Date.parse(job.createdAt)),
      });
    }
  }
  let parts = 0;
  for (const group of groups.values()) parts += Math.ceil(group.jobs / MAX_JOBS_PER_ALERT);
  let deliveryRequests = 0;
  for (const company of companies.values()) {
    deliveryRequests += 1 + Math.ceil((company.jobs + company.groups.size + 1) / TRANSACTION_WRITES);
  }
  return {
    jobs: jobs.length,
    jobsNeedingItems,
    listPages: listPages(jobs.length),
    itemPages,
    batchGets: Math.ceil(jobs.length / BATCH_GET_SIZE),
    groups: parts,
    publishes: companies.size,
    deliveryRequests,
    // No group is open before the first poll (and the benchmark holds back no transient failure).
    resolutionPages: 0,
    openGroupsSinceMs:
      groups.size > 0 ? Math.min(...[...groups.values()].map((group) => group.newestMs)) : undefined,
  };
}

/**
 * The cost of a poll that finds nothing new: the same listing and lookups, no items, nothing to publish, and the
 * completed exports that could have resolved the groups the cold poll opened.
 */
export function warmIdeal(cold: ColdIdeal, store: DemoStore): IdealCost {
  const { openGroupsSinceMs, ...cost } = cold;
  const resolutionPages =
    openGroupsSinceMs === undefined
      ? 0
      : listPages(
          store
            .listJobs({ statuses: ['completed'] })
            .filter((job) => Date.parse(job.createdAt) >= openGroupsSinceMs).length,
        );
  return { ...cost, itemPages: 0, groups: 0, publishes: 0, deliveryRequests: 0, resolutionPages };
}

/** Pleo requests in all. */
export function pleoRequests(cost: Pick<IdealCost, 'listPages' | 'itemPages' | 'resolutionPages'>): number {
  return cost.listPages + cost.itemPages + cost.resolutionPages;
}

/** measured / ideal; 1 when both are 0, Infinity when only the ideal is. */
export function ratio(measured: number, ideal: number): number {
  if (ideal === 0) return measured === 0 ? 1 : Number.POSITIVE_INFINITY;
  return measured / ideal;
}

/**
 * List pages when polling company by company instead of organisation-wide: every company's listing ends with a
 * partial (or empty) page of its own.
 */
export function perCompanyListPages(store: DemoStore, since: Date): number {
  let pages = 0;
  for (const company of store.companies()) {
    const jobs = jobsInWindow(store, since, company.id);
    pages += listPages(jobs.length);
  }
  return pages;
}

function listPages(jobs: number): number {
  // No jobs still takes one request to learn that there are none.
  return Math.max(1, Math.ceil(jobs / PAGE_SIZE));
}

function jobsInWindow(store: DemoStore, since: Date, companyId?: string): readonly ExportJob[] {
  const from = since.getTime();
  return store
    .listJobs({ statuses: [...ALERTING], companyId })
    .filter((job) => Date.parse(job.createdAt) >= from);
}

function needsItems(job: ExportJob): boolean {
  return job.status === 'completed_with_errors' || !job.failureReasonType;
}
