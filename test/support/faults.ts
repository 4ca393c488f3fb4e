// Fault injection around the poll's ports. A plan names which call of which operation fails and how; a crash
// kills the whole simulated process, so that nothing after it runs, the way a killed Lambda leaves things.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { PleoContractError } from '../../functions/adapters/pleo/errors.js';
import {
  PleoCredentialsError,
  PleoUnavailableError,
  PublishRefusedError,
} from '../../functions/app/errors.js';
import type {
  AlertPublisher,
  AlertState,
  GroupUpdate,
  JobPage,
  ListingCheckpoints,
  OutboxEntry,
  PleoExports,
} from '../../functions/app/ports.js';
import { type Alert, alertsOf, isCombined, type Message } from '../../functions/domain/alert.js';
import type { ExportJob, ExportJobItem } from '../../functions/domain/export-job.js';
import type { KeyExpiryMark } from '../../functions/domain/key-expiry.js';
import { alertsByGroup, type FailureGroup, groupKey } from '../../functions/domain/lifecycle.js';

/** The process died here: thrown by every port call from the crash on, so no later step (no finally) takes effect. */
export class Crash extends Error {
  override readonly name = 'Crash';
  constructor(
    message: string,
    /** The call the process died in had taken effect. */
    readonly applied = false,
  ) {
    super(message);
  }
}

export const STATE_OPS = [
  'acquireLease',
  'failureGroups',
  'outbox',
  'knownJobIds',
  'pleoFailures',
  'setPleoFailures',
  'completedCheckedAt',
  'setCompletedCheckedAt',
  'listingCheckpoints',
  'setListingCheckpoints',
  'requestDigest',
  'digestRequestedAt',
  'clearDigestRequest',
  'watchingSince',
  'setWatchingSince',
  'keyExpiryMark',
  'setKeyExpiryMark',
  'stage',
  'seal',
  'sealedPolls',
  'discard',
  'claim',
  'release',
  'markPublished',
  'complete',
  'suppress',
  'releaseLease',
] as const;
export type StateOp = (typeof STATE_OPS)[number];

/**
 * throttle: refused before it happened; ambiguous: it happened, then the answer was lost (a timeout);
 * partial: `complete` wrote half the job records and the group, not the outbox, then failed;
 * crashBefore/crashAfter: the process died around it.
 */
export const STATE_FAULTS = ['throttle', 'ambiguous', 'partial', 'crashBefore', 'crashAfter'] as const;
/**
 * refused: SNS turned it down (a 4xx); throttle, internal: SNS did not take it, but the poll cannot know that
 * (429, 5xx); crashAfter: SNS took the message, then the process died before it could say so; lostAnswer: SNS
 * took it and the answer never came back (a timeout, a body cut off after HTTP 200).
 */
export const PUBLISH_FAULTS = [
  'refused',
  'throttle',
  'internal',
  'crashBefore',
  'crashAfter',
  'lostAnswer',
] as const;
/**
 * What the invocation's end does to a call in flight. timeout: the call took effect, then the invocation ran out of
 * time (its signal aborts) before the answer came; leaseLost: another poll took the lease over just before the call
 * (this one was frozen past its lease).
 */
export const INVOCATION_FAULTS = ['timeout', 'leaseLost'] as const;
/** duplicate: the previous page's last job is listed again (pages shifting down); skip: this page's first job is missed. */
export const PAGE_FAULTS = ['unavailable', 'contract', 'credentials', 'duplicate', 'skip'] as const;
export const ITEMS_FAULTS = ['unavailable', 'contract', 'credentials'] as const;

export type Fault =
  | { target: StateOp; nth: number; kind: (typeof STATE_FAULTS)[number] }
  | { target: 'publish'; nth: number; kind: (typeof PUBLISH_FAULTS)[number] | 'timeout' }
  | { target: StateOp; nth: number; kind: (typeof INVOCATION_FAULTS)[number] }
  | { target: 'page'; nth: number; kind: (typeof PAGE_FAULTS)[number] }
  | { target: 'items'; nth: number; kind: (typeof ITEMS_FAULTS)[number] };

