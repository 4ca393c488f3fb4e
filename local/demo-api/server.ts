// The demo Pleo Export API v2 over node:http: the read endpoints of spec/pleo/export-api.v2.openapi.yaml,
// served from an in-memory store, with credentials, request accounting and fault injection for tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CREATE_JOB_PATH, createExportJob, finishCreatedJobs } from './export-jobs-v3.js';
import { FaultQueue, type StatusFault } from './faults.js';
import { itemCursorCodec, jobCursorCodec, paginate } from './paginate.js';
import {
  filterParameters,
  InvalidRequestError,
  parseItemStatus,
  parseJobFilters,
  parsePageRequest,
  UUID,
} from './query.js';
import { demoSeed, randomCompletedExport, randomNewFailure } from './seed.js';
import type { DemoStore, JobOrder } from './store.js';

export interface DemoApiOptions {
  /** The data to serve (default: `demoSeed()`). */
  store?: DemoStore;
  /** API keys accepted as HTTP Basic user name with an empty password (default ['demo-key']). */
  apiKeys?: string[];
  /**
   * Company keys: each accepted as an API key that answers for its company only, as Pleo's do. A listing without
   * that `company_id`, or a job of another company, gets 403 (default none).
   */
  companyKeys?: Record<string, string>;
  /** Tokens accepted as `Authorization: Bearer <token>` (default none). */
  bearerTokens?: string[];
  /** Serve jobs in a fixed order (by id) whatever sorting is requested, like a server that ignores it. */
  ignoreSorting?: boolean;
  /** Answer 400 to any `sorting_keys` on the job listing, like a server that knows no sort key. */
  refuseSorting?: boolean;
  /** Add a random new failure to the store this often. */
  newFailureEveryMs?: number;
  /** Add a completed export for a company with failures this often (problems getting fixed). */
  completedExportEveryMs?: number;
  defaultLimit?: number;
  /** Larger requested limits are clamped to this. */
  maxLimit?: number;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How many entries `requests.log` keeps, newest last (default 1000). */
  requestLogLimit?: number;
  /** The time new failures are stamped with (default: the real clock). */
  clock?: () => Date;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string[]>;
  status: number;
}

export interface RequestStats {
  total: number;
  /** Counts per route, with ids generalised: '/v2/export-jobs', '/v2/export-jobs/{jobId}', '/v2/export-jobs/{jobId}/items'. */
  byPath: Record<string, number>;
  log: RequestLogEntry[];
}

export interface DemoApi {
  /** e.g. 'http://127.0.0.1:40123', no trailing slash. */
  url: string;
  store: DemoStore;
  faults: FaultQueue;
  requests: RequestStats;
  /** Keys refused from now on (401), as if an admin revoked them in Pleo, until restored. */
  revoked: Set<string>;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
const LIST_PATH = '/v2/export-jobs';
const JOB_PATH = /^\/v2\/export-jobs\/([^/]+)$/;
// v3's items carry the same fields the demo gives v2's (accountingEntryId included).
const ITEMS_PATH = /^\/v[23]\/export-jobs\/([^/]+)\/items$/;
const JOB_FILTER_PARAMETERS = ['company_id', 'statuses', 'status'];

function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

function exception(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { type, message }, headers);
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function routeTemplate(path: string): string {
  if (ITEMS_PATH.test(path)) return '/v2/export-jobs/{jobId}/items';
  if (JOB_PATH.test(path)) return '/v2/export-jobs/{jobId}';
  return path;
}

function faultReply(fault: StatusFault): Reply {
  switch (fault.status) {
    case 429:
      return exception(
        429,
        'TOO_MANY_REQUESTS',
        'Rate limit exceeded. Retry later.',
        fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) },
      );
    case 500:
      return exception(500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.');
    case 502:
      // Gateways answer with their own HTML page, not the API's JSON.
      return {
        status: 502,
        headers: { 'Content-Type': 'text/html' },
        body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
      };
    case 503:
      return exception(
        503,
        'SERVICE_UNAVAILABLE',
        'The service is temporarily unavailable. Retry after some time.',
      );
    case 401:
      return exception(401, 'UNAUTHORIZED', 'The credentials have expired.');
    case 403:
      return exception(403, 'FORBIDDEN', 'The credentials lack the scope export-jobs:read.');
  }
}

