// Builds the poller Lambda the way the CDK stack's NodejsFunction does (esbuild: ESM, minified, node24, source
// map, AWS SDK left to the runtime) and says what is in it; also builds the benchmark's poll child.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Git-ignored; inside the project so that the bundle resolves @aws-sdk/* from its node_modules. */
export const BENCH_OUT_DIR = path.join(ROOT, '.bench');
const POLLER_ENTRY = path.join(ROOT, 'functions', 'handlers', 'poller', 'index.ts');
const CHILD_ENTRY = path.join(ROOT, 'bench', 'poll-child.ts');
const SHELL_DIR = path.join(ROOT, 'bench', 'shell');

/** The options of lib/constructs/alerter-function.ts, as esbuild options: test/infra checks both build the same bytes. */
const LAMBDA_BUILD: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  charset: 'utf8',
  legalComments: 'external',
  sourcemap: true,
  sourcesContent: false,
  external: ['@aws-sdk/*'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

export interface BundleInfo {
  path: string;
  /** The .mjs Lambda loads, without its source map. */
  bytes: number;
  sourceMapBytes: number;
  /** @aws-sdk/* packages imported when the module loads. */
  staticSdkImports: string[];
  /** @aws-sdk/* packages imported only by import() when the code asks for them. */
  dynamicOnlySdkImports: string[];
  /** Bytes in the output per package (or per functions/ folder), largest first. */
  byPackage: Array<{ name: string; bytes: number }>;
}

export async function buildPollerBundle(outDir = BENCH_OUT_DIR): Promise<BundleInfo> {
  return buildLambdaBundle(POLLER_ENTRY, path.join(outDir, 'poller', 'index.mjs'));
}

/** What the design loads before any of the poller's own code (bench/shell), built the same way. */
export interface ShellBundles {
  /** Powertools, middy and the DynamoDB client. */
  framework: BundleInfo;
  /** The same, with the environment parsed by the poller's zod schema. */
  withConfig: BundleInfo;
}

export async function buildShellBundles(outDir = BENCH_OUT_DIR): Promise<ShellBundles> {
  const shell = (name: string) =>
    buildLambdaBundle(path.join(SHELL_DIR, `${name}.ts`), path.join(outDir, 'shell', name, 'index.mjs'));
  return { framework: await shell('framework'), withConfig: await shell('with-config') };
}

/**
 * The option not taken (bench/README.md): the poller with the AWS SDK bundled in, and the SDK clients it
 * builds at load bundled alone. SNS, loaded on the first publish, stays the runtime's in both.
 */
export interface SdkBundled {
  poller: BundleInfo;
  sdkClients: BundleInfo;
}

export async function buildSdkBundled(outDir = BENCH_OUT_DIR): Promise<SdkBundled> {
  const withSdk = { external: ['@aws-sdk/client-sns'] };
  const out = (name: string) => path.join(outDir, 'sdk-bundled', name, 'index.mjs');
  return {
    poller: await buildLambdaBundle(POLLER_ENTRY, out('poller'), withSdk),
    sdkClients: await buildLambdaBundle(path.join(SHELL_DIR, 'sdk-clients.ts'), out('sdk-clients'), withSdk),
  };
}

async function buildLambdaBundle(
  entry: string,
  outfile: string,
  overrides: BuildOptions = {},
): Promise<BundleInfo> {
  await mkdir(path.dirname(outfile), { recursive: true });
  const { metafile } = await build({
    ...LAMBDA_BUILD,
    ...overrides,
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    metafile: true,
  });
  const output = Object.values(metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`esbuild produced no output for ${path.relative(ROOT, entry)}`);
  const sdk = (kind: string) =>
    new Set(
      output.imports.filter((i) => i.kind === kind && i.path.startsWith('@aws-sdk/')).map((i) => i.path),
    );
  const staticSdk = sdk('import-statement');
  return {
    path: outfile,
    bytes: (await stat(outfile)).size,
    sourceMapBytes: (await stat(`${outfile}.map`)).size,
    staticSdkImports: [...staticSdk].sort(),
    dynamicOnlySdkImports: [...sdk('dynamic-import')].filter((name) => !staticSdk.has(name)).sort(),
    byPackage: bytesByPackage(output),
  };
}

/** The poll child as plain JavaScript, so that the measured process runs without a TypeScript loader. */
export async function buildPollChild(outDir = BENCH_OUT_DIR): Promise<string> {
  const outfile = path.join(outDir, 'poll-child.mjs');
  await build({
    entryPoints: [CHILD_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    logLevel: 'warning',
  });
  return outfile;
}

function bytesByPackage(output: Metafile['outputs'][string]): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function packageOf(input: string): string {
  const inModules = input.split('node_modules/').pop() ?? input;
  if (inModules !== input) {
    const [scope = '', name = ''] = inModules.split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  return path.dirname(input);
}
