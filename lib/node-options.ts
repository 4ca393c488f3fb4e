// How the Lambdas' Node.js runs. Source maps make stack traces readable. The old generation gets half the
// function's memory: Lambda's bootstrap would give V8 nine tenths of it, and then a large poll lets garbage grow
// until the process passes the function's memory and is killed; code, the SDK and buffers need the other half.
// Kept free of CDK imports: the benchmark runs the bundle with the same options.
export function nodeOptions(memoryMb: number): string {
  return `--enable-source-maps --max-old-space-size=${Math.floor(memoryMb / 2)}`;
}
