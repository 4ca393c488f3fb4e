// The courier: carries each message through the outbox — stage (new alerts) → claim → publish → mark published →
// complete — and keeps the failure groups up to date as messages go out. A message is one alert, reminder or notice,
// or several of one company and kind combined (functions/domain/rollup.ts): one outbox entry either way, and
// completing it updates every group inside it. One message failing never stops the others; the poll running out of
// time (the abort signal) or losing its lease stops them all, at once. Messages go out with bounded concurrency,
// one company's one after another: no two deliveries in flight touch the same failure group.
import { type Alert, alertsOf, isCombined, type Message, reasonsOf } from '../domain/alert.js';
import {
  afterDeliveryOfAll,
  alertsSharingJobs,
  type FailureGroup,
  failedSinceNotice,
  groupKey,
} from '../domain/lifecycle.js';
import { rollUp } from '../domain/rollup.js';
import { forEachLimited } from '../shared/concurrency.js';
import { LeaseLostError, PublishRefusedError } from './errors.js';
import type { AlertPublisher, Log, OutboxEntry, OutboxStore } from './ports.js';

export interface CourierCounts {
  alertsPublished: number;
  alertsFailed: number;
}

export interface CourierDeps {
  state: OutboxStore;
  publisher: () => Promise<AlertPublisher>;
  log: Log;
  now: () => Date;
  /** Fires when the poll must stop: no message is claimed or published after it. */
  signal?: AbortSignal | undefined;
  /** Companies whose messages are delivered at once (each company's in turn); 1 when not given. */
  deliveryConcurrency?: number | undefined;
  /** More reminders or notices than this for one company go out as one message; 0 (or not given) sends each. */
  rollupAbove?: number | undefined;
}

export class Courier {
  /** Failure groups as they stand after the messages delivered so far. */
  readonly groups: Map<string, FailureGroup>;
  /**
   * Messages this poll could not finish, and the alerts inside them: a message with the same id, or carrying one of
   * them, waits for them; it is not sent twice.
   */
  private readonly unfinished = new Set<string>();
  /** Groups whose stored state this poll no longer knows (a write failed): no notice about them this poll. */
  private readonly unsettled = new Set<string>();

