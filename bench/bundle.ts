// Builds the poller Lambda as the stack builds it (lib/lambda-build.ts: esbuild, ESM split at each import(),
// minified, node24, source maps, the AWS SDK bundled in) and says what is in it; also builds the benchmark's poll
// child.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { buildLambda } from '../lib/lambda-build.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Git-ignored; inside the project so that the runtime-SDK figure resolves @aws-sdk/* from its node_modules. */
export const BENCH_OUT_DIR = path.join(ROOT, '.bench');
const POLLER_ENTRY = path.join(ROOT, 'functions', 'handlers', 'poller', 'index.ts');
const CHILD_ENTRY = path.join(ROOT, 'bench', 'poll-child.ts');
const SHELL_DIR = path.join(ROOT, 'bench', 'shell');

export interface BundleInfo {
  /** The file Lambda loads (index.mjs); its chunks are beside it. */
  path: string;
  /** All the code deployed (index.mjs and its chunks), without source maps. */
  bytes: number;
  /** Of `bytes`, what a cold start reads: index.mjs and the chunks it imports statically. */
  startBytes: number;
  sourceMapBytes: number;
  /** Packages imported from outside the bundle, Node's own modules aside: none, the AWS SDK is in it. */
  externalImports: string[];
  /** Packages in the bundle whose code is read only when an import() asks for it (the SNS client, on a publish). */
  lazyPackages: string[];
  /** Packages bundled from more than one folder: two copies of the same code (e.g. of the SDK's core). */
  duplicatedPackages: string[];
  /** Bytes in the output per package (or per functions/ folder), largest first. */
  byPackage: Array<{ name: string; bytes: number }>;
}

export async function buildPollerBundle(outDir = BENCH_OUT_DIR): Promise<BundleInfo> {
  return buildLambdaBundle(POLLER_ENTRY, path.join(outDir, 'poller'));
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
    buildLambdaBundle(path.join(SHELL_DIR, `${name}.ts`), path.join(outDir, 'shell', name));
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
  return buildLambdaBundle(path.join(SHELL_DIR, 'sdk-clients.ts'), path.join(outDir, 'sdk-clients'));
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

async function buildLambdaBundle(entry: string, outDir: string): Promise<BundleInfo> {
  await mkdir(outDir, { recursive: true });
  const { metafile } = buildLambda(entry, outDir);
  const code = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  // A chunk an import() loads names that import's target as its entry point too.
  const [entryFile] =
    code.find(([, output]) => output.entryPoint && path.resolve(ROOT, output.entryPoint) === entry) ?? [];
  if (!entryFile) throw new Error(`esbuild produced no output for ${path.relative(ROOT, entry)}`);
  const outputs = code.map(([, output]) => output);
  const atStart = startChunks(metafile, entryFile);
  const mapBytes = await Promise.all(code.map(([file]) => stat(path.join(ROOT, `${file}.map`))));
  return {
    path: path.join(ROOT, entryFile),
    bytes: sum(outputs.map((output) => output.bytes)),
    startBytes: sum([...atStart].map((file) => metafile.outputs[file]?.bytes ?? 0)),
    sourceMapBytes: sum(mapBytes.map((map) => map.size)),
    externalImports: [
      ...new Set(
        outputs.flatMap((output) =>
          output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path),
        ),
      ),
    ].sort(),
    lazyPackages: lazyPackages(metafile, atStart),
    duplicatedPackages: duplicatedPackages(outputs),
    byPackage: bytesByPackage(outputs),
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The entry's file and the chunks it imports statically, transitively: what Node reads before the handler runs. */
function startChunks(metafile: Metafile, entryFile: string): Set<string> {
  const files = new Set<string>();
  const pending = [entryFile];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (!imported.external && imported.kind === 'import-statement') pending.push(imported.path);
    }
  }
  return files;
}

/** Packages none of whose code is in the files read at start: they wait for an import(). */
function lazyPackages(metafile: Metafile, atStart: Set<string>): string[] {
  const packagesIn = (files: string[]) =>
    new Set(files.flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {}).map(packageOf)));
  const eager = packagesIn([...atStart]);
  const all = packagesIn(Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs')));
  return [...all].filter((name) => !eager.has(name)).sort();
}

/** Packages whose files come from more than one node_modules folder. */
function duplicatedPackages(outputs: Metafile['outputs'][string][]): string[] {
  const roots = new Map<string, Set<string>>();
  for (const input of outputs.flatMap((output) => Object.keys(output.inputs))) {
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

function bytesByPackage(outputs: Metafile['outputs'][string][]): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of outputs.flatMap((output) => Object.entries(output.inputs))) {
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
