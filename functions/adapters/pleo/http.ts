// GET with Pleo's retry rules: 429, 5xx, timeouts and network errors are retried (functions/shared/retry.ts:
// backoff with jitter, Retry-After, a time budget); other 4xx never are.
import { PleoCredentialsError, PleoRequestError, PleoUnavailableError } from '../../app/errors.js';
import { redactor } from '../../shared/redact.js';
import { type RequestTimeout, requestTimeout } from '../../shared/request-timeout.js';
import {
  type Attempt,
  parseRetryAfter,
  type RetryDeps,
  type RetryPolicy,
  retrying,
} from '../../shared/retry.js';
import { PleoContractError } from './errors.js';
import { exceptionInfoSchema } from './schemas.js';

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  budgetMs: 30_000,
};

export interface HttpDeps extends RetryDeps {
  fetch: typeof fetch;
}

export interface GetJsonOptions {
  authorization: string;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  /** A body longer than this is not read: the request fails with PleoContractError. */
  maxBodyBytes: number;
  signal?: AbortSignal | undefined;
  /** Awaited before each HTTP request is sent, retries included. */
  beforeRequest: () => Promise<void>;
}

/** Fetches `url` and returns its body parsed as JSON, or throws one of the Pleo client errors. */
export async function getJson(url: URL, options: GetJsonOptions, deps: HttpDeps): Promise<unknown> {
  const { signal } = options;
  const where = `GET ${url.pathname}`;
  const redact = credentialRedactor(options.authorization);
  const unavailable =
    (problem: string, cause?: unknown) =>
    (attempts: number): Error =>
      new PleoUnavailableError(
        `Pleo is unavailable: ${where} failed ${attempts} times (last: ${problem})`,
        cause === undefined ? undefined : { cause },
      );
  return retrying(
    async (): Promise<Attempt<unknown>> => {
      signal?.throwIfAborted();
      let timeout: RequestTimeout | undefined;
      try {
        await options.beforeRequest();
        // Started once the rate limiter lets the request go: waiting for a slot is not Pleo being slow.
        timeout = requestTimeout(signal, options.requestTimeoutMs);
        const response = await deps.fetch(url, {
          headers: { authorization: options.authorization, accept: 'application/json' },
          signal: timeout.signal,
          // A redirect would carry the API key to wherever it points: the answer is taken as it is, refused below.
          redirect: 'manual',
        });
        if (response.ok) return { done: await readJson(response, where, options.maxBodyBytes) };
        if (response.status >= 300 && response.status < 400) {
          await response.body?.cancel();
          throw new PleoRequestError(
            `${where} answered ${response.status}, a redirect, which the alerter does not follow (it would send the API key along): set the Pleo API URL to the address that answers`,
            response.status,
          );
        }
        if (response.status === 401 || response.status === 403) {
          throw new PleoCredentialsError(response.status, { cause: await errorBody(response, redact) });
        }
        // Any 5xx, not only Pleo's documented ones: a gateway or CDN in front of it answers 504, 520 and the like.
        if (response.status !== 429 && response.status < 500) {
          throw new PleoRequestError(
            `${where} answered ${response.status}: ${await errorBody(response, redact)}`,
            response.status,
          );
        }
        await response.body?.cancel();
        return {
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
          fail: unavailable(`HTTP ${response.status}`),
        };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!isTransient(error)) throw error;
        return { fail: unavailable(describeTransient(error), error) };
      } finally {
        timeout?.clear();
      }
    },
    options.retry,
    { deps, signal },
  );
}

async function readJson(response: Response, where: string, maxBytes: number): Promise<unknown> {
  const text = await readText(response, where, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PleoContractError(`${where} returned a body that is not JSON (${text.length} bytes)`, {
      cause: error,
    });
  }
}

/**
 * The body as text, read no further than `maxBytes`: a runaway response fails the request with a clear error
 * instead of filling the Lambda's memory. A body cut off mid-stream rejects as a network error (TypeError), which
 * is retried like any other.
 */
async function readText(response: Response, where: string, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new PleoContractError(
      `${where} answered with a body over ${maxBytes} bytes, more than any page of the API should be: not read`,
    );
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Pleo's `{type, message}` error body, or the first bytes of whatever came instead; the credential is cut out
 * wherever the server quotes it, since errors end up in logs.
 */
async function errorBody(response: Response, redact: (text: string) => string): Promise<string> {
  const text = redact(await response.text().catch(() => ''));
  try {
    const info = exceptionInfoSchema.parse(JSON.parse(text));
    return info.message === undefined ? info.type : `${info.type}: ${info.message}`;
  } catch {
    return text.slice(0, 200) || '(empty body)';
  }
}

/** Replaces the Authorization header, its token and, for Basic, the API key it encodes, wherever they appear. */
function credentialRedactor(authorization: string): (text: string) => string {
  const [scheme = '', token = ''] = authorization.split(' ', 2);
  const forms = [authorization, token.replace(/=+$/, '')];
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    forms.push(decoded, decoded.replace(/:$/, ''));
  }
  return redactor(forms, '[credential]');
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