/** What the faults did, across the polls of one sequence: what the oracle must allow for. */
export class FaultJournal {
  /** Per alert: publishes SNS took that the outbox never heard of (the one window where a repeat is allowed). */
  readonly unconfirmed = new Map<string, number>();
  /** Jobs whose failed items could not be fetched at least once: they may be alerted under the job's own reason. */
  readonly itemsFailedFor = new Set<string>();
  credentialsFaults = 0;
  unavailableFaults = 0;
  crashes = 0;
  /** Invocations that ran out of time under a call, and polls whose lease was taken over. */
  timeouts = 0;
  leasesLost = 0;
  /** Faults that met their call. */
  injected = 0;

  /** A combined message's alerts, by its id: SNS taking the message unconfirmed repeats each of them. */
  private readonly alertIdsOf = new Map<string, readonly string[]>();

  unconfirmedPublish(messageId: string): void {
    for (const alertId of this.alertIdsOf.get(messageId) ?? [messageId]) {
      this.unconfirmed.set(alertId, (this.unconfirmed.get(alertId) ?? 0) + 1);
    }
  }

  /** Notes which alerts a message carries, before it can be published. */
  carries(message: Message): void {
    if (isCombined(message))
      this.alertIdsOf.set(
        message.alertId,
        alertsOf(message).map((a) => a.alertId),
      );
  }
}

/** One poll's process: the faults planned for it and whether it has died. */
export class FaultyProcess {
  crashed = false;
  /** The invocation's signal, as middy gives it to the poll: aborted by a timeout fault. */
  readonly invocation = new AbortController();
  private readonly calls = new Map<string, number>();

  constructor(
    readonly faults: readonly Fault[],
    readonly journal: FaultJournal,
  ) {}

  /** Counts a call of `target`, failing with Crash once the process is dead; returns the fault planned for it. */
  next<T extends Fault['target']>(target: T): Extract<Fault, { target: T }> | undefined {
    this.alive();
    const nth = this.calls.get(target) ?? 0;
    this.calls.set(target, nth + 1);
    const fault = this.faults.find((f) => f.target === target && f.nth === nth);
    if (fault) this.journal.injected++;
    return fault as Extract<Fault, { target: T }> | undefined;
  }

  alive(): void {
    if (this.crashed) throw new Crash('the process is dead');
  }

  /** The invocation runs out of time while a call is in flight: the call rejects with the signal's reason. */
  timeOut(): never {
    this.journal.timeouts++;
    this.invocation.abort(new DOMException('the invocation ran out of time', 'TimeoutError'));
    throw Object.assign(new Error('the invocation ran out of time'), { name: 'TimeoutError', applied: true });
  }

  crash(where: string, applied = false): never {
    this.crashed = true;
    this.journal.crashes++;
    throw new Crash(`crashed at ${where}`, applied);
  }
}

export function throttling(): Error {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded',
    $metadata: { httpStatusCode: 400 },
  });
}

/** The call took effect, but its answer never came back. */
export function lostAnswer(): Error {
  return Object.assign(new Error('socket hang up after the request was sent'), {
    name: 'TimeoutError',
    applied: true,
  });
}

/** Whether a failed call took effect all the same (an answer lost, or a crash just after it). */
function applied(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'applied' in error && error.applied === true;
}

/** An AlertState whose calls fail as planned. */
export class FaultyState implements AlertState {
  constructor(
    private readonly inner: AlertState,
    private readonly process: FaultyProcess,
    /** Has another poll take the lease over (for leaseLost). */
    private readonly stealLease: () => Promise<void> = async () => {
      throw new Error('no other poll can take the lease over here');
    },
  ) {}

