// The ports the poll talks to; adapters in functions/adapters (pleo, dynamodb, sns) implement them.
import type { ConnectionRecord, PollRequest } from '../contracts/connection.js';
import type { Alert, Message } from '../domain/alert.js';
import type { Acknowledgement, Controls, Mute, Snooze } from '../domain/controls.js';
import type { ExportJob, ExportJobItem } from '../domain/export-job.js';
import type { KeyExpiryMark } from '../domain/key-expiry.js';
import type { FailureGroup } from '../domain/lifecycle.js';

export interface PleoExports {
  /** Jobs created since `since`, a page at a time, newest first when Pleo obliges; from `after` when given. */
  listJobs(query: {
    statuses: readonly string[];
    companyId?: string | undefined;
    since: Date;
    after?: string | undefined;
    signal?: AbortSignal | undefined;
  }): AsyncIterable<JobPage>;
  /** A job's failed items, a page at a time. */
  listFailedItems(jobId: string, signal?: AbortSignal): AsyncIterable<ExportJobItem[]>;
  readonly requestCount: number;
}

/** One page of a job listing. */
export interface JobPage {
  jobs: ExportJob[];
  /** The cursor of the page after this one (to go on from later); undefined when this page is the last. */
  next: string | undefined;
  /** Every job listed so far came newest first: a listing stopped at a date has seen every job after it. */
  newestFirst: boolean;
}

/**
 * Where one scope's listing of failed jobs stands between polls (app/new-failures.ts): the newest job listed, and
 * the runs of pages earlier polls could not finish.
 */
export interface ListingCheckpoint {
  /** The newest job's createdAt listed so far: each poll first lists the jobs created since, down to it. */
  top?: string | undefined;
  /** When the last sweep of the whole lookback began (ISO 8601). */
  sweptAt?: string | undefined;
  /**
   * What is left to list, newest first: from Pleo's cursor (absent: from the newest job) down to `floor` (absent:
   * the lookback's start, a sweep).
   */
  segments: Array<{ after?: string | undefined; floor?: string | undefined }>;
  /** Pleo was seen to ignore the newest-first order: only a sweep finds the jobs created since. */
  unordered?: boolean | undefined;
}

/** Checkpoints by scope: a company's id, or `*` for the organisation-wide listing. */
export type ListingCheckpoints = Record<string, ListingCheckpoint>;

/** A message written down before it is published, so that no failure between the steps loses it. */
export interface OutboxEntry {
  /** One alert, reminder, notice or digest, or several of one company and kind combined: one entry either way. */
  message: Message;
  /**
   * staged: written down with the other alerts of its poll, not tried yet (it may go out once its poll is sealed);
   * pending: not published (the publish was refused); publishing: a poll started publishing and did not finish, so
   * it may have been delivered; published: delivered, bookkeeping not yet finished.
   */
  status: 'staged' | 'pending' | 'publishing' | 'published';
  attempts: number;
  /** The poll that staged it. */
  pollId?: string | undefined;
}

/**
 * What a delivered message does to one failure group, given the group as stored and the message's alerts about it
 * (a combined message may carry several parts of one large group); undefined leaves the group as it is.
 */
export type GroupUpdate = (
  group: FailureGroup | undefined,
  alerts: readonly Alert[],
) => FailureGroup | undefined;

