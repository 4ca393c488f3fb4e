// The poll's request counts, exactly: the bundled Lambda against the demo Export API, dynalite and fauxqs, counted
// with the benchmark's own code and held to its ideal. Timings are the benchmark's business, not this test's.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS } from '../../bench/budgets.js';
import {
  BENCH_OUT_DIR,
  type BundleInfo,
  buildPollChild,
  buildPollerBundle,
  buildSdkClientsBundle,
  buildShellBundles,
  lockfileCopies,
  RUNTIME_SDK_CLIENTS,
  SDK_CORE_PACKAGES,
  type ShellBundles,
} from '../../bench/bundle.js';
import { type PhaseFigures, phaseFigures } from '../../bench/figures.js';
import { runScenario, type ScenarioResult } from '../../bench/scenario.js';
import { generateDataset } from '../../local/demo-api/seed.js';

describe('poll request counts against the ideal', () => {
  let outDir: string;
  let bundle: BundleInfo;
  let shells: ShellBundles;
  let result: ScenarioResult;
  let cold: PhaseFigures;
  let warm: PhaseFigures;

  beforeAll(async () => {
    // Prepare: 1,050 jobs (a last partial page), some item listings longer than a page
    await mkdir(BENCH_OUT_DIR, { recursive: true });
    outDir = await mkdtemp(path.join(BENCH_OUT_DIR, 'test-'));
    bundle = await buildPollerBundle(outDir);
    shells = await buildShellBundles(outDir);
    const tools = { bundle: bundle.path, child: await buildPollChild(outDir) };
    const store = generateDataset({
      companies: 20,
      failedJobs: 1_050,
      completedWithErrorsShare: 0.2,
      failedItemsRange: [1, 250],
      spanDays: 5,
    });

    // Act: a poll that finds everything new, then one that finds nothing new
    result = await runScenario({ store, lookbackDays: 7, tools });
    cold = phaseFigures(result.cold, result.ideal.cold);
    warm = phaseFigures(result.warm, result.ideal.warm);
    // Three bundles and two polls of a child process: a few seconds alone, minutes on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('lists every page once and fetches each item page once when everything is new', () => {
    expect(result.ideal.cold).toMatchObject({ jobs: 1_050, listPages: 11, batchGets: 11 });
    expect(result.ideal.cold.itemPages).toBeGreaterThan(result.ideal.cold.jobsNeedingItems);
    expect(cold.listPages.measured).toBe(result.ideal.cold.listPages);
    expect(cold.itemPages.measured).toBe(result.ideal.cold.itemPages);
    expect(cold.completedListPages.measured).toBe(0);
    expect(cold.pleo.measured).toBe(cold.pleo.ideal);
    expect(result.cold.server.total).toBe(cold.pleo.measured);
  });

  it('asks DynamoDB about the jobs in batches of 100 when everything is new', () => {
    expect(cold.batchGets.measured).toBe(Math.ceil(1_050 / 100));
  });

  it('publishes one message per company on the first poll, for all its (company, reason) groups', () => {
    expect(result.ideal.cold.publishes).toBe(20);
    expect(result.ideal.cold.groups).toBeGreaterThan(result.ideal.cold.publishes);
    expect(cold.publishes.measured).toBe(result.ideal.cold.publishes);
    expect(cold.delivered).toBe(result.ideal.cold.publishes);
  });

  it('delivers with DynamoDB requests counted beside the ideal: what the outbox adds to never lose or repeat', () => {
    // Per message: staged, claimed, marked published, its jobs recorded 25 at a time, its groups read, then
    // written with the entry's removal; and the poll's seal.
    expect(cold.deliveryRequests.measured).toBeGreaterThan(cold.deliveryRequests.ideal);
    expect(cold.deliveryRequests.ideal).toBe(result.ideal.cold.deliveryRequests);
    const {
      TransactWriteItems = 0,
      BatchWriteItem = 0,
      BatchGetItem = 0,
    } = result.cold.run.outcome.dynamoDeliveryRequests;
    expect(cold.deliveryRequests.measured).toBe(TransactWriteItems + BatchWriteItem + BatchGetItem);
    expect(result.cold.run.outcome.dynamoDeliveryRequests).toMatchObject({
      // stage, claim, mark published, complete per message, and the seal
      TransactWriteItems: 4 * 20 + 1,
      BatchGetItem: 20,
    });
    expect(warm.deliveryRequests.measured).toBe(0);
  });

  it('lists the same pages, fetches no items and publishes nothing when nothing is new', () => {
    expect(warm.listPages.measured).toBe(result.ideal.warm.listPages);
    expect(warm.itemPages.measured).toBe(0);
    // Whether the open groups were resolved: one page, as the data has no completed exports since the failures.
    expect(result.ideal.warm.resolutionPages).toBe(1);
    expect(warm.completedListPages.measured).toBe(result.ideal.warm.resolutionPages);
    expect(warm.pleo.measured).toBe(warm.pleo.ideal);
    expect(warm.batchGets.measured).toBe(Math.ceil(1_050 / 100));
    expect(warm.publishes.measured).toBe(0);
    expect(warm.delivered).toBe(0);
  });

  it('builds a Lambda bundle within the size budget, with the AWS SDK in it and nothing imported from outside', () => {
    expect(BUDGETS.bundleBytes).toBe(1024 * 1024);
    expect(bundle.bytes).toBeLessThanOrEqual(BUDGETS.bundleBytes);
    expect(bundle.externalImports).toEqual([]);
    expect(bundle.byPackage.map((part) => part.name)).toEqual(
      expect.arrayContaining([...RUNTIME_SDK_CLIENTS, '@aws-sdk/client-sns']),
    );
  });

  it("bundles one copy of the SDK's core, as the lockfile installs one", async () => {
    expect(bundle.duplicatedPackages).toEqual([]);
    expect(bundle.byPackage.map((part) => part.name)).toEqual(expect.arrayContaining([...SDK_CORE_PACKAGES]));
    expect(await lockfileCopies(SDK_CORE_PACKAGES)).toEqual({ '@aws-sdk/core': 1, '@smithy/core': 1 });
  });

  it('sets up the SNS client (and the renderers) only when a publish asks for it', () => {
    expect(bundle.lazyPackages).toEqual(expect.arrayContaining(['@aws-sdk/client-sns', 'functions/render']));
    expect(bundle.lazyPackages).not.toEqual(expect.arrayContaining([RUNTIME_SDK_CLIENTS[0]]));
    expect(warm.publishes.measured).toBe(0);
  });

  it("measures the cold start against shells that load the poller's SDK clients and none of its own code", () => {
    const ownCode = (info: BundleInfo) =>
      info.byPackage.map((part) => part.name).filter((name) => name.startsWith('functions/'));
    for (const shell of [shells.framework, shells.withConfig]) {
      expect(shell.externalImports).toEqual([]);
      expect(
        ownCode(shell).filter(
          // The runtime's secret and parameter readers wrap the SDK clients the shell builds: SDK set-up, not poll code.
          (folder) =>
            ![
              'functions/handlers/poller',
              'functions/adapters/secrets',
              'functions/adapters/parameters',
              'functions/config',
              // The settings read a connection's name by the contract's rule (STACK_NAME).
              'functions/contracts',
              'functions/shared',
            ].includes(folder),
        ),
      ).toEqual([]);
    }
    expect(ownCode(bundle)).toEqual(
      expect.arrayContaining(['functions/domain', 'functions/adapters/pleo', 'functions/adapters/dynamodb']),
    );
    expect(shells.framework.byPackage.map((part) => part.name)).not.toContain('zod');
    expect(shells.withConfig.byPackage.map((part) => part.name)).toContain('zod');
  });

  it("builds the runtime's SDK clients alone, the floor of the poller's cold start", async () => {
    const sdkClients = await buildSdkClientsBundle(outDir);
    expect(sdkClients.byPackage.filter((part) => part.name.startsWith('functions/'))).toEqual([]);
    expect(sdkClients.byPackage.map((part) => part.name)).toEqual(
      expect.arrayContaining([...RUNTIME_SDK_CLIENTS]),
    );
  });
});
