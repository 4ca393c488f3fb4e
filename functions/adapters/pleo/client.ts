// adapts the Pleo Export API v2 (HTTP) to the PleoExports port
import type * as z from 'zod/mini';
import { PleoRequestError } from '../../app/errors.js';
import type { JobPage } from '../../app/ports.js';
import type { ExportJobItem } from '../../domain/export-job.js';
import { type RetryPolicy, sleep } from '../../shared/retry.js';
import { PleoContractError } from './errors.js';
import { DEFAULT_RETRY, getJson, type HttpDeps } from './http.js';
import { RateLimiter } from './rate-limit.js';
import { cursorPageSchema, describeIssues, exportJobItemSchema, exportJobSchema } from './schemas.js';

export type PleoCredential = { kind: 'apiKey'; apiKey: string } | { kind: 'bearer'; token: string };

export interface ListJobsQuery {
  statuses: readonly string[];
  /** Omit to list organisation-wide. */
  companyId?: string | undefined;
  /** Jobs created before this are not wanted; paging stops early once the server's newest-first order passes it. */
  since: Date;
  /** Goes on from this cursor (a page's `next`) instead of the first page. */
  after?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** A record Pleo sent that does not fit the schema: skipped, reported, never fatal to the poll. */
export interface InvalidRecord {
  path: string;
  problem: string;
}

export interface PleoClientOptions {
  baseUrl: string;
  credential: PleoCredential;
  pageSize?: number;
  /** Pages one listing may take before it is treated as a runaway. */
  maxPages?: number;
  retry?: RetryPolicy;
  requestTimeoutMs?: number;
  /** Requests per second at most, retries included; 0 for no limit. */
  maxRequestsPerSecond?: number;
  /** The largest response body read; a larger one fails the request (a page of 100 records is far smaller). */
  maxBodyBytes?: number;
  onInvalidRecord?: (record: InvalidRecord) => void;
  deps?: Partial<HttpDeps>;
}

const JOB_PATH = '/v2/export-jobs';
/**
 * 4 MiB: a page of 100 records with Pleo's longest texts is well under it, and four item listings in flight at once
 * still fit a 128 MB Lambda beside the text's parsed copy.
 */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const JOB_ORDER = 'sorting_keys=createdAt&sorting_order=DESC';

export class PleoClient {
  /** HTTP requests sent so far, retries included. */
  requestCount = 0;
  private orderRefused = false;
  private readonly baseUrl: URL;
  private readonly authorization: string;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly retry: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly onInvalidRecord: (record: InvalidRecord) => void;
  private readonly deps: HttpDeps;
  private readonly rateLimiter: RateLimiter;

  constructor(options: PleoClientOptions) {
    this.baseUrl = new URL(options.baseUrl);
    // A base with a path (a gateway's /pleo) keeps it: paths are resolved below it, not from the host's root. The
    // paths carry the API version, so a base pasted with it (…/v2) does not become …/v2/v2.
    this.baseUrl.pathname = `${this.baseUrl.pathname.replace(/\/+$/, '').replace(/\/v2$/, '')}/`;
    this.authorization = authorizationHeader(options.credential);
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 5_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.onInvalidRecord = options.onInvalidRecord ?? (() => {});
    this.deps = { fetch: globalThis.fetch, sleep, random: Math.random, ...options.deps };
    this.rateLimiter = new RateLimiter(options.maxRequestsPerSecond ?? 0, this.deps.sleep);
  }

  /**
   * Yields the jobs with the given statuses a page at a time, newest first when the server obliges, each page with
   * the cursor of the next (every page, even one with no job wanted, so a caller can always say where it stopped).
   */
  async *listJobs(query: ListJobsQuery): AsyncGenerator<JobPage> {
    const params = new URLSearchParams();
    for (const status of query.statuses) params.append('statuses', status);
    if (query.companyId !== undefined) params.set('company_id', query.companyId);
    const since = query.since.getTime();
    let previousCreatedAt = Number.POSITIVE_INFINITY;
    let newestFirst = true;
    for await (const page of this.jobPages(params, query.after, query.signal)) {
      const jobs = this.parseRecords(page.records, exportJobSchema, 'job');
      let reachedHorizon = false;
      const wanted = [];
      for (const job of jobs) {
        const createdAt = Date.parse(job.createdAt);
        newestFirst &&= createdAt <= previousCreatedAt;
        previousCreatedAt = createdAt;
        // A job listed twice (pages shifting while paged) is yielded twice: the poll counts each job once.
        if (createdAt < since) reachedHorizon = true;
        else wanted.push(job);
      }
      yield { jobs: wanted, next: page.next, newestFirst };
      // Only an order we have seen hold on every job so far lets us skip the rest.
      if (reachedHorizon && newestFirst) return;
    }
  }

