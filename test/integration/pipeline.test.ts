// The whole poll through real parts: the demo Export API over HTTP, dynalite and fauxqs through the AWS SDK,
// composed exactly as `npm start` and the Lambda compose it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../functions/app/ports.js';
import { parsePollerConfig } from '../../functions/config/poller.js';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { awsRuntime } from '../../functions/handlers/poller/aws-runtime.js';
import { createPoller } from '../../functions/handlers/poller/compose.js';
import { generateDataset, randomNewFailure } from '../../local/demo-api/seed.js';
import type { DemoStore } from '../../local/demo-api/store.js';
import type { LocalParts } from '../../local/parts.js';
import { startEmbedded } from '../support/embedded.js';
import { alertsWithJobIds, onlyAlert } from '../support/structured.js';

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

/** The (job, reason) pairs the store says should be alerted. */
function expectedPairs(store: DemoStore): Set<string> {
  const pairs = new Set<string>();
  for (const job of store.listJobs({ statuses: ['failed', 'completed_with_errors'] })) {
    const items = store.getItems(job.id, 'failed') ?? [];
    if (job.status === 'failed' && job.failureReasonType)
      pairs.add(`${job.id} ${job.companyId} ${job.failureReasonType}`);
    else if (items.length === 0)
      pairs.add(`${job.id} ${job.companyId} ${job.failureReasonType ?? 'unknown'}`);
    else
      for (const item of items)
        pairs.add(
          `${job.id} ${job.companyId} ${item.failureReasonType ?? job.failureReasonType ?? 'unknown'}`,
        );
  }
  return pairs;
}

describe('the alert pipeline on the demo API, dynalite and fauxqs', () => {
  let parts: LocalParts;
  let store: DemoStore;
  let poller: ReturnType<typeof createPoller>;

  const delivered = async () =>
    ((await parts.sns?.drain()) ?? []).map((body) => parseStructuredMessage(body));

  beforeAll(async () => {
    store = generateDataset({
      companies: 8,
      failedJobs: 400,
      completedWithErrorsShare: 0.2,
      failedItemsRange: [1, 6],
      // Completed exports would resolve the groups on the next poll: the lifecycle tests cover that.
      completedJobs: 0,
      now: new Date(),
      spanDays: 5,
    });
    parts = await startEmbedded(store);
    poller = createPoller(
      parsePollerConfig({ ...process.env, LOOKBACK_DAYS: '7', PLEO_MAX_REQUESTS_PER_SECOND: '0' }),
      awsRuntime(silent),
    );
  });
  afterAll(() => parts?.close());

  it('sends one message per company on the first poll with every failure in exactly one of its groups, then nothing, then only what is new', async () => {
    // Act: the first poll
    const first = await poller.poll();
    const messages = await delivered();

    // Assess: one message per company, the state when watching began, a section per group; each (job, reason) in
    // exactly one
    const failing = store.listJobs({ statuses: ['failed', 'completed_with_errors'] }).map((j) => j.companyId);
    expect(messages.map((m) => m.companyId).sort()).toEqual([...new Set(failing)].sort());
    expect(messages.every((m) => m.combined === 'current-state')).toBe(true);
    const alerts = messages.flatMap((m) => m.alerts);
    const groups = alerts.map((a) => `${a.companyId} ${a.reason}`);
    expect(new Set(groups).size).toBe(alerts.length);
    const withIds = messages.flatMap(alertsWithJobIds);
    const pairs = withIds.flatMap((a) => a.jobIds.map((id) => `${id} ${a.companyId} ${a.reason}`));
    expect(pairs.length).toBe(new Set(pairs).size);
    expect(new Set(pairs)).toEqual(expectedPairs(store));
    expect(withIds.every((a) => a.droppedJobs === 0)).toBe(true);
    expect(first).toMatchObject({ jobsSeen: 400, newFailures: 400, alertsPublished: messages.length });

    // Act + Assess: a second poll lists only what was created since the newest job it listed, and sends nothing
    const second = await poller.poll();
    expect(second).toMatchObject({ newFailures: 0, alertsPublished: 0 });
    expect(second.jobsSeen).toBeLessThan(100); // one page: the jobs at the newest time listed, not all 400
    expect(await delivered()).toEqual([]);

    // Act + Assess: one new failure → its own alert (one per reason, a few at most), holding it
    const late = randomNewFailure(store, new Date());
    await poller.poll();
    const after = await delivered();
    expect(after.length).toBeGreaterThanOrEqual(1);
    const lateAlerts = after.map(onlyAlert);
    expect(lateAlerts.every((a) => a.jobs.every((j) => j.jobId === late.id))).toBe(true);
    expect(lateAlerts.map((a) => a.reason).sort()).toEqual(
      [...expectedPairs(store)]
        .filter((p) => p.startsWith(late.id))
        .map((p) => p.split(' ')[2])
        .sort(),
    );
    // Three polls of 400 jobs through real I/O: half a minute and more on a loaded machine.
  }, 120_000);
});
