// claim → publish → complete for one message at a time, keeping the failure groups up to date as messages go out.
import type { Alert } from '../domain/alert.js';
import { afterDelivery, type FailureGroup, groupKey } from '../domain/lifecycle.js';
import type { AlertPublisher, AlertState, Log, OutboxEntry } from './ports.js';

export interface DeliveryCounts {
  alertsPublished: number;
  alertsFailed: number;
}

export class Delivery {
  /** Failure groups as they stand after the messages delivered so far. */
  readonly groups: Map<string, FailureGroup>;

  constructor(
    private readonly deps: {
      state: AlertState;
      publisher: () => Promise<AlertPublisher>;
      log: Log;
      now: () => Date;
    },
    groups: readonly FailureGroup[],
    private readonly counts: DeliveryCounts,
  ) {
    this.groups = new Map(groups.map((group) => [groupKey(group.companyId, group.reason), group]));
  }

  openGroup(companyId: string, reason: string): FailureGroup | undefined {
    const group = this.groups.get(groupKey(companyId, reason));
    return group?.state === 'open' ? group : undefined;
  }

  /** Delivers a message; a publish that fails leaves it in the outbox for the next poll. */
  async deliver(alert: Alert, status: OutboxEntry['status'] = 'pending'): Promise<void> {
    const { state, log, now } = this.deps;
    if (status !== 'published') {
      // A message left `publishing` by a poll that died may have gone out: say so to the reader.
      const toSend = status === 'publishing' ? { ...alert, possibleRedelivery: true } : alert;
      await state.claim(toSend, now());
      try {
        const publisher = await this.deps.publisher();
        const messageId = await publisher.publish(toSend);
        log.info('Alert published', alertFields(toSend, { messageId }));
      } catch (error) {
        this.counts.alertsFailed++;
        log.error(
          'Alert could not be published; it stays in the outbox',
          alertFields(alert, { error: String(error) }),
        );
        await state.release(alert.alertId, String(error));
        return;
      }
      await state.markPublished(alert.alertId);
      this.counts.alertsPublished++;
    }
    const key = groupKey(alert.companyId, alert.reason);
    const group = afterDelivery(this.groups.get(key), alert, now());
    await state.complete(alert, now(), group);
    if (group) this.groups.set(key, group);
  }
}

function alertFields(alert: Alert, extra: Record<string, unknown>): Record<string, unknown> {
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
