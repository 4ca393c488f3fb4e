// An in-memory AlertState for fast tests of the poll's logic; it passes the same contract as the DynamoDB adapter
// (test/support/alert-state-contract.ts), lease fencing included.

import { LeaseLostError } from '../../functions/app/errors.js';
import type { AlertState, GroupUpdate, ListingCheckpoints, OutboxEntry } from '../../functions/app/ports.js';
import { type Alert, alertsOf, type Message } from '../../functions/domain/alert.js';
import type { KeyExpiryMark } from '../../functions/domain/key-expiry.js';
import { alertsByGroup, type FailureGroup, groupKey } from '../../functions/domain/lifecycle.js';

/** What the table holds, shared by every view of one store. */
class MemoryTable {
  readonly jobs = new Map<string, string>();
  readonly entries = new Map<string, OutboxEntry>();
  readonly groups = new Map<string, FailureGroup>();
  readonly seals = new Set<string>();
  failures = 0;
  completedChecked: string | undefined;
  listing: ListingCheckpoints = {};
  digestRequestedAt: string | undefined;
  watchingSince: string | undefined;
  keyExpiry: KeyExpiryMark = {};
  lease: { owner: string; until: number } | undefined;
}

export class MemoryAlertState implements AlertState {
  /** The poll this view serves, once it took the lease: its writes hold only while it still does. */
  private owner: string | undefined;

  constructor(private readonly table = new MemoryTable()) {}

  /** The state another poll (another process) builds over the same store. */
  view(): MemoryAlertState {
    return new MemoryAlertState(this.table);
  }

  get jobs() {
    return this.table.jobs;
  }
  get entries() {
    return this.table.entries;
  }
  get groups() {
    return this.table.groups;
  }
  get lease() {
    return this.table.lease;
  }
  get listing() {
    return this.table.listing;
  }
  get failures() {
    return this.table.failures;
  }
  set failures(count: number) {
    this.table.failures = count;
  }

  async acquireLease(owner: string, now: Date, seconds: number): Promise<boolean> {
    const { lease } = this.table;
    if (lease && lease.until >= now.getTime() / 1000 && lease.owner !== owner) return false;
    this.table.lease = { owner, until: now.getTime() / 1000 + seconds };
    this.owner = owner;
    return true;
  }

  async releaseLease(owner: string): Promise<void> {
    if (this.table.lease?.owner === owner) this.table.lease = undefined;
  }

  async knownJobIds(jobIds: readonly string[]): Promise<Set<string>> {
    return new Set(jobIds.filter((id) => this.table.jobs.has(id)));
  }

  async outbox(): Promise<OutboxEntry[]> {
    return [...this.table.entries.values()].map((entry) => structuredClone(entry));
  }

  async stage(message: Message, pollId: string): Promise<void> {
    this.holdLease();
    this.table.entries.set(message.alertId, {
      message: structuredClone(message),
      status: 'staged',
      attempts: 0,
      pollId,
    });
  }

  async seal(pollId: string): Promise<void> {
    this.holdLease();
    this.table.seals.add(pollId);
  }

  async sealedPolls(pollIds: readonly string[]): Promise<Set<string>> {
    return new Set(pollIds.filter((id) => this.table.seals.has(id)));
  }

  async discard(alertId: string): Promise<void> {
    this.holdLease();
    this.table.entries.delete(alertId);
  }

  async claim(message: Message): Promise<Message> {
    this.holdLease();
    const previous = this.table.entries.get(message.alertId);
    const attempts = (previous?.attempts ?? 0) + 1;
    this.table.entries.set(message.alertId, {
      message: structuredClone(message),
      status: 'publishing',
      attempts,
      pollId: previous?.pollId,
    });
    return message;
  }

  async release(alertId: string): Promise<void> {
    this.setStatus(alertId, 'pending');
  }

  async markPublished(alertId: string): Promise<void> {
    this.setStatus(alertId, 'published');
  }

  async complete(message: Message, _now: Date, update: GroupUpdate): Promise<FailureGroup[]> {
    // Job records go without the lease, as in DynamoDB; the groups and the outbox entry only with it, together.
    for (const alert of alertsOf(message)) {
      for (const job of alert.jobs) this.table.jobs.set(job.jobId, message.alertId);
    }
    const groups = [...alertsByGroup(message)].flatMap(
      ([key, alerts]) => update(structuredClone(this.table.groups.get(key)), alerts) ?? [],
    );
    this.holdLease();
    for (const group of groups)
      this.table.groups.set(groupKey(group.companyId, group.reason), structuredClone(group));
    this.table.entries.delete(message.alertId);
    return groups;
  }

  async suppress(alert: Alert): Promise<void> {
    for (const job of alert.jobs) this.table.jobs.set(job.jobId, 'suppressed');
  }

  async failureGroups(): Promise<FailureGroup[]> {
    return [...this.table.groups.values()].map((group) => structuredClone(group));
  }

  async pleoFailures(): Promise<number> {
    return this.table.failures;
  }

  async setPleoFailures(count: number): Promise<void> {
    if (count === this.table.failures) return;
    this.holdLease();
    this.table.failures = count;
  }

  async completedCheckedAt(): Promise<string | undefined> {
    return this.table.completedChecked;
  }

  async setCompletedCheckedAt(at: string): Promise<void> {
    this.holdLease();
    this.table.completedChecked = at;
  }

  async requestDigest(at: Date): Promise<void> {
    this.table.digestRequestedAt ??= at.toISOString();
  }

  async digestRequestedAt(): Promise<string | undefined> {
    return this.table.digestRequestedAt;
  }

  async clearDigestRequest(): Promise<void> {
    if (this.table.digestRequestedAt === undefined) return;
    this.holdLease();
    this.table.digestRequestedAt = undefined;
  }

  async listingCheckpoints(): Promise<ListingCheckpoints> {
    return structuredClone(this.table.listing);
  }

  async setListingCheckpoints(checkpoints: ListingCheckpoints): Promise<void> {
    // As in DynamoDB, an unchanged checkpoint is not written.
    if (JSON.stringify(checkpoints) === JSON.stringify(this.table.listing)) return;
    this.holdLease();
    this.table.listing = structuredClone(checkpoints);
  }

  async watchingSince(): Promise<string | undefined> {
    return this.table.watchingSince;
  }

  async setWatchingSince(at: string): Promise<void> {
    this.holdLease();
    this.table.watchingSince = at;
  }

  async keyExpiryMark(): Promise<KeyExpiryMark> {
    return this.table.keyExpiry;
  }

  async setKeyExpiryMark(mark: KeyExpiryMark): Promise<void> {
    this.holdLease();
    this.table.keyExpiry = structuredClone(mark);
  }

  private setStatus(alertId: string, status: OutboxEntry['status']) {
    this.holdLease();
    const entry = this.table.entries.get(alertId);
    if (entry === undefined) throw new Error(`no outbox entry ${alertId}`);
    entry.status = status;
  }

  private holdLease(): void {
    if (this.owner === undefined || this.table.lease?.owner !== this.owner) throw new LeaseLostError();
  }
}