  constructor(
    private readonly deps: CourierDeps,
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
   * Finishes what earlier polls left in the outbox. Messages staged by a poll that died before sealing were never
   * published: they are dropped, and their jobs, never recorded, are found again. So is a resolved notice whose
   * company failed again while it waited: the new failure's alert went out, the notice would contradict it (a
   * combined notice's other sections go out anew). Returns the ids of the jobs still in the outbox, which no new
   * alert may repeat.
   */
  async recover(entries: readonly OutboxEntry[]): Promise<Set<string>> {
    const stagedBy = entries.flatMap((entry) => (entry.status === 'staged' ? [entry.pollId ?? ''] : []));
    const sealed = stagedBy.length > 0 ? await this.deps.state.sealedPolls(stagedBy) : new Set<string>();
    const inFlight = new Set<string>();
    const resumed: OutboxEntry[] = [];
    const stillTrue: Alert[] = [];
    for (const entry of entries) {
      const { message, status } = entry;
      if (status === 'staged' && !sealed.has(entry.pollId ?? '')) {
        await this.deps.state.discard(message.alertId);
        continue;
      }
      const outdated = status === 'published' ? [] : alertsOf(message).filter((a) => this.outdatedNotice(a));
      if (outdated.length > 0) {
        this.deps.log.info('Resolved notice dropped: the company failed again since', alertFields(message));
        await this.deps.state.discard(message.alertId);
        // Its other sections may have gone out with it, if it was being published.
        const others = alertsOf(message).filter((alert) => !outdated.includes(alert));
        stillTrue.push(...others.map((alert) => ({ ...alert, possibleRedelivery: status === 'publishing' })));
        continue;
      }
      for (const alert of alertsOf(message)) for (const job of alert.jobs) inFlight.add(job.jobId);
      resumed.push(entry);
    }
    await this.inTurns(
      resumed,
      (entry) => entry.message,
      (entry) => this.attempt(entry.message, entry.status),
    );
    await this.deliverAll(stillTrue);
    return inFlight;
  }

  private outdatedNotice(alert: Alert): boolean {
    return (
      alert.kind === 'resolved' &&
      failedSinceNotice(this.groups.get(groupKey(alert.companyId, alert.reason)), alert)
    );
  }

  /**
   * Writes a poll's new messages down, then seals the poll, before any is published: a job whose items have several
   * reasons is in several alerts, and a failure between two of them must not lose the second. A message that cannot
   * be written down (a write error, an item DynamoDB refuses) is reported and left out, with every message sharing a
   * job with it (their jobs stay unrecorded, found again by the next poll); the others go on. Returns the messages
   * staged and sealed, and those left out.
   */
  async stageNew(
    messages: readonly Message[],
    pollId: string,
  ): Promise<{ staged: Message[]; leftOut: Message[] }> {
    const { state, now, log } = this.deps;
    const refused = new Set<Message>();
    await this.inTurns(
      messages,
      (message) => message,
      async (message) => {
        this.deps.signal?.throwIfAborted();
        try {
          await state.stage(message, pollId, now());
        } catch (error) {
          if (this.mustStop(error)) throw error;
          this.counts.alertsFailed++;
          refused.add(message);
          log.error(
            'Message could not be written down; it and the messages sharing its jobs wait for the next poll',
            alertFields(message, { error: String(error) }),
          );
        }
      },
    );
    const staged = messages.filter((message) => !refused.has(message));
    const leftOut = [...refused, ...alertsSharingJobs([...refused], staged)];
    // Gone before the seal (a refused write may have happened all the same), or the next poll would publish them:
    // if one cannot be taken out, nothing of this poll may go.
    for (const message of leftOut) await state.discard(message.alertId);
    const kept = staged.filter((message) => !leftOut.includes(message));
    if (kept.length > 0) await state.seal(pollId, now());
    return { staged: kept, leftOut };
  }

  /** Publishes messages `stageNew` wrote down. */
  async sendStaged(messages: readonly Message[]): Promise<void> {
    await this.inTurns(
      messages,
      (message) => message,
      (message) => this.attempt(message, 'staged'),
    );
  }

  /**
   * Messages made by this poll from what it knows of the groups, all of one kind (resolved notices, reminders): a
   * company's many go out as one (`rollupAbove`). Those about a group this poll could not settle wait.
   */
  async deliverAll(alerts: readonly Alert[]): Promise<void> {
    const due = alerts.filter((alert) => !this.waits(alert));
    const messages = rollUp(due, { rollupAbove: this.deps.rollupAbove ?? 0 });
    await this.inTurns(
      messages,
      (message) => message,
      (message) => this.attempt(message, 'pending'),
    );
  }

  /** One message made by this poll (an incident, its resolved notice, the digest). */
  async deliver(message: Message): Promise<void> {
    if (this.unfinished.has(message.alertId) || alertsOf(message).some((alert) => this.waits(alert))) return;
    await this.attempt(message, 'pending');
  }

  private waits(alert: Alert): boolean {
    return this.unfinished.has(alert.alertId) || this.unsettled.has(groupKey(alert.companyId, alert.reason));
  }

  /**
   * Runs `work` over `items` with at most `deliveryConcurrency` companies at once, each company's items one after
   * another in their order: two messages about one group (parts of a large one) never complete at the same time.
   */
  private async inTurns<T>(
    items: readonly T[],
    messageOf: (item: T) => Message,
    work: (item: T) => Promise<void>,
  ): Promise<void> {
    const byCompany = new Map<string, T[]>();
    for (const item of items) {
      const company = messageOf(item).companyId;
      byCompany.set(company, [...(byCompany.get(company) ?? []), item]);
    }
    await forEachLimited([...byCompany.values()], this.deps.deliveryConcurrency ?? 1, async (turn) => {
      for (const item of turn) await work(item);
    });
  }

  private async attempt(message: Message, status: OutboxEntry['status']): Promise<void> {
    try {
      await this.steps(message, status);
    } catch (error) {
      if (this.mustStop(error)) throw error;
      this.counts.alertsFailed++;
      this.unfinished.add(message.alertId);
      for (const alert of alertsOf(message)) {
        this.unfinished.add(alert.alertId);
        this.unsettled.add(groupKey(alert.companyId, alert.reason));
      }
      this.deps.log.error(
        'Message could not be delivered; it stays in the outbox for the next poll',
        alertFields(message, { error: String(error) }),
      );
    }
  }

  /** The poll ran out of time, or another poll took its lease: nothing more of it may happen. */
  private mustStop(error: unknown): boolean {
    return error instanceof LeaseLostError || this.deps.signal?.aborted === true;
  }

  private async steps(message: Message, status: OutboxEntry['status']): Promise<void> {
    const { state, log, now, signal } = this.deps;
    if (status !== 'published') {
      signal?.throwIfAborted();
      // A message left `publishing` by a poll that died may have gone out: say so to the reader.
      const claimed = await state.claim(status === 'publishing' ? mayBeRepeat(message) : message, now());
      try {
        const publisher = await this.deps.publisher();
        signal?.throwIfAborted();
        const messageId = await publisher.publish(claimed, signal);
        log.info('Message published', alertFields(claimed, { messageId }));
      } catch (error) {
        // Only a refusal proves it was not taken; after a timeout the entry stays `publishing`.
        if (error instanceof PublishRefusedError) await state.release(message.alertId, String(error));
        throw error;
      }
      await state.markPublished(message.alertId);
      this.counts.alertsPublished++;
    }
    const groups = await state.complete(message, now(), (stored, alerts) =>
      afterDeliveryOfAll(stored, alerts, now()),
    );
    for (const group of groups) this.groups.set(groupKey(group.companyId, group.reason), group);
  }
}

/** The message flagged, and each alert inside it, as one an earlier attempt may already have delivered. */
function mayBeRepeat(message: Message): Message {
  if (!isCombined(message)) return { ...message, possibleRedelivery: true };
  return {
    ...message,
    possibleRedelivery: true,
    sections: message.sections.map((section) => ({ ...section, possibleRedelivery: true })),
  };
}

function alertFields(message: Message, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const alerts = alertsOf(message);
  return {
    alertId: message.alertId,
    kind: message.kind,
    companyId: message.companyId,
    reasons: reasonsOf(message),
    ...(isCombined(message) && { combined: message.combined, alerts: alerts.map((alert) => alert.alertId) }),
    jobs: message.totals.jobs,
    jobIds: alerts.flatMap((alert) => alert.jobs.map((job) => job.jobId)).slice(0, 100),
    ...extra,
  };
}
