// The courier: carries each message through the outbox — stage (new alerts) → claim → publish → mark published →
// complete — and keeps the failure groups up to date as messages go out. One message failing never stops the others;
// the poll running out of time (the abort signal) or losing its lease stops them all, at once.
import type { Alert } from '../domain/alert.js';
import {
  afterDelivery,
  alertsSharingJobs,
  type FailureGroup,
  failedSinceNotice,
  groupKey,
} from '../domain/lifecycle.js';
import { LeaseLostError, PublishRefusedError } from './errors.js';
import type { AlertPublisher, Log, OutboxEntry, OutboxStore } from './ports.js';

export interface CourierCounts {
  alertsPublished: number;
  alertsFailed: number;
}

export class Courier {
  /** Failure groups as they stand after the messages delivered so far. */
  readonly groups: Map<string, FailureGroup>;
  /** Outbox entries this poll could not finish: a message with the same id waits for them, it is not sent twice. */
  private readonly unfinished = new Set<string>();
  /** Groups whose stored state this poll no longer knows (a write failed): no notice about them this poll. */
  private readonly unsettled = new Set<string>();

  constructor(
    private readonly deps: {
      state: OutboxStore;
      publisher: () => Promise<AlertPublisher>;
      log: Log;
      now: () => Date;
      /** Fires when the poll must stop: no message is claimed or published after it. */
      signal?: AbortSignal | undefined;
    },
    groups: readonly FailureGroup[],
    private readonly counts: CourierCounts,
  ) {
    this.groups = new Map(groups.map((group) => [groupKey(group.companyId, group.reason), group]));
  }

  openGroup(companyId: string, reason: string): FailureGroup | undefined {
    const group = this.groups.get(groupKey(companyId, reason));
    return group?.state === 'open' ? group : undefined;
  }

  /**
   * Finishes what earlier polls left in the outbox. Alerts staged by a poll that died before sealing were never
   * published: they are dropped, and their jobs, never recorded, are found again. So is a resolved notice whose
   * company failed again while it waited: the new failure's alert went out, the notice would contradict it. Returns the ids of the jobs
   * still in the outbox, which no new alert may repeat.
   */
  async recover(entries: readonly OutboxEntry[]): Promise<Set<string>> {
    const stagedBy = entries.flatMap((entry) => (entry.status === 'staged' ? [entry.pollId ?? ''] : []));
    const sealed = stagedBy.length > 0 ? await this.deps.state.sealedPolls(stagedBy) : new Set<string>();
    const inFlight = new Set<string>();
    for (const entry of entries) {
      if (entry.status === 'staged' && !sealed.has(entry.pollId ?? '')) {
        await this.deps.state.discard(entry.alert.alertId);
        continue;
      }
      if (entry.status !== 'published' && this.outdatedNotice(entry.alert)) {
        this.deps.log.info(
          'Resolved notice dropped: the company failed again since',
          alertFields(entry.alert),
        );
        await this.deps.state.discard(entry.alert.alertId);
        continue;
      }
      for (const job of entry.alert.jobs) inFlight.add(job.jobId);
      await this.attempt(entry.alert, entry.status);
    }
    return inFlight;
  }

  private outdatedNotice(alert: Alert): boolean {
    return (
      alert.kind === 'resolved' &&
      failedSinceNotice(this.groups.get(groupKey(alert.companyId, alert.reason)), alert)
    );
  }

  /** A poll's new alerts: staged and sealed (`stageNew`), then published (`sendStaged`). */
  async deliverNew(alerts: readonly Alert[], pollId: string): Promise<void> {
    await this.sendStaged((await this.stageNew(alerts, pollId)).staged);
  }

