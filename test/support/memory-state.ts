// An in-memory AlertState for fast tests of the poll's logic; it passes the same contract as the DynamoDB adapter
// (test/support/alert-state-contract.ts).

import type { AlertState, GroupUpdate, OutboxEntry } from '../../functions/app/ports.js';
import type { Alert } from '../../functions/domain/alert.js';
import { type FailureGroup, groupKey } from '../../functions/domain/lifecycle.js';

export class MemoryAlertState implements AlertState {
  readonly jobs = new Map<string, string>();
  readonly entries = new Map<string, OutboxEntry>();
  readonly groups = new Map<string, FailureGroup>();
  failures = 0;
  lease: { owner: string; until: number } | undefined;

  async acquireLease(owner: string, now: Date, seconds: number): Promise<boolean> {
    if (this.lease && this.lease.until >= now.getTime() / 1000 && this.lease.owner !== owner) return false;
    this.lease = { owner, until: now.getTime() / 1000 + seconds };
    return true;
  }

  async releaseLease(owner: string): Promise<void> {
    if (this.lease?.owner === owner) this.lease = undefined;
  }

  async knownJobIds(jobIds: readonly string[]): Promise<Set<string>> {
    return new Set(jobIds.filter((id) => this.jobs.has(id)));
  }

  async outbox(): Promise<OutboxEntry[]> {
    return [...this.entries.values()].map((entry) => structuredClone(entry));
  }

  readonly seals = new Set<string>();

  async stage(alert: Alert, pollId: string): Promise<void> {
    this.entries.set(alert.alertId, { alert: structuredClone(alert), status: 'staged', attempts: 0, pollId });
  }

  async seal(pollId: string): Promise<void> {
    this.seals.add(pollId);
  }

  async sealedPolls(pollIds: readonly string[]): Promise<Set<string>> {
    return new Set(pollIds.filter((id) => this.seals.has(id)));
  }

  async discard(alertId: string): Promise<void> {
    this.entries.delete(alertId);
  }

  async claim(alert: Alert): Promise<Alert> {
    const previous = this.entries.get(alert.alertId);
    const attempts = (previous?.attempts ?? 0) + 1;
    this.entries.set(alert.alertId, {
      alert: structuredClone(alert),
      status: 'publishing',
      attempts,
      pollId: previous?.pollId,
    });
    return alert;
  }

  async release(alertId: string): Promise<void> {
    this.setStatus(alertId, 'pending');
  }

  async markPublished(alertId: string): Promise<void> {
    this.setStatus(alertId, 'published');
  }

  async complete(alert: Alert, _now: Date, update: GroupUpdate): Promise<FailureGroup | undefined> {
    for (const job of alert.jobs) this.jobs.set(job.jobId, alert.alertId);
    const key = groupKey(alert.companyId, alert.reason);
    const group = update(structuredClone(this.groups.get(key)));
    if (group) this.groups.set(key, structuredClone(group));
    this.entries.delete(alert.alertId);
    return group;
  }

  async suppress(alert: Alert): Promise<void> {
    for (const job of alert.jobs) this.jobs.set(job.jobId, 'suppressed');
  }

  async failureGroups(): Promise<FailureGroup[]> {
    return [...this.groups.values()].map((group) => structuredClone(group));
  }

  async pleoFailures(): Promise<number> {
    return this.failures;
  }

  async setPleoFailures(count: number): Promise<void> {
    this.failures = count;
  }

  completedChecked: string | undefined;

  async completedCheckedAt(): Promise<string | undefined> {
    return this.completedChecked;
  }

  async setCompletedCheckedAt(at: string): Promise<void> {
    this.completedChecked = at;
  }

  private setStatus(alertId: string, status: OutboxEntry['status']) {
    const entry = this.entries.get(alertId);
    if (entry === undefined) throw new Error(`no outbox entry ${alertId}`);
    entry.status = status;
  }
}
