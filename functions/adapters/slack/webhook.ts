// adapts Slack incoming webhooks to the alert delivery side
import { setTimeout as wait } from 'node:timers/promises';
import type { SlackMessage } from '../../contracts/slack-message.js';
import { requestTimeout } from '../../shared/request-timeout.js';

/**
 * Slack did not take the message: a 4xx other than 429, retries used up, or the request could not be sent.
 * The message never contains the webhook URL (it is a secret); Slack's answer (e.g. `invalid_blocks`) is kept.
 */
export class SlackPostError extends Error {
  override name = 'SlackPostError';
  /** HTTP status of Slack's last answer; undefined when no answer came. */
  readonly status: number | undefined;
  /** Slack's response body, shortened: names the problem, e.g. `invalid_blocks`, `no_service`. */
  readonly responseBody: string | undefined;

  constructor(message: string, options: { status?: number; responseBody?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.responseBody = options.responseBody;
  }
}

export interface PostToSlackOptions {
  fetch?: typeof globalThis.fetch;
  /** Aborts the request and any wait between attempts (pass middy's signal: it fires before the Lambda timeout). */
  signal?: AbortSignal;
  /** Retries after the first attempt, for 429, 5xx, network errors and attempts that time out. */
  maxRetries?: number;
  /** How long one attempt may wait for Slack's answer (default 10 s). */
  requestTimeoutMs?: number;
  /** Waits between attempts; injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_MAX_RETRIES = 3;
// Slack answers a webhook in well under a second; a connection it accepts but never answers must not hang a post
// (npm start) or use up the notifier's whole invocation on one attempt.
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 500;
// A Retry-After longer than this would outlast a short Lambda: better to fail and let Lambda retry the event.
const MAX_RETRY_AFTER_MS = 30_000;
const MAX_BODY_CHARS = 200;

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await wait(ms, undefined, signal ? { signal } : undefined);
};

/**
 * Posts one message to a Slack incoming webhook.
 * @throws SlackPostError when Slack refuses it (4xx other than 429), keeps failing (429, 5xx, network, no
 *   answer within `requestTimeoutMs`) after `maxRetries` retries, or the signal aborts.
 */
export async function postToSlack(
  webhookUrl: string,
  message: SlackMessage,
  options: PostToSlackOptions = {},
): Promise<void> {
  const {
    fetch = globalThis.fetch,
    signal,
    maxRetries = DEFAULT_MAX_RETRIES,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    sleep = defaultSleep,
  } = options;
  const body = JSON.stringify({ text: message.text, blocks: message.blocks });
  const redact = (text: string): string => redactUrl(text, webhookUrl);
  const pause = async (ms: number): Promise<void> => {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw new SlackPostError('Slack webhook delivery aborted while waiting to retry', { cause: error });
    }
  };

  for (let attempt = 0; ; attempt += 1) {
    const timeout = requestTimeout(signal, requestTimeoutMs);
    let response: Response;
    try {
      response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: timeout.signal,
      });
    } catch (error) {
      timeout.clear();
      const cause = redactError(error, redact);
      if (signal?.aborted || attempt >= maxRetries) {
        throw new SlackPostError(
          `Slack webhook request failed after ${attempt + 1} attempt(s): ${redact(errorMessage(error))}`,
          { cause },
        );
      }
      await pause(backoffMs(attempt));
      continue;
    }
    let responseBody: string;
    try {
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      responseBody = redact(await readBody(response));
    } finally {
      timeout.clear();
    }
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= maxRetries) {
      throw new SlackPostError(
        `Slack webhook answered ${response.status}${responseBody ? ` (${responseBody})` : ''}` +
          (retryable ? ` after ${attempt + 1} attempt(s)` : ''),
        { status: response.status, responseBody },
      );
    }
    await pause(
      response.status === 429
        ? retryAfterMs(response.headers.get('retry-after'), attempt)
        : backoffMs(attempt),
    );
  }
}

function backoffMs(attempt: number): number {
  return BACKOFF_BASE_MS * 2 ** attempt;
}

/** Slack sends Retry-After in seconds; a missing or odd value falls back to the usual backoff. */
function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = header === null ? Number.NaN : Number(header.trim());
  if (!Number.isFinite(seconds) || seconds < 0) return backoffMs(attempt);
  return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

async function readBody(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text
      .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
      .trim()
      .slice(0, MAX_BODY_CHARS);
  } catch {
    return '';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The webhook URL, and its secret path on its own, replaced wherever they appear. */
function redactUrl(text: string, webhookUrl: string): string {
  let path = '';
  try {
    path = new URL(webhookUrl).pathname;
  } catch {
    // Not a URL: only the whole string can leak.
  }
  let result = text.split(webhookUrl).join('[webhook URL]');
  if (path.length > 1) result = result.split(path).join('[webhook path]');
  return result;
}

/** Keeps the underlying error as the cause unless some part of it quotes the URL: then a redacted copy. */
function redactError(error: unknown, redact: (text: string) => string): unknown {
  if (!(error instanceof Error)) return redact(String(error));
  const texts = [error.message, error.stack ?? '', String(error.cause ?? '')];
  if (texts.every((text) => redact(text) === text)) return error;
  const copy = new Error(redact(error.message));
  copy.name = error.name;
  copy.stack = redact(error.stack ?? '');
  return copy;
}