/** One poll at a time, and what the alerter keeps of its own health between polls, read as of the lease taken. */
export interface PollLease {
  /** Takes the poll lease; false while another poll holds an unexpired one. */
  acquireLease(owner: string, now: Date, seconds: number): Promise<boolean>;
  /** Gives the lease back; `succeededAt`: the poll succeeded then, kept for `status` (the last successful poll). */
  releaseLease(owner: string, succeededAt?: string): Promise<void>;
  /** Polls in a row that could not reach Pleo, as of the lease just taken. */
  pleoFailures(): Promise<number>;
  setPleoFailures(count: number): Promise<void>;
  /** When completed exports were last listed (ISO 8601), as of the lease just taken. */
  completedCheckedAt(): Promise<string | undefined>;
  setCompletedCheckedAt(at: string): Promise<void>;
  /**
   * Notes that a digest found the lease held (written whoever holds it): the next poll to take the lease sends it.
   * An earlier note is kept.
   */
  requestDigest(at: Date): Promise<void>;
  /** When a digest waiting for the lease was asked for (ISO 8601), as of the lease just taken. */
  digestRequestedAt(): Promise<string | undefined>;
  /** The waiting digest was sent (or found sent). */
  clearDigestRequest(): Promise<void>;
  /** Where the listing of failed jobs stopped, as of the lease just taken: kept with the lease, in its scope. */
  listingCheckpoints(): Promise<ListingCheckpoints>;
  setListingCheckpoints(checkpoints: ListingCheckpoints): Promise<void>;
  /**
   * When watching began: the first poll that listed Pleo (ISO 8601), as of the lease just taken; undefined until
   * then. Kept with the lease, so a poller of its own (a connection, with a lease of its own) has its own.
   */
  watchingSince(): Promise<string | undefined>;
  setWatchingSince(at: string): Promise<void>;
  /** What was last said about the key's expiry (see domain/key-expiry.ts), as of the lease just taken. */
  keyExpiryMark(): Promise<KeyExpiryMark>;
  setKeyExpiryMark(mark: KeyExpiryMark): Promise<void>;
}

/** The outbox: each step of a message's way out, written down (see app/courier.ts). */
export interface OutboxStore {
  /** Messages written down by earlier polls and not finished. */
  outbox(): Promise<OutboxEntry[]>;
  /**
   * Writes a poll's new message down as `staged`. All of a poll's messages are staged, then the poll is sealed,
   * before any is published: a job whose items have several reasons is in several alerts, and none may be lost.
   */
  stage(message: Message, pollId: string, now: Date): Promise<void>;
  seal(pollId: string, now: Date): Promise<void>;
  /** Which of these polls finished staging. */
  sealedPolls(pollIds: readonly string[]): Promise<Set<string>>;
  /** Drops an entry that must not go out: staged by a poll that died before sealing, or an outdated notice. */
  discard(alertId: string): Promise<void>;
  /** Writes the message down as `publishing`, just before it is published; returns it as stored (and to publish). */
  claim(message: Message, now: Date): Promise<Message>;
  /** The publish was refused: it was not delivered and can be retried as it is. */
  release(alertId: string, problem: string): Promise<void>;
  markPublished(alertId: string): Promise<void>;
  /**
   * Records the jobs of every alert in the message as alerted, updates each failure group they belong to as stored
   * (not as a poll remembers it: an earlier write may have happened without an answer), and empties the outbox
   * entry. Returns the groups as written.
   */
  complete(message: Message, now: Date, update: GroupUpdate): Promise<FailureGroup[]>;
}

/** What was handled: the jobs alerted (or damped), and the failure groups they formed. */
export interface AlertHistory {
  /** Which of these jobs were alerted already. */
  knownJobIds(jobIds: readonly string[]): Promise<Set<string>>;
  /** Records the jobs of a damped alert as handled, without any message. */
  suppress(alert: Alert, now: Date): Promise<void>;
  /** Open failure groups and the ones resolved in the last few days. */
  failureGroups(): Promise<FailureGroup[]>;
}

/** The whole state a poll works with: one store (one DynamoDB table) plays every role. */
export type AlertState = PollLease & OutboxStore & AlertHistory;

/** What people said about failure groups: mutes, acknowledgements, snoozes (see domain/controls.ts). */
export interface ControlStore {
  /** Every control kept: mutes in force and those ended in the last days, acknowledgements, snoozes. */
  controls(): Promise<Controls>;
  /** Adds a new mute; its id is new. */
  addMute(mute: Mute): Promise<void>;
  /** Ends a mute in force now; undefined when there is no such mute in force. */
  expireMute(id: string, now: Date): Promise<Mute | undefined>;
  /** Keeps the acknowledgement of its group, replacing an earlier one. */
  acknowledge(ack: Acknowledgement): Promise<void>;
  /** Keeps the snooze of its group, replacing an earlier one. */
  snooze(snooze: Snooze): Promise<void>;
  /** Counts failed exports a mute kept quiet. */
  countMuted(muteId: string, exports: number): Promise<void>;
  /** Keeps the latest retry of its group (who, when, the new job). */
  recordRetry(retry: RetryRecord): Promise<void>;
}

