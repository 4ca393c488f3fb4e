// The ports the poll talks to; adapters in functions/pleo, functions/state and functions/delivery implement them.
import type { Alert } from '../domain/alert.js';
import type { ExportJob, ExportJobItem } from '../domain/export-job.js';
import type { FailureGroup } from '../domain/lifecycle.js';

export interface PleoExports {
  listJobs(query: {
    statuses: readonly string[];
    companyId?: string | undefined;
    since: Date;
    signal?: AbortSignal | undefined;
  }): AsyncIterable<ExportJob[]>;
  listFailedItems(jobId: string, signal?: AbortSignal): Promise<ExportJobItem[]>;
  readonly requestCount: number;
}

/** An alert written down before it is published, so that no failure between the steps loses it. */
export interface OutboxEntry {
  alert: Alert;
  /**
   * pending: not published yet (or the publish failed); publishing: a poll started publishing and did not
   * finish, so it may have been delivered; published: delivered, bookkeeping not yet finished.
   */
  status: 'pending' | 'publishing' | 'published';
  attempts: number;
}

export interface AlertState {
  /** Takes the poll lease; false while another poll holds an unexpired one. */
  acquireLease(owner: string, now: Date, seconds: number): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
  /** Which of these jobs were alerted already. */
  knownJobIds(jobIds: readonly string[]): Promise<Set<string>>;
  /** Alerts written down by earlier polls and not finished. */
  outbox(): Promise<OutboxEntry[]>;
  /** Writes the alert down as `publishing`, just before it is published. */
  claim(alert: Alert, now: Date): Promise<void>;
  /** The publish failed with an answer: it was not delivered and can be retried as it is. */
  release(alertId: string, problem: string): Promise<void>;
  markPublished(alertId: string): Promise<void>;
  /** Records the alert's jobs as alerted, saves its failure group as it now stands, and empties the outbox entry. */
  complete(alert: Alert, now: Date, group?: FailureGroup): Promise<void>;
  /** Records the jobs of a damped alert as handled, without any message. */
  suppress(alert: Alert, now: Date): Promise<void>;
  /** Open failure groups and the ones resolved in the last few days. */
  failureGroups(): Promise<FailureGroup[]>;
  /** Polls in a row that could not reach Pleo, as of the lease just taken. */
  pleoFailures(): Promise<number>;
  setPleoFailures(count: number): Promise<void>;
}

export interface AlertPublisher {
  /** Publishes one alert; resolves with the message id. */
  publish(alert: Alert): Promise<string>;
}

/** The narrow logger the core needs (Powertools Logger and console both fit). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
