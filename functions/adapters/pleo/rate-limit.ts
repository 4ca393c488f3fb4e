// Spaces requests so the poller never sends Pleo more than a set number per second, however many run at once.

export class RateLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(
    requestsPerSecond: number,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
    private readonly clock: () => number = Date.now,
  ) {
    this.intervalMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
  }

  /** Resolves when the caller may send its request. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.intervalMs === 0) return;
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.sleep(slot - now, signal);
  }
}
