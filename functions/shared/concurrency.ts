// Bounded concurrency: how many DynamoDB batches, Pleo item listings or deliveries run at once. p-limit does the
// limiting; this adds stopping at the first error.
import pLimit from 'p-limit';

/** Returns a runner that lets at most `limit` of the functions given to it run at the same time. */
export const createLimiter = (limit: number) => pLimit(limit);

/**
 * Runs `work` over `items` with at most `limit` in flight. The first error stops new work and is thrown once the
 * work in flight has ended, so that nothing of it runs on after the caller has moved on.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const limiter = pLimit(limit);
  const errors: unknown[] = [];
  await Promise.all(
    items.map((item) =>
      limiter(async () => {
        if (errors.length > 0) return;
        try {
          await work(item);
        } catch (error) {
          errors.push(error);
        }
      }),
    ),
  );
  if (errors.length > 0) throw errors[0];
}
