import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../functions/adapters/pleo/rate-limit.js';

describe('RateLimiter', () => {
  it('spaces requests started together to the configured rate', async () => {
    // Prepare
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(
      10,
      async (ms) => {
        waits.push(ms);
      },
      () => now,
    );

    // Act
    await Promise.all([limiter.take(), limiter.take(), limiter.take()]);
    now = 1_000;
    await limiter.take();

    // Assess
    expect(waits).toEqual([100, 200]);
  });

  it('does not wait when the limit is 0', async () => {
    const limiter = new RateLimiter(0, async () => {
      throw new Error('must not wait');
    });
    await expect(limiter.take()).resolves.toBeUndefined();
  });
});
