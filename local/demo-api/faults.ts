// Fault injection for the demo Export API: the next matching request fails in a chosen way, then service resumes.

export type Fault =
  /** 429 with an ExceptionInfo body and, when given, a Retry-After header. */
  | { status: 429; retryAfterSeconds?: number }
  /** A server error; 502 comes as an HTML page, the way a load balancer sends it. */
  | { status: 500 | 502 | 503 }
  /** The credential is rejected (expired key) or lacks the export-jobs:read scope. */
  | { status: 401 | 403 }
  /** The response is held back this long, then served normally. */
  | { delayMs: number }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { malformedJson: true }
  /** The normal response, cut half-way and the connection closed. */
  | { truncated: true }
  /** 200 with this JSON body instead of the normal one (e.g. a page without pagination). */
  | { body: unknown };

/** The faults answered with an error status instead of the normal response. */
export type StatusFault = Extract<Fault, { status: number }>;

export interface EnqueueOptions {
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
  /** Only requests whose path starts with this match (default: every request). */
  pathPrefix?: string;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  pathPrefix: string;
}

export class FaultQueue {
  #queue: QueuedFault[] = [];

  enqueue(fault: Fault, options: EnqueueOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`times must be a positive integer, got ${times}`);
    this.#queue.push({ fault, remaining: times, pathPrefix: options.pathPrefix ?? '' });
  }

  clear(): void {
    this.#queue = [];
  }

  /** How many fault applications are still queued. */
  get pending(): number {
    return this.#queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** Removes one application of the oldest fault matching the path and returns it. */
  take(path: string): Fault | undefined {
    const index = this.#queue.findIndex((entry) => path.startsWith(entry.pathPrefix));
    const entry = this.#queue[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.#queue.splice(index, 1);
    return entry.fault;
  }
}