export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApi> {
  const store = options.store ?? demoSeed();
  const apiKeys = new Set(options.apiKeys ?? ['demo-key']);
  const bearerTokens = new Set(options.bearerTokens ?? []);
  const defaultLimit = options.defaultLimit ?? 20;
  const maxLimit = options.maxLimit ?? 100;
  const logLimit = options.requestLogLimit ?? 1000;
  const clock = options.clock ?? (() => new Date());
  const faults = new FaultQueue();
  const requests: RequestStats = { total: 0, byPath: {}, log: [] };
  const closing = new AbortController();

  const companyKeys = new Map(Object.entries(options.companyKeys ?? {}));
  const revoked = new Set<string>();

  /** Who the credentials are: the whole organisation, one company (its id), or nobody (the problem, as text). */
  const credentialScope = (
    header: string | undefined,
  ): { problem: string } | { company: string | undefined } => {
    if (!header)
      return { problem: 'Missing credentials: send the API key as HTTP Basic user name, or a Bearer token.' };
    const [scheme = '', token = ''] = header.split(' ', 2);
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(token, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const key = decoded.slice(0, colon);
      if (colon >= 0 && decoded.slice(colon + 1) === '' && !revoked.has(key)) {
        if (apiKeys.has(key)) return { company: undefined };
        if (companyKeys.has(key)) return { company: companyKeys.get(key) };
      }
    } else if (scheme.toLowerCase() === 'bearer' && bearerTokens.has(token)) {
      return { company: undefined };
    }
    return { problem: 'Invalid or expired credentials.' };
  };

  const otherCompany = (company: string | undefined): Reply =>
    exception(
      403,
      'FORBIDDEN',
      `The credentials are not valid for ${company ? `company ${company}` : 'the whole organisation'}.`,
    );

  const listJobs = (params: URLSearchParams): Reply => {
    const filters = parseJobFilters(params);
    const sortingKeys = options.refuseSorting ? [] : ['createdAt'];
    const page = parsePageRequest(params, { defaultLimit, maxLimit, sortingKeys });
    const order: JobOrder = options.ignoreSorting
      ? 'id'
      : page.sortingOrder?.[0]?.startsWith('ASC')
        ? 'createdAt:ASC'
        : 'createdAt:DESC';
    const view = store.listJobs({ ...filters, order });
    return json(
      200,
      paginate(view, page, jobCursorCodec(view, order), filterParameters(params, JOB_FILTER_PARAMETERS)),
    );
  };

  const checkedJobId = (raw: string): string => {
    const jobId = safeDecode(raw);
    if (jobId === undefined || !UUID.test(jobId))
      throw new InvalidRequestError(`jobId must be a UUID, got '${jobId ?? raw}'`);
    return jobId.toLowerCase();
  };

  const jobNotFound = (): Reply => exception(404, 'EXPORT_NOT_FOUND', 'Export job not found.');

  const handle = (method: string, url: URL, authorization: string | undefined): Reply => {
    const path = url.pathname;
    const jobMatch = JOB_PATH.exec(path);
    const itemsMatch = ITEMS_PATH.exec(path);
    if (path !== LIST_PATH && !jobMatch && !itemsMatch) {
      return exception(404, 'NOT_FOUND', `No resource at ${path}.`);
    }
    if (method !== 'GET') {
      return exception(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}.`, { Allow: 'GET' });
    }
    const scope = credentialScope(authorization);
    if ('problem' in scope) {
      return exception(401, 'UNAUTHORIZED', scope.problem, { 'WWW-Authenticate': 'Basic realm="Pleo"' });
    }
    // A company key answers for its company only, as Pleo's do.
    const scoped = scope.company;
    try {
      if (jobMatch) {
        const job = store.getJob(checkedJobId(jobMatch[1] as string));
        if (job && scoped && job.companyId !== scoped) return otherCompany(job.companyId);
        return job ? json(200, { data: job }) : jobNotFound();
      }
      if (itemsMatch) {
        const jobId = checkedJobId(itemsMatch[1] as string);
        const owner = store.getJob(jobId)?.companyId;
        if (owner && scoped && owner !== scoped) return otherCompany(owner);
        const status = parseItemStatus(url.searchParams);
        const page = parsePageRequest(url.searchParams, { defaultLimit, maxLimit, sortingKeys: [] });
        const items = store.getItems(jobId, status);
        if (!items) return jobNotFound();
        const parameters = filterParameters(url.searchParams, ['status']);
        return json(200, paginate(items, page, itemCursorCodec(items.length), parameters));
      }
      const asked = url.searchParams.getAll('company_id').map((id) => id.toLowerCase());
      if (scoped && (asked.length === 0 || asked.some((id) => id !== scoped))) {
        return otherCompany(asked.find((id) => id !== scoped));
      }
      return listJobs(url.searchParams);
    } catch (error) {
      if (error instanceof InvalidRequestError) return exception(400, 'INVALID_REQUEST', error.message);
      throw error;
    }
  };

  const record = (method: string, url: URL, status: number): void => {
    requests.total++;
    const template = routeTemplate(url.pathname);
    requests.byPath[template] = (requests.byPath[template] ?? 0) + 1;
    const query: Record<string, string[]> = {};
    for (const name of new Set(url.searchParams.keys())) query[name] = url.searchParams.getAll(name);
    requests.log.push({ method, path: url.pathname, query, status });
    if (requests.log.length > logLimit) requests.log.splice(0, requests.log.length - logLimit);
  };

  const respond = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let fault = faults.take(url.pathname);
    if (fault && 'delayMs' in fault) {
      await sleep(fault.delayMs, undefined, { signal: closing.signal }).catch(() => undefined);
      if (closing.signal.aborted || res.destroyed) return;
      fault = undefined;
    }
    finishCreatedJobs(store);
    let reply: Reply;
    if (fault && 'status' in fault) reply = faultReply(fault);
    else if (method === 'POST' && url.pathname === CREATE_JOB_PATH) {
      const scope = credentialScope(req.headers.authorization);
      const created =
        'problem' in scope ? undefined : createExportJob(store, await readText(req), scope.company);
      reply = created
        ? created.status === 403
          ? otherCompany(scope && 'company' in scope ? scope.company : undefined)
          : json(created.status, created.value)
        : exception(401, 'UNAUTHORIZED', 'problem' in scope ? scope.problem : '', {
            'WWW-Authenticate': 'Basic realm="Pleo"',
          });
    } else if (fault && 'malformedJson' in fault)
      reply = { ...json(200, null), body: '{"data": [{"id": "3f1c2a4e",}' };
    else if (fault && 'body' in fault) reply = json(200, fault.body);
    else {
      try {
        reply = handle(method, url, req.headers.authorization);
      } catch (error) {
        console.error('demo-api: unexpected error', error);
        reply = exception(500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.');
      }
    }
    record(method, url, reply.status);
    const body = Buffer.from(reply.body, 'utf8');
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) });
    if (fault && 'truncated' in fault) {
      // The promised Content-Length is never reached: the client sees the connection drop mid-body.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    } else {
      res.end(body);
    }
  };

  const server = createServer((req, res) => {
    void respond(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const timers = [
    every(options.newFailureEveryMs, () => randomNewFailure(store, clock())),
    every(options.completedExportEveryMs, () => randomCompletedExport(store, clock())),
  ];

  let closed: Promise<void> | undefined;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    faults,
    requests,
    revoked,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearInterval(timer);
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Runs `task` on an interval that does not keep the process alive; nothing when no interval is given. */
function every(ms: number | undefined, task: () => void): NodeJS.Timeout | undefined {
  if (ms === undefined) return undefined;
  const timer = setInterval(task, ms);
  timer.unref();
  return timer;
}
