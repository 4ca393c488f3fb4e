// adapts Slack incoming webhooks to the alert delivery side
import type { SlackMessage } from '../../contracts/slack-message.js';
import { redactError, redactor } from '../../shared/redact.js';
import { requestTimeout } from '../../shared/request-timeout.js';
import {
  type Attempt,
  parseRetryAfter,
  type RetryDeps,
  retrying,
  sleep as retrySleep,
} from '../../shared/retry.js';

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
  sleep?: RetryDeps['sleep'];
  /** The jitter of the backoff; injected by tests. */
  random?: RetryDeps['random'];
  /**
   * For a message's `response_url` (after a click): whether the post replaces the message the button was in, or
   * comes as a message of its own.
   */
  replaceOriginal?: boolean;
}

const DEFAULT_MAX_RETRIES = 3;
// Slack answers a webhook in well under a second; a connection it accepts but never answers must not hang a post
// (npm start) or use up the notifier's whole invocation on one attempt.
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const BACKOFF = { baseDelayMs: 500, maxDelayMs: 8_000 };
// A Retry-After longer than this would outlast a short Lambda: better to fail and let Lambda retry the event.
const MAX_RETRY_AFTER_MS = 30_000;
const MAX_BODY_CHARS = 200;

/** What is posted: the notification text, and the blocks (a message read back from a click may carry any). */
export type SlackPost = Pick<SlackMessage, 'text'> & { blocks: readonly unknown[] };

/**
 * Posts one message to a Slack incoming webhook, or to a message's `response_url`.
 * @throws SlackPostError when Slack refuses it (4xx other than 429), keeps failing (429, 5xx, network, no
 *   answer within `requestTimeoutMs`) after `maxRetries` retries, or the signal aborts.
 */
export async function postToSlack(
  webhookUrl: string,
  message: SlackPost,
  options: PostToSlackOptions = {},
): Promise<void> {
  const {
    fetch = globalThis.fetch,
    signal,
    maxRetries = DEFAULT_MAX_RETRIES,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    sleep = retrySleep,
    random = Math.random,
    replaceOriginal,
  } = options;
  const body = JSON.stringify({
    ...(replaceOriginal === undefined ? {} : { replace_original: replaceOriginal }),
    text: message.text,
    blocks: message.blocks,
  });
  const redact = webhookRedactor(webhookUrl);
  const pause = async (ms: number, signal?: AbortSignal): Promise<void> => {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw new SlackPostError('Slack webhook delivery aborted while waiting to retry', { cause: error });
    }
  };

  await retrying(
    async (attempt): Promise<Attempt<void>> => {
      const timeout = requestTimeout(signal, requestTimeoutMs);
      let response: Response;
      try {
        response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: timeout.signal,
          // Never re-post an alert to wherever a redirect points: a 3xx is refused below like any other answer.
          redirect: 'manual',
        });
      } catch (error) {
        timeout.clear();
        const failed = (attempts: number) =>
          new SlackPostError(
            `Slack webhook request failed after ${attempts} attempt(s): ${redact(errorMessage(error))}`,
            { cause: redactError(error, redact) },
          );
        if (signal?.aborted) throw failed(attempt);
        return { fail: failed };
      }
      let responseBody: string;
      try {
        if (response.ok) {
          await response.body?.cancel();
          return { done: undefined };
        }
        responseBody = redact(await readBody(response));
      } finally {
        timeout.clear();
      }
      const answered = (retried: string) =>
        new SlackPostError(
          `Slack webhook answered ${response.status}${responseBody ? ` (${responseBody})` : ''}${retried}`,
          { status: response.status, responseBody },
        );
      if (response.status !== 429 && response.status < 500) throw answered('');
      return {
        retryAfterMs: Math.min(parseRetryAfter(response.headers.get('retry-after')) ?? 0, MAX_RETRY_AFTER_MS),
        fail: (attempts) => answered(` after ${attempts} attempt(s)`),
      };
    },
    { ...BACKOFF, maxAttempts: maxRetries + 1 },
    { deps: { sleep: pause, random }, signal },
  );
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
function webhookRedactor(webhookUrl: string): (text: string) => string {
  const url = redactor([webhookUrl], '[webhook URL]');
  // Not a URL: only the whole string can leak.
  const path = redactor([URL.canParse(webhookUrl) ? new URL(webhookUrl).pathname : ''], '[webhook path]');
  return (text) => path(url(text));
}
