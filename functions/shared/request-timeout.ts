// One HTTP request's time limit, for the Pleo client and the Slack webhook alike.

export interface RequestTimeout {
  signal: AbortSignal;
  clear: () => void;
}

/**
 * Aborts one request (its body included) after `ms`, or with `outer`. Unlike `AbortSignal.timeout`, the timer is
 * cleared when the request is done: a poll making thousands of quick requests would otherwise keep a timer and a
 * composite signal alive for each of them until its timeout passed.
 */
export function requestTimeout(outer: AbortSignal | undefined, ms: number): RequestTimeout {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
    ms,
  );
  const abort = () => controller.abort(outer?.reason);
  if (outer?.aborted) abort();
  else outer?.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    },
  };
}
