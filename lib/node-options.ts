// How the Lambdas' Node.js runs. No --enable-source-maps: it would read the bundle's map at every cold start; the
// entries map their stack traces on demand instead (functions/shared/stack-traces.ts). V8's heap is sized below
// the function's memory: Lambda's bootstrap gives the old generation nine tenths of it, and a large poll then lets
// garbage grow until code, the SDK and buffers push the process past the function's memory and it is killed.
// Setting the heap here replaces the bootstrap's flags (it adds none when NODE_OPTIONS has them), so both sizes
// are given: an old generation of half the memory, and a semi-space (the young generation holds two) of 1/64 of
// it, where the bootstrap gives 5%. Objects here mostly die young either way; at 4 MB instead of 12 MB a poll of
// 100,000 jobs peaked about 30 MB lower for a few percent more time in the scavenger (bench/README.md). Kept
// free of CDK imports: the benchmark runs the bundle with the same options.
export function nodeOptions(memoryMb: number): string {
  const semiSpace = Math.max(1, Math.floor(memoryMb / 64));
  return `--max-semi-space-size=${semiSpace} --max-old-space-size=${Math.floor(memoryMb / 2)}`;
}
