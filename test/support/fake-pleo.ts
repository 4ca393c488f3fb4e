// An in-memory PleoExports with the client's paging shape, for fast tests of the poll's logic.

import type { JobPage, PleoExports } from '../../functions/app/ports.js';
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
  readonly queries: Array<{ statuses: readonly string[]; since: Date; after?: string | undefined }> = [];

  /** Newest first, as Pleo lists them; a page's cursor is its last job's id, so pages stay put as jobs arrive. */
  async *listJobs(query: {
    statuses: readonly string[];
    companyId?: string | undefined;
    since: Date;
    after?: string | undefined;
    signal?: AbortSignal | undefined;
  }): AsyncGenerator<JobPage> {
    this.queries.push({ statuses: query.statuses, since: query.since, after: query.after });
    const wanted = this.jobs
      .filter(
        (job) =>
          query.statuses.includes(job.status) &&
          (query.companyId === undefined || job.companyId === query.companyId) &&
          Date.parse(job.createdAt) >= query.since.getTime(),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const start = query.after === undefined ? 0 : wanted.findIndex((job) => job.id === query.after) + 1;
    for (let i = start; i === start || i < wanted.length; i += this.pageSize) {
      query.signal?.throwIfAborted();
      this.requestCount++;
      await this.beforePage(query.signal);
      this.pages.push({ statuses: query.statuses, after: i === start ? query.after : wanted[i - 1]?.id });
      if (this.failNext) {
        const error = this.failNext;
        this.failNext = undefined;
        throw error;
      }
      const jobs = wanted.slice(i, i + this.pageSize);
      const next = i + this.pageSize < wanted.length ? jobs.at(-1)?.id : undefined;
      yield { jobs, next, newestFirst: true };
    }
  }

  /** Every page of jobs answered, with its cursor. */
  readonly pages: Array<{ statuses: readonly string[]; after?: string | undefined }> = [];

  /** Awaited before each page of jobs is answered: a slow Pleo. */
  beforePage: (signal?: AbortSignal) => Promise<void> = async () => {};

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
