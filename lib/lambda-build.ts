// How a Lambda of the stack is built, in one place: the stack bundles each function with it, and the benchmark
// and the bundled-handler tests build the poller with it, so what is measured is what is deployed. Kept free of
// CDK imports for them.
import path from 'node:path';
import { type BuildOptions, type BuildResult, buildSync } from 'esbuild';

/** The project root: esbuild resolves packages and names sources from here, the same for the stack and the bench. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export const LAMBDA_BUILD = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  // Each import() becomes a file of its own, read only when the import runs: one file would have Node parse the
  // code of every client and renderer a poll may never use at each cold start (bench/README.md).
  splitting: true,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  minify: true,
  // UTF-8 instead of \u escapes, and dependencies' preserved comments in files beside the code: the same code in
  // fewer bytes.
  charset: 'utf8',
  legalComments: 'external',
  sourcemap: true,
  sourcesContent: false,
  // ESM needs `require` for the few CommonJS dependencies esbuild bundles.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  // The AWS SDK bundled in, not the runtime's: production runs the SDK the tests ran, and it starts sooner.
  external: [],
  absWorkingDir: PROJECT_ROOT,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Builds the function whose `handler` `entry` exports into `outdir`: index.mjs (`index.handler`), its chunks, their maps. */
export function buildLambda(entry: string, outdir: string): BuildResult<{ metafile: true }> {
  return buildSync({ ...LAMBDA_BUILD, entryPoints: { index: entry }, outdir, metafile: true });
}