  acquireLease(owner: string, now: Date, seconds: number) {
    return this.call('acquireLease', () => this.inner.acquireLease(owner, now, seconds));
  }
  releaseLease(owner: string, succeededAt?: string) {
    return this.call('releaseLease', () => this.inner.releaseLease(owner, succeededAt));
  }
  knownJobIds(jobIds: readonly string[]) {
    return this.call('knownJobIds', () => this.inner.knownJobIds(jobIds));
  }
  outbox(): Promise<OutboxEntry[]> {
    return this.call('outbox', () => this.inner.outbox());
  }
  stage(message: Message, pollId: string, now: Date) {
    return this.call('stage', () => this.inner.stage(message, pollId, now));
  }
  seal(pollId: string, now: Date) {
    return this.call('seal', () => this.inner.seal(pollId, now));
  }
  sealedPolls(pollIds: readonly string[]) {
    return this.call('sealedPolls', () => this.inner.sealedPolls(pollIds));
  }
  discard(alertId: string) {
    return this.call('discard', () => this.inner.discard(alertId));
  }
  claim(message: Message, now: Date) {
    this.process.journal.carries(message);
    return this.call('claim', () => this.inner.claim(message, now));
  }
  release(alertId: string, problem: string) {
    return this.call('release', () => this.inner.release(alertId, problem));
  }
  async markPublished(alertId: string) {
    try {
      await this.call('markPublished', () => this.inner.markPublished(alertId));
    } catch (error) {
      // Only ever called after SNS took the alert: if it did not happen, the outbox cannot know it went out.
      if (!applied(error)) this.process.journal.unconfirmedPublish(alertId);
      throw error;
    }
  }
  complete(message: Message, now: Date, update: GroupUpdate) {
    return this.call(
      'complete',
      () => this.inner.complete(message, now, update),
      async () => {
        // Completing a stand-in id leaves the real outbox entry: of one alert, half its job records and its group
        // are written; of a combined message, the jobs and groups of half its sections (as when its groups take
        // several transactions). Each group is updated as the real message would update it.
        const alertId = `partial-${message.alertId}`;
        const standIn: Message = isCombined(message)
          ? {
              ...message,
              alertId,
              sections: message.sections.slice(0, Math.ceil(message.sections.length / 2)),
            }
          : { ...message, alertId, jobs: message.jobs.slice(0, Math.ceil(message.jobs.length / 2)) };
        const real = alertsByGroup(message);
        await this.inner.complete(standIn, now, (stored, alerts) => {
          const [first] = alerts;
          return update(stored, (first && real.get(groupKey(first.companyId, first.reason))) ?? alerts);
        });
      },
    );
  }
  suppress(alert: Alert, now: Date) {
    return this.call('suppress', () => this.inner.suppress(alert, now));
  }
  failureGroups(): Promise<FailureGroup[]> {
    return this.call('failureGroups', () => this.inner.failureGroups());
  }
  completedCheckedAt() {
    return this.call('completedCheckedAt', () => this.inner.completedCheckedAt());
  }
  setCompletedCheckedAt(at: string) {
    return this.call('setCompletedCheckedAt', () => this.inner.setCompletedCheckedAt(at));
  }
  requestDigest(at: Date) {
    return this.call('requestDigest', () => this.inner.requestDigest(at));
  }
  digestRequestedAt() {
    return this.call('digestRequestedAt', () => this.inner.digestRequestedAt());
  }
  clearDigestRequest() {
    return this.call('clearDigestRequest', () => this.inner.clearDigestRequest());
  }
  listingCheckpoints() {
    return this.call('listingCheckpoints', () => this.inner.listingCheckpoints());
  }
  setListingCheckpoints(checkpoints: ListingCheckpoints) {
    return this.call('setListingCheckpoints', () => this.inner.setListingCheckpoints(checkpoints));
  }

  watchingSince() {
    return this.call('watchingSince', () => this.inner.watchingSince());
  }
  setWatchingSince(at: string) {
    return this.call('setWatchingSince', () => this.inner.setWatchingSince(at));
  }
  keyExpiryMark() {
    return this.call('keyExpiryMark', () => this.inner.keyExpiryMark());
  }
  setKeyExpiryMark(mark: KeyExpiryMark) {
    return this.call('setKeyExpiryMark', () => this.inner.setKeyExpiryMark(mark));
  }
  pleoFailures() {
    return this.call('pleoFailures', () => this.inner.pleoFailures());
  }
  setPleoFailures(count: number) {
    return this.call('setPleoFailures', () => this.inner.setPleoFailures(count));
  }

  private async call<T>(
    op: StateOp,
    apply: () => Promise<T>,
    applyPart: () => Promise<void> = async () => {},
  ): Promise<T> {
    const fault = this.process.next(op);
    switch (fault?.kind) {
      case undefined:
        return apply();
      case 'throttle':
        throw throttling();
      case 'partial':
        await applyPart();
        throw throttling();
      case 'crashBefore':
        return this.process.crash(`${op} (before)`);
      case 'ambiguous':
        await apply();
        throw lostAnswer();
      case 'timeout':
        await apply();
        return this.process.timeOut();
      case 'leaseLost':
        this.process.journal.leasesLost++;
        await this.stealLease();
        return apply();
      case 'crashAfter':
        await apply();
        return this.process.crash(`${op} (after)`, true);
    }
  }
}

