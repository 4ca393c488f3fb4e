// An in-memory AlertState with the DynamoDB adapter's semantics, for fast tests of the poll's logic.
import type { Alert } from '../../functions/domain/alert.js';
import type { AlertState, OutboxEntry } from '../../functions/poller/ports.js';

export class MemoryAlertState implements AlertState {
  readonly jobs = new Map<string, string>();
  readonly entries = new Map<string, OutboxEntry>();
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

  async claim(alert: Alert): Promise<void> {
    const attempts = (this.entries.get(alert.alertId)?.attempts ?? 0) + 1;
    this.entries.set(alert.alertId, { alert: structuredClone(alert), status: 'publishing', attempts });
  }

  async release(alertId: string): Promise<void> {
    this.setStatus(alertId, 'pending');
  }

  async markPublished(alertId: string): Promise<void> {
    this.setStatus(alertId, 'published');
  }

  async complete(alert: Alert): Promise<void> {
    for (const job of alert.jobs) this.jobs.set(job.jobId, alert.alertId);
    this.entries.delete(alert.alertId);
  }

  private setStatus(alertId: string, status: OutboxEntry['status']) {
    const entry = this.entries.get(alertId);
    if (entry === undefined) throw new Error(`no outbox entry ${alertId}`);
    entry.status = status;
  }
}