  /**
   * The job listing, newest first where Pleo takes the order. Which sort keys Pleo accepts is not documented: if
   * it refuses the order (400 on the first page), this client (one per poll) lists without it from then on,
   * walking every page.
   */
  private async *jobPages(params: URLSearchParams, after: string | undefined, signal?: AbortSignal) {
    if (!this.orderRefused) {
      let started = false;
      try {
        for await (const page of this.paginate(JOB_PATH, `${params}&${JOB_ORDER}`, after, signal)) {
          started = true;
          yield page;
        }
        return;
      } catch (error) {
        if (started || !(error instanceof PleoRequestError) || error.status !== 400) throw error;
        this.orderRefused = true;
      }
    }
    yield* this.paginate(JOB_PATH, `${params}`, after, signal);
  }

  /** The failed items of one job, a page at a time: a job of 500,000 items is never held whole. */
  async *listFailedItems(jobId: string, signal?: AbortSignal): AsyncGenerator<ExportJobItem[]> {
    const path = `/v2/export-jobs/${encodeURIComponent(jobId)}/items`;
    for await (const page of this.paginate(path, 'status=failed', undefined, signal)) {
      yield this.parseRecords(page.records, exportJobItemSchema, 'item');
    }
  }

  /** The pages of one listing from `from` (or the first), each with the cursor of the next (none after the last). */
  private async *paginate(
    path: string,
    query: string,
    from: string | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<{ records: unknown[]; next: string | undefined }> {
    const seenCursors = new Set<string>();
    let after = from;
    let previousPage: string | undefined;
    for (let pageNumber = 1; ; pageNumber++) {
      if (pageNumber > this.maxPages) {
        throw new PleoContractError(`GET ${path} did not end after ${this.maxPages} pages`);
      }
      const url = new URL(`.${path}`, this.baseUrl);
      url.search = `${query}&limit=${this.pageSize}`;
      if (after !== undefined) url.searchParams.set('after', after);
      const body = await getJson(
        url,
        {
          authorization: this.authorization,
          retry: this.retry,
          requestTimeoutMs: this.requestTimeoutMs,
          maxBodyBytes: this.maxBodyBytes,
          signal,
          beforeRequest: async () => {
            await this.rateLimiter.take(signal);
            this.requestCount++;
          },
        },
        this.deps,
      );
      const parsed = cursorPageSchema.safeParse(body);
      if (!parsed.success) {
        throw new PleoContractError(
          `GET ${path} returned an unexpected page: ${describeIssues(parsed.error)}`,
        );
      }
      // A server that ignores `after` sends the first page again under new cursors: caught on the second page,
      // not after thousands of requests. The first and last records tell pages apart; a real next page differs.
      const records = parsed.data.data;
      const page = records.length > 0 ? JSON.stringify([records[0], records.at(-1)]) : undefined;
      if (page !== undefined && page === previousPage) {
        throw new PleoContractError(
          `GET ${path} returned the same page again for after=${after}: paging would never end`,
        );
      }
      previousPage = page;
      const { hasNextPage, endCursor } = parsed.data.pagination;
      if (!hasNextPage) {
        yield { records, next: undefined };
        return;
      }
      if (!endCursor) {
        throw new PleoContractError(`GET ${path} said hasNextPage but gave no endCursor`);
      }
      if (seenCursors.has(endCursor)) {
        throw new PleoContractError(`GET ${path} repeated the cursor ${endCursor}: paging would never end`);
      }
      seenCursors.add(endCursor);
      yield { records, next: endCursor };
      after = endCursor;
    }
  }

  private parseRecords<T>(records: unknown[], schema: z.ZodMiniType<T>, kind: string): T[] {
    const valid: T[] = [];
    records.forEach((record, index) => {
      const result = schema.safeParse(record);
      if (result.success) valid.push(result.data);
      else this.onInvalidRecord({ path: `${kind}[${index}]`, problem: describeRecord(record, result.error) });
    });
    return valid;
  }
}

function describeRecord(record: unknown, error: z.core.$ZodError): string {
  const id = typeof record === 'object' && record !== null && 'id' in record ? String(record.id) : 'no id';
  return `${id.slice(0, 64)}: ${describeIssues(error)}`;
}

function authorizationHeader(credential: PleoCredential): string {
  return credential.kind === 'apiKey'
    ? `Basic ${Buffer.from(`${credential.apiKey}:`).toString('base64')}`
    : `Bearer ${credential.token}`;
}
