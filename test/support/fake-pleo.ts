// An in-memory PleoExports with the client's paging shape, for fast tests of the poll's logic.

import type { PleoExports } from '../../functions/app/ports.js';
import type { ExportJob, ExportJobItem } from '../../functions/domain/export-job.js';

export class FakePleo implements PleoExports {
  requestCount = 0;
  jobs: ExportJob[] = [];
  items = new Map<string, ExportJobItem[]>();
  /** Thrown by the next listing, then cleared. */
  failNext: Error | undefined;
  /** The error listing a job's items throws, by job id. */
  failItemsFor = new Map<string, Error>();
  pageSize = 100;
  /** Every listing asked for, in order. */
  readonly queries: Array<{ statuses: readonly string[]; since: Date }> = [];

  async *listJobs(query: { statuses: readonly string[]; companyId?: string; since: Date }) {
    this.queries.push({ statuses: query.statuses, since: query.since });
    const wanted = this.jobs.filter(
      (job) =>
        query.statuses.includes(job.status) &&
        (query.companyId === undefined || job.companyId === query.companyId) &&
        Date.parse(job.createdAt) >= query.since.getTime(),
    );
    for (let i = 0; i === 0 || i < wanted.length; i += this.pageSize) {
      this.requestCount++;
      if (this.failNext) {
        const error = this.failNext;
        this.failNext = undefined;
        throw error;
      }
      yield wanted.slice(i, i + this.pageSize);
    }
  }

  async *listFailedItems(jobId: string): AsyncGenerator<ExportJobItem[]> {
    const items = this.items.get(jobId) ?? [];
    for (let i = 0; i === 0 || i < items.length; i += this.pageSize) {
      this.requestCount++;
      const error = this.failItemsFor.get(jobId);
      if (error) throw error;
      yield items.slice(i, i + this.pageSize);
    }
  }
}
