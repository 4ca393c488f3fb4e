// GET with Pleo's retry rules: 429, 5xx, timeouts and network errors are retried with exponential backoff
// and full jitter, honouring Retry-After, within a time budget; other 4xx never are.

import { PleoCredentialsError, PleoRequestError, PleoUnavailableError } from '../../app/errors.js';
import { type RequestTimeout, requestTimeout } from '../../shared/request-timeout.js';
import { PleoContractError } from './errors.js';
import { exceptionInfoSchema } from './schemas.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Total time one request may spend waiting between attempts. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  budgetMs: 30_000,
};

export interface HttpDeps {
  fetch: typeof fetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

export interface GetJsonOptions {
  authorization: string;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Awaited before each HTTP request is sent, retries included. */
  beforeRequest: () => Promise<void>;
}

/** Shorter forms of a credential are not redacted: they would only garble the text. */
const MIN_SECRET_LENGTH = 6;

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Fetches `url` and returns its body parsed as JSON, or throws one of the Pleo client errors. */
export async function getJson(url: URL, options: GetJsonOptions, deps: HttpDeps): Promise<unknown> {
  const { retry, signal } = options;
  const where = `GET ${url.pathname}`;
  let waitedMs = 0;
  let lastProblem = '';
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    let retryAfterMs: number | undefined;
    let cause: unknown;
    let timeout: RequestTimeout | undefined;
    try {
      await options.beforeRequest();
      // Started once the rate limiter lets the request go: waiting for a slot is not Pleo being slow.
      timeout = requestTimeout(signal, options.requestTimeoutMs);
      const response = await deps.fetch(url, {
        headers: { authorization: options.authorization, accept: 'application/json' },
        signal: timeout.signal,
      });
      if (response.ok) return await readJson(response, where);
      if (response.status === 401 || response.status === 403) {
        throw new PleoCredentialsError(response.status, {
          cause: await errorBody(response, options.authorization),
        });
      }
      // Any 5xx, not only Pleo's documented ones: a gateway or CDN in front of it answers 504, 520 and the like.
      if (response.status !== 429 && response.status < 500) {
        throw new PleoRequestError(
          `${where} answered ${response.status}: ${await errorBody(response, options.authorization)}`,
          response.status,
        );
      }
      lastProblem = `HTTP ${response.status}`;
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      await response.body?.cancel();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isTransient(error)) throw error;
      cause = error;
      lastProblem = describeTransient(error);
    } finally {
      timeout?.clear();
    }
    const backoffMs = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)) * deps.random();
    const delayMs = Math.max(backoffMs, retryAfterMs ?? 0);
    if (attempt >= retry.maxAttempts || waitedMs + delayMs > retry.budgetMs) {
      throw new PleoUnavailableError(
        `Pleo is unavailable: ${where} failed ${attempt} times (last: ${lastProblem})`,
        cause === undefined ? undefined : { cause },
      );
    }
    waitedMs += delayMs;
    await deps.sleep(delayMs, signal);
  }
}

async function readJson(response: Response, where: string): Promise<unknown> {
  // A body cut off mid-stream rejects here as a network error, which is retried like any other.
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PleoContractError(`${where} returned a body that is not JSON (${text.length} bytes)`, {
      cause: error,
    });
  }
}

/**
 * Pleo's `{type, message}` error body, or the first bytes of whatever came instead; the credential is cut out
 * wherever the server quotes it, since errors end up in logs.
 */
async function errorBody(response: Response, authorization: string): Promise<string> {
  const text = redactCredential(await response.text().catch(() => ''), authorization);
  try {
    const info = exceptionInfoSchema.parse(JSON.parse(text));
    return info.message === undefined ? info.type : `${info.type}: ${info.message}`;
  } catch {
    return text.slice(0, 200) || '(empty body)';
  }
}

/** Replaces the Authorization header, its token and, for Basic, the API key it encodes, wherever they appear. */
function redactCredential(text: string, authorization: string): string {
  const [scheme = '', token = ''] = authorization.split(' ', 2);
  const forms = [authorization, token.replace(/=+$/, '')];
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    forms.push(decoded, decoded.replace(/:$/, ''));
  }
  // Longest first, so the header goes whole.
  return forms
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
    .reduce((result, form) => result.split(form).join('[credential]'), text);
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // fetch rejects with TypeError for network failures and truncated bodies; timeouts are TimeoutError.
  return error.name === 'TypeError' || error.name === 'TimeoutError' || error.name === 'AbortError';
}

function describeTransient(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'request timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `network error${cause}`;
}