  /**
   * Writes a poll's new alerts down, then seals the poll, before any is published: a job whose items have several
   * reasons is in several alerts, and a failure between two of them must not lose the second. An alert that cannot
   * be written down (a write error, an item DynamoDB refuses) is reported and left out, with every alert sharing a
   * job with it (their jobs stay unrecorded, found again by the next poll); the others go on. Returns the alerts
   * staged and sealed, and those left out.
   */
  async stageNew(alerts: readonly Alert[], pollId: string): Promise<{ staged: Alert[]; leftOut: Alert[] }> {
    const { state, now, log } = this.deps;
    const staged: Alert[] = [];
    const refused: Alert[] = [];
    for (const alert of alerts) {
      this.deps.signal?.throwIfAborted();
      try {
        await state.stage(alert, pollId, now());
        staged.push(alert);
      } catch (error) {
        if (this.mustStop(error)) throw error;
        this.counts.alertsFailed++;
        refused.push(alert);
        log.error(
          'Alert could not be written down; it and the alerts sharing its jobs wait for the next poll',
          alertFields(alert, { error: String(error) }),
        );
      }
    }
    const leftOut = [...refused, ...alertsSharingJobs(refused, staged)];
    // Gone before the seal (a refused write may have happened all the same), or the next poll would publish them:
    // if one cannot be taken out, nothing of this poll may go.
    for (const alert of leftOut) await state.discard(alert.alertId);
    const kept = staged.filter((alert) => !leftOut.includes(alert));
    if (kept.length > 0) await state.seal(pollId, now());
    return { staged: kept, leftOut };
  }

  /** Publishes alerts `stageNew` wrote down. */
  async sendStaged(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) await this.attempt(alert, 'staged');
  }

  /** A message made by this poll from what it knows of the groups (a notice, a reminder, an incident, the digest). */
  async deliver(alert: Alert): Promise<void> {
    if (this.unfinished.has(alert.alertId) || this.unsettled.has(groupKey(alert.companyId, alert.reason)))
      return;
    await this.attempt(alert, 'pending');
  }

  private async attempt(alert: Alert, status: OutboxEntry['status']): Promise<void> {
    try {
      await this.steps(alert, status);
    } catch (error) {
      if (this.mustStop(error)) throw error;
      this.counts.alertsFailed++;
      this.unfinished.add(alert.alertId);
      this.unsettled.add(groupKey(alert.companyId, alert.reason));
      this.deps.log.error(
        'Alert could not be delivered; it stays in the outbox for the next poll',
        alertFields(alert, { error: String(error) }),
      );
    }
  }

  /** The poll ran out of time, or another poll took its lease: nothing more of it may happen. */
  private mustStop(error: unknown): boolean {
    return error instanceof LeaseLostError || this.deps.signal?.aborted === true;
  }

  private async steps(alert: Alert, status: OutboxEntry['status']): Promise<void> {
    const { state, log, now, signal } = this.deps;
    if (status !== 'published') {
      signal?.throwIfAborted();
      // A message left `publishing` by a poll that died may have gone out: say so to the reader.
      const claimed = await state.claim(
        status === 'publishing' ? { ...alert, possibleRedelivery: true } : alert,
        now(),
      );
      try {
        const publisher = await this.deps.publisher();
        signal?.throwIfAborted();
        const messageId = await publisher.publish(claimed, signal);
        log.info('Alert published', alertFields(claimed, { messageId }));
      } catch (error) {
        // Only a refusal proves it was not taken; after a timeout the entry stays `publishing`.
        if (error instanceof PublishRefusedError) await state.release(alert.alertId, String(error));
        throw error;
      }
      await state.markPublished(alert.alertId);
      this.counts.alertsPublished++;
    }
    const group = await state.complete(alert, now(), (stored) => afterDelivery(stored, alert, now()));
    if (group) this.groups.set(groupKey(group.companyId, group.reason), group);
  }
}

function alertFields(alert: Alert, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alertId: alert.alertId,
    kind: alert.kind,
    companyId: alert.companyId,
    reason: alert.reason,
    jobs: alert.totals.jobs,
    jobIds: alert.jobs.slice(0, 100).map((job) => job.jobId),
    ...extra,
  };
}
