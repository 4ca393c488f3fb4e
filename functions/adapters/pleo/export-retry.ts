// adapts Pleo's Export API v3 to the ExportRetrier port: the failed items' accounting entries
// (GET /v3/export-jobs/{jobId}/items?status=failed) and a new export job for them (POST /v3/export-jobs), with the
// key that may create export jobs. One attempt each, with a short time limit: a person is waiting on the answer,
// and a POST repeated behind their back could create two jobs.
import * as z from 'zod/mini';
import { PleoCredentialsError, PleoRequestError, PleoUnavailableError } from '../../app/errors.js';
import type { ExportJobCreation, ExportRetrier } from '../../app/ports.js';
import { requestTimeout } from '../../shared/request-timeout.js';
import type { PleoCredential } from './client.js';

const itemsPageSchema = z.object({
  data: z.array(
    z.object({
      accountingEntryId: z.string(),
      status: z.string(),
      failureReasonType: z.optional(z.nullable(z.string())),
    }),
  ),
  pagination: z.object({ hasNextPage: z.boolean(), endCursor: z.optional(z.nullable(z.string())) }),
});
const createdSchema = z.object({ data: z.object({ id: z.string() }) });
const exceptionSchema = z.object({ type: z.string() });

/** Pages of items read for one job at most: a retry is about the expenses a person can check. */
const MAX_PAGES = 20;

export interface PleoExportRetrierOptions {
  baseUrl: string;
  credential: PleoCredential;
  requestTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export class PleoExportRetrier implements ExportRetrier {
  private readonly authorization: string;
  private readonly fetch: typeof globalThis.fetch;

  constructor(private readonly options: PleoExportRetrierOptions) {
    const { credential } = options;
    this.authorization =
      credential.kind === 'apiKey'
        ? `Basic ${Buffer.from(`${credential.apiKey}:`).toString('base64')}`
        : `Bearer ${credential.token}`;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async failedEntries(
    jobs: ReadonlyArray<{ jobId: string; status: string }>,
    reason: string,
  ): Promise<string[]> {
    const entries = new Set<string>();
    for (const { jobId, status: jobStatus } of jobs) {
      // A job that failed as a whole abandoned its items; one that completed with errors failed some of them.
      const wholeJob = jobStatus === 'failed';
      const wanted = (item: z.infer<typeof itemsPageSchema>['data'][number]) =>
        wholeJob
          ? item.status === 'failed' || item.status === 'abandoned'
          : item.status === 'failed' && [null, undefined, '', reason].includes(item.failureReasonType);
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({
          ...(wholeJob ? {} : { status: 'failed' }),
          limit: '100',
          ...(after ? { after } : {}),
        });
        const { status, body } = await this.send(
          'GET',
          `/v3/export-jobs/${encodeURIComponent(jobId)}/items?${query}`,
        );
        if (status === 404) break;
        if (status !== 200) throw this.refused(status, body);
        const parsed = itemsPageSchema.parse(body);
        for (const item of parsed.data) if (wanted(item)) entries.add(item.accountingEntryId);
        if (!parsed.pagination.hasNextPage || !parsed.pagination.endCursor) break;
        after = parsed.pagination.endCursor;
      }
    }
    return [...entries];
  }

  async createExportJob(
    companyId: string,
    accountingEntryIds: readonly string[],
  ): Promise<ExportJobCreation> {
    const { status, body } = await this.send('POST', '/v3/export-jobs', {
      companyId,
      accountingEntryIds,
      isInteractive: true,
    });
    if (status === 201) return { created: true, jobId: createdSchema.parse(body).data.id };
    const type = z.safeParse(exceptionSchema, body).data?.type;
    if (status === 409) return { created: false, refusal: 'in-progress' };
    if (status === 400 && type === 'MISSING_CONTRA_ACCOUNTS') {
      return { created: false, refusal: 'missing-contra-accounts' };
    }
    throw this.refused(status, body);
  }

  private async send(
    method: string,
    path: string,
    json?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    const timeout = requestTimeout(undefined, this.options.requestTimeoutMs ?? 3_000);
    try {
      const response = await this.fetch(url, {
        method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: timeout.signal,
        redirect: 'manual',
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body };
    } catch (error) {
      throw new PleoUnavailableError(
        `Pleo did not answer ${method} ${path.split('?')[0]}: ${String(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      timeout.clear();
    }
  }

  private refused(status: number, body: unknown): Error {
    if (status === 401 || status === 403) return new PleoCredentialsError(status);
    if (status === 429 || status >= 500) return new PleoUnavailableError(`Pleo answered ${status}`);
    const type = z.safeParse(exceptionSchema, body).data?.type ?? 'no type';
    return new PleoRequestError(`Pleo answered ${status} (${type})`, status);
  }
}