/** What a poll needs of the controls. */
export type ControlReader = Pick<ControlStore, 'controls' | 'countMuted'>;

/** The companies the alerter knows by id and name (configured, or seen failing), to find one by either. */
export interface CompanyDirectory {
  companies(): Promise<Array<{ id: string; name: string | null }>>;
}

export interface AlertPublisher {
  /** Publishes one message, combined or not; resolves with the message id SNS gave it. */
  publish(message: Message, signal?: AbortSignal): Promise<string>;
}

/** The narrow logger the core needs (Powertools Logger and console both fit). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/**
 * Remembers what may happen once: a Slack request (a replay is refused) or an email action link (a second use is
 * refused). An entry is kept until `until`, after which the thing it guards is refused anyway (stale, expired).
 */
export interface OnceLedger {
  /** Records `key` as used; false when it was used already. */
  use(key: string, until: Date): Promise<boolean>;
  /** Whether `key` was used (reads only: a link opened to look at changes nothing). */
  used(key: string): Promise<boolean>;
  /** Forgets a use whose action failed, so the same request or link can be tried again. */
  forget(key: string): Promise<void>;
}

/** The connections, as stored: people add and remove them (the CLI), the dispatcher lists them at every tick. */
export interface ConnectionStore {
  /** Stores a new connection; false when its name is taken (nothing is changed then). */
  add(record: ConnectionRecord): Promise<boolean>;
  get(name: string): Promise<ConnectionRecord | undefined>;
  list(): Promise<ConnectionListing>;
  /** Deletes it and answers what it was; undefined when there was none. */
  remove(name: string): Promise<ConnectionRecord | undefined>;
}

/** Every stored connection; a record that does not fit the contract is set apart by name, not fatal to the rest. */
export interface ConnectionListing {
  connections: ConnectionRecord[];
  malformed: Array<{ name: string; problem: string }>;
}

/** Where connections' keys are kept, by parameter name: SSM SecureString parameters, or a local folder. */
export interface CredentialVault {
  /** Writes the value, replacing what the parameter held. */
  put(name: string, value: string): Promise<void>;
  /** The value; undefined when there is no such parameter. */
  read(name: string): Promise<string | undefined>;
  /** Deletes it; nothing when there was none. */
  remove(name: string): Promise<void>;
}

/** Where the dispatcher puts poll requests, one message each, for the pollers to take. */
export interface PollQueue {
  /** Sends them all; answers those the queue did not take. */
  send(requests: readonly PollRequest[]): Promise<PollRequest[]>;
}

/** What Pleo answered to a new export job: created, or refused for a reason the reader can act on. */
export type ExportJobCreation =
  | { created: true; jobId: string }
  /** in-progress: one export job per company at a time; missing-contra-accounts: Pleo's accounting settings lack them. */
  | { created: false; refusal: 'in-progress' | 'missing-contra-accounts' };

/** Pleo's Export API v3, with the key that may create export jobs (export-jobs:write), for a retry. */
export interface ExportRetrier {
  /**
   * The accounting entries a retry sends again: of a `failed` job, its items that failed or were abandoned with it;
   * of another (`completed_with_errors`), its failed items whose reason is `reason` (or that gave none).
   */
  failedEntries(jobs: ReadonlyArray<{ jobId: string; status: string }>, reason: string): Promise<string[]>;
  /** Creates one export job for the entries. Any other answer than 201, 400 and 409 is thrown. */
  createExportJob(companyId: string, accountingEntryIds: readonly string[]): Promise<ExportJobCreation>;
}

/** A retry asked for from an alert: who, when, and the export job it created. */
export interface RetryRecord {
  companyId: string;
  reason: string;
  at: string;
  author: string;
  jobId: string;
  expenses: number;
}
