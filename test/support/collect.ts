/** Everything an async iterable yields, in order (Array.fromAsync, which the ES2023 lib lacks). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const value of iterable) all.push(value);
  return all;
}
