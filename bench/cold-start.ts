// Cold start: how long a fresh node process takes to import the poller bundle (the AWS SDK in it), against
// importing the runtime's own SDK clients it replaces (from node_modules, as the Lambda runtime would provide
// them), the same clients bundled alone, a bare `node -e 0`, and the shells (bench/shell) that show what the
// design's libraries and the zod configuration add before our code.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeOptions } from '../lib/node-options.js';
import { type BundleInfo, RUNTIME_SDK_CLIENTS, type ShellBundles } from './bundle.js';
import { LAMBDA_MEMORY_MB } from './scenario.js';

export interface ColdStartTimes {
  runs: number;
  /** Medians of whole process lifetimes, spawn to exit, in ms. */
  bareMs: number;
  /** The runtime's SDK clients the bundle replaces, imported from node_modules. */
  sdkMs: number;
  /** The SDK clients with Powertools, middy and the DynamoDB client built. */
  frameworkMs: number;
  /** The same with the environment parsed by the poller's zod schema. */
  frameworkConfigMs: number;
  /** The bundle with the NODE_OPTIONS the stack deploys it with. */
  bundleMs: number;
  /** The same with Node mapping stack traces itself, for what mapping them on demand saves. */
  bundleSourceMapsMs: number;
  /** The same SDK clients bundled alone: the floor of the bundle. */
  sdkClientsBundledMs: number;
}

/** What the handler needs at load; nothing is called, and any stray AWS call would go to 127.0.0.1. */
const LOAD_ENV = {
  PLEO_API_URL: 'http://127.0.0.1:9',
  PLEO_CREDENTIAL_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pleo-api-key',
  TABLE_NAME: 'pleo-export-alerts',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:pleo-export-alerts',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  POWERTOOLS_SERVICE_NAME: 'pleo-export-alerts',
  POWERTOOLS_METRICS_NAMESPACE: 'PleoExportAlerts',
};

export async function measureColdStart(
  bundle: BundleInfo,
  shells: ShellBundles,
  sdkClients: BundleInfo,
  runs: number,
): Promise<ColdStartTimes> {
  const dir = path.dirname(path.dirname(bundle.path));
  const importer = async (name: string, lines: string[]) => {
    const file = path.join(dir, `import-${name}.mjs`);
    await writeFile(file, lines.join(''));
    return file;
  };
  const importOf = (info: BundleInfo) => `import ${JSON.stringify(`./${path.relative(dir, info.path)}`)};\n`;
  const sdkEntry = await importer(
    'sdk',
    RUNTIME_SDK_CLIENTS.map((name) => `import '${name}';\n`),
  );
  const frameworkEntry = await importer('framework', [importOf(shells.framework)]);
  const frameworkConfigEntry = await importer('framework-config', [importOf(shells.withConfig)]);
  const bundleEntry = await importer('bundle', [importOf(bundle)]);
  const sdkClientsBundledEntry = await importer('sdk-clients-bundled', [importOf(sdkClients)]);

  const env = { PATH: process.env.PATH, ...LOAD_ENV };
  // Everything but the bare node runs with the stack's NODE_OPTIONS, as the SDK itself would in the Lambda.
  const deployed = { ...env, NODE_OPTIONS: nodeOptions(LAMBDA_MEMORY_MB) };
  const variants = {
    bare: () => time(['-e', '0'], env),
    sdk: () => time([sdkEntry], deployed),
    framework: () => time([frameworkEntry], deployed),
    frameworkConfig: () => time([frameworkConfigEntry], deployed),
    bundle: () => time([bundleEntry], deployed),
    bundleSourceMaps: () =>
      time([bundleEntry], { ...deployed, NODE_OPTIONS: `--enable-source-maps ${deployed.NODE_OPTIONS}` }),
    sdkClientsBundled: () => time([sdkClientsBundledEntry], deployed),
  };
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, [] as number[]])) as Record<
    keyof typeof variants,
    number[]
  >;
  // One unrecorded round first, so that the first variant does not pay for a cold file cache alone.
  for (const run of Object.values(variants)) run();
  // Interleaved, so that a burst of load on the machine hits every variant alike.
  for (let round = 0; round < runs; round++) {
    for (const [name, run] of Object.entries(variants)) samples[name as keyof typeof variants].push(run());
  }
  return {
    runs,
    bareMs: median(samples.bare),
    sdkMs: median(samples.sdk),
    frameworkMs: median(samples.framework),
    frameworkConfigMs: median(samples.frameworkConfig),
    bundleMs: median(samples.bundle),
    bundleSourceMapsMs: median(samples.bundleSourceMaps),
    sdkClientsBundledMs: median(samples.sdkClientsBundled),
  };
}

function time(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2_000)}`);
  }
  return elapsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
