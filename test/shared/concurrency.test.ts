import { describe, expect, it } from 'vitest';
import { createLimiter, forEachLimited } from '../../functions/shared/concurrency.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const run = createLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('forEachLimited', () => {
  it('stops starting work after the first error and throws it', async () => {
    const started: number[] = [];
    const attempt = forEachLimited([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 2) throw new Error('boom');
    });
    await expect(attempt).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(6);
  });

  it('throws only once the work in flight has ended', async () => {
    // Prepare
    const ended: number[] = [];

    // Act
    const attempt = forEachLimited([1, 2, 3], 3, async (n) => {
      if (n === 1) throw new Error('boom');
      await tick();
      ended.push(n);
    });

    // Assess
    await expect(attempt).rejects.toThrow('boom');
    expect(ended.sort()).toEqual([2, 3]);
  });
});
