// One retry loop, for every call the Lambdas repeat by hand: Pleo's API, Slack's webhook, and the rounds of items
// DynamoDB leaves unprocessed. Exponential backoff with full jitter, Retry-After (seconds or an HTTP date) honoured,
// a cap on attempts and on the total time spent waiting, and waits that end when the caller's signal aborts.
//
// Not undici's RetryAgent, although Node's fetch is undici: it needs the `undici` package beside the runtime's own
// copy; its waits have no jitter and ignore the caller's AbortSignal; it has no total budget and caps a long
// Retry-After where Pleo's client must give up; it cannot take a slot from Pleo's rate limiter (or count a request)
// before each retry, nor time each attempt on its own; and it resumes a body cut off mid-stream with a Range request,
// which Pleo does not serve. The AWS SDK's own retry covers its calls; DynamoDB's unprocessed items are ours.
import { setTimeout as wait } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** The longest backoff; a Retry-After may ask for longer. */
  maxDelayMs: number;
  /** Total time one call may spend waiting between attempts: a wait that would pass it gives up instead. */
  budgetMs?: number | undefined;
}

export interface RetryDeps {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
}

/** What one attempt came to: its result, or a failure worth another attempt and the error to give up with. */
export type Attempt<T> =
  | { done: T }
  | {
      /** Asked for by the server (Retry-After): waited for when longer than the backoff. */
      retryAfterMs?: number | undefined;
      /** The error to fail with when no attempt is left, given how many were made. */
      fail: (attempts: number) => Error;
    };

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  wait(ms, undefined, { signal }).catch((error: unknown) => {
    throw signal?.reason ?? error;
  });

/**
 * Runs `attempt` (numbered from 1) until it is done, waiting between attempts.
 * @throws the attempt's own error, the error its `fail` makes when no attempt or budget is left, or the signal's
 *   reason when it aborts a wait.
 */
export async function retrying<T>(
  attempt: (attemptNumber: number) => Promise<Attempt<T>>,
  policy: RetryPolicy,
  { deps, signal }: { deps: RetryDeps; signal?: AbortSignal | undefined },
): Promise<T> {
  let waitedMs = 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const outcome = await attempt(attemptNumber);
    if ('done' in outcome) return outcome.done;
    const delayMs = Math.max(backoffMs(attemptNumber, policy, deps.random), outcome.retryAfterMs ?? 0);
    if (
      attemptNumber >= policy.maxAttempts ||
      waitedMs + delayMs > (policy.budgetMs ?? Number.POSITIVE_INFINITY)
    ) {
      throw outcome.fail(attemptNumber);
    }
    waitedMs += delayMs;
    await deps.sleep(delayMs, signal);
  }
}

/** The wait after attempt `attemptNumber`: doubling from the base up to the cap, with full jitter. */
function backoffMs(attemptNumber: number, policy: RetryPolicy, random: () => number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1)) * random();
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