/** An AlertPublisher whose publishes fail as planned. */
export class FaultyPublisher implements AlertPublisher {
  constructor(
    private readonly inner: AlertPublisher,
    private readonly process: FaultyProcess,
  ) {}

  async publish(message: Message): Promise<string> {
    this.process.journal.carries(message);
    const fault = this.process.next('publish');
    switch (fault?.kind) {
      case undefined:
        return this.inner.publish(message);
      case 'refused':
        throw new PublishRefusedError('SNS answered 400: InvalidParameterException: Invalid parameter');
      case 'throttle':
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
      case 'internal':
        throw Object.assign(new Error('Internal error'), { name: 'InternalErrorException' });
      case 'crashBefore':
        return this.process.crash('publish (before)');
      case 'crashAfter': {
        await this.inner.publish(message);
        this.process.journal.unconfirmedPublish(message.alertId);
        return this.process.crash('publish (after SNS took it)');
      }
      case 'timeout': {
        await this.inner.publish(message);
        this.process.journal.unconfirmedPublish(message.alertId);
        return this.process.timeOut();
      }
      case 'lostAnswer': {
        await this.inner.publish(message);
        this.process.journal.unconfirmedPublish(message.alertId);
        throw lostAnswer();
      }
    }
  }
}

/** Records every message SNS took, as subscribers would see them. */
export class RecordingPublisher implements AlertPublisher {
  readonly messages: Message[] = [];
  async publish(message: Message): Promise<string> {
    this.messages.push(structuredClone(message));
    return `message-${this.messages.length}`;
  }
  /** Every alert inside the messages taken: a combined message's sections, each single message itself. */
  get sent(): Alert[] {
    return this.messages.flatMap((message) => [...alertsOf(message)]);
  }
}

export interface MidListingChange {
  /** Applied after this many pages have been handed out. */
  afterPage: number;
  change: () => void;
}

/**
 * A PleoExports (over a FakePleo-like source) whose pages and item listings fail or shift as planned, and whose
 * jobs are read from the current truth page by page, so a status changing while the poll pages shows up.
 */
export class FaultyPleo implements PleoExports {
  constructor(
    private readonly inner: PleoExports & { jobs: ExportJob[] },
    private readonly process: FaultyProcess,
    private readonly midListing?: MidListingChange,
  ) {}

  get requestCount(): number {
    return this.inner.requestCount;
  }

  async *listJobs(query: Parameters<PleoExports['listJobs']>[0]): AsyncIterable<JobPage> {
    let previous: ExportJob[] = [];
    let pages = 0;
    for await (const { jobs: listed, ...cursor } of this.inner.listJobs(query)) {
      if (this.midListing && pages === this.midListing.afterPage) this.midListing.change();
      const fault = this.process.next('page');
      let page = listed.map((job) => this.inner.jobs.find((j) => j.id === job.id) ?? job);
      switch (fault?.kind) {
        case 'unavailable':
          this.process.journal.unavailableFaults++;
          throw new PleoUnavailableError(
            'Pleo is unavailable: GET /v2/export-jobs failed 6 times (last: HTTP 503)',
          );
        case 'contract':
          throw new PleoContractError('GET /v2/export-jobs returned a body that is not JSON (17 bytes)');
        case 'credentials':
          this.process.journal.credentialsFaults++;
          throw new PleoCredentialsError(401);
        case 'duplicate':
          page = [...previous.slice(-1), ...page];
          break;
        case 'skip':
          page = page.slice(1);
          break;
      }
      previous = listed;
      pages++;
      yield { jobs: page, ...cursor };
    }
  }

  async *listFailedItems(jobId: string, signal?: AbortSignal): AsyncGenerator<ExportJobItem[]> {
    const fault = this.process.next('items');
    switch (fault?.kind) {
      case undefined:
        yield* this.inner.listFailedItems(jobId, signal);
        return;
      case 'credentials':
        this.process.journal.credentialsFaults++;
        throw new PleoCredentialsError(401);
      case 'unavailable':
        this.process.journal.unavailableFaults++;
        this.process.journal.itemsFailedFor.add(jobId);
        throw new PleoUnavailableError(
          `Pleo is unavailable: GET /v2/export-jobs/${jobId}/items failed 6 times`,
        );
      case 'contract':
        this.process.journal.itemsFailedFor.add(jobId);
        throw new PleoContractError(`GET /v2/export-jobs/${jobId}/items returned an unexpected page`);
    }
  }
}
