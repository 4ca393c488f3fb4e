// Builds the poller Lambda the way the CDK stack's NodejsFunction does (esbuild: ESM, minified, node24, source
// map, the AWS SDK bundled in) and says what is in it; also builds the benchmark's poll child.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Git-ignored; inside the project so that the runtime-SDK figure resolves @aws-sdk/* from its node_modules. */
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
  /** Packages imported from outside the bundle, Node's own modules aside: none, the AWS SDK is in it. */
  externalImports: string[];
  /** Packages in the bundle whose code runs only when an import() asks for it (the SNS client, on a publish). */
  lazyPackages: string[];
  /** Packages bundled from more than one folder: two copies of the same code (e.g. of the SDK's core). */
  duplicatedPackages: string[];
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
 * The AWS SDK clients the poller builds at load (bench/shell/sdk-clients.ts): what the Lambda runtime would
 * provide if the SDK were left to it. Importing them from node_modules is the cold-start budget's yardstick.
 */
export const RUNTIME_SDK_CLIENTS = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/lib-dynamodb',
] as const;

/** The same SDK clients bundled alone, the floor of the poller's cold start. */
export async function buildSdkClientsBundle(outDir = BENCH_OUT_DIR): Promise<BundleInfo> {
  return buildLambdaBundle(
    path.join(SHELL_DIR, 'sdk-clients.ts'),
    path.join(outDir, 'sdk-clients', 'index.mjs'),
  );
}

/** The SDK's shared core: clients released on different days must still share one copy of each. */
export const SDK_CORE_PACKAGES = ['@aws-sdk/core', '@smithy/core'] as const;

/** How many versions of each package package-lock.json installs. */
export async function lockfileCopies(names: readonly string[]): Promise<Record<string, number>> {
  const lock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  const locations = Object.keys(lock.packages);
  return Object.fromEntries(
    names.map((name) => [name, locations.filter((where) => where.endsWith(`node_modules/${name}`)).length]),
  );
}

async function buildLambdaBundle(entry: string, outfile: string): Promise<BundleInfo> {
  await mkdir(path.dirname(outfile), { recursive: true });
  const { metafile } = await build({
    ...LAMBDA_BUILD,
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    metafile: true,
  });
  const output = Object.values(metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  if (!metafile || !output?.entryPoint)
    throw new Error(`esbuild produced no output for ${path.relative(ROOT, entry)}`);
  return {
    path: outfile,
    bytes: (await stat(outfile)).size,
    sourceMapBytes: (await stat(`${outfile}.map`)).size,
    externalImports: [
      ...new Set(output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path)),
    ].sort(),
    lazyPackages: lazyPackages(metafile, output, output.entryPoint),
    duplicatedPackages: duplicatedPackages(output),
    byPackage: bytesByPackage(output),
  };
}

/** Packages of the output none of whose files the entry reaches by static imports: they wait for an import(). */
function lazyPackages(metafile: Metafile, output: Metafile['outputs'][string], entry: string): string[] {
  const eager = new Set<string>();
  const pending = [entry];
  for (let input = pending.pop(); input !== undefined; input = pending.pop()) {
    if (eager.has(input)) continue;
    eager.add(input);
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (!imported.external && imported.kind !== 'dynamic-import') pending.push(imported.path);
    }
  }
  const inputs = Object.keys(output.inputs);
  const eagerPackages = new Set(inputs.filter((input) => eager.has(input)).map(packageOf));
  return [...new Set(inputs.map(packageOf))].filter((name) => !eagerPackages.has(name)).sort();
}

/** Packages whose files come from more than one node_modules folder. */
function duplicatedPackages(output: Metafile['outputs'][string]): string[] {
  const roots = new Map<string, Set<string>>();
  for (const input of Object.keys(output.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const name = packageOf(input);
    const root = input.slice(0, at + 'node_modules/'.length + name.length);
    roots.set(name, (roots.get(name) ?? new Set()).add(root));
  }
  return [...roots].filter(([, found]) => found.size > 1).map(([name]) => name);
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
