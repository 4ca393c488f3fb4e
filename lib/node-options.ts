// How the Lambdas' Node.js runs. Source maps make stack traces readable. V8's heap is sized below the function's
// memory: Lambda's bootstrap gives the old generation nine tenths of it, and a large poll then lets garbage grow
// until code, the SDK and buffers push the process past the function's memory and it is killed. Setting the heap
// here replaces the bootstrap's flags (it adds none when NODE_OPTIONS has them), so both sizes are given: a
// semi-space of 5% of the memory, as the bootstrap sets, and an old generation of half of it.
// Kept free of CDK imports: the benchmark runs the bundle with the same options.
export function nodeOptions(memoryMb: number): string {
  const semiSpace = Math.floor((memoryMb * 5) / 100);
  return `--enable-source-maps --max-semi-space-size=${semiSpace} --max-old-space-size=${Math.floor(memoryMb / 2)}`;
}
