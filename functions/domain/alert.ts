// The alert as the product sees it: one per (company, reason), independent of how it is delivered.

import type { AlertKind, Category } from '../contracts/message-attributes.js';

/** Who can act on a failure reason, and what a message is about: SNS message attributes subscribers filter on. */
export type { AlertKind, Category };

/** One export job as it appears in an alert. */
export interface AlertJob {
  jobId: string;
  /** Pleo's job status: `failed` or `completed_with_errors` (carried through as-is). */
  status: string;
  createdAt: string;
  /** Accounting entries the job tried to export. */
  numberOfItems: number;
  /** Items that failed for this alert's reason; null when Pleo did not say (a failed job without items). */
  failedItems: number | null;
  /** Pleo's own words for the failure (job- or item-level), untrusted text: renderers must escape it. */
  failureReason: string | null;
  /** The job's other reasons (Pleo's codes), each alerted on its own: one export, several messages. */
  alsoFailedFor?: string[] | undefined;
}

export interface Alert {
  schemaVersion: 1;
  /** Stable id of this message: subscribers may use it to drop a redelivery. */
  alertId: string;
  kind: AlertKind;
  companyId: string;
  /** Display name from configuration, when one is configured. */
  companyName: string | null;
  /** Pleo's failureReasonType (job or item level) as-is, or `unknown` when Pleo gave none. */
  reason: string;
  category: Category;
  /** Every job of the group, newest first; renderers may cut the list, this never does. */
  jobs: AlertJob[];
  /** `uncounted`: jobs whose failed expenses Pleo did not count (items not listed); `failedItems` is then a floor. */
  totals: { jobs: number; items: number; failedItems: number; uncounted?: number | undefined };
  /** When the alerter detected the failures (ISO 8601). */
  detectedAt: string;
  /** True when an earlier attempt may already have delivered this alert (crash after publish). */
  possibleRedelivery: boolean;
  /** For `resolved` and `reminder`: the life of the failure group so far. */
  lifecycle?: GroupLifecycle | undefined;
  /** For `digest`: the day's summary over every company and reason. */
  digest?: Digest | undefined;
}

/** The kinds a combined message can have: the digest is one message already, a test message stands alone. */
export type CombinableKind = Exclude<AlertKind, 'digest' | 'test'>;

/**
 * Several messages of one kind about one company, sent as one so that a storm does not bury the reader: each
 * section is exactly the alert, reminder or resolved notice it replaces, and delivering it is delivering each.
 */
export interface CombinedAlert {
  /** Stable id of this message, made from its sections' ids: a retried delivery keeps it. */
  alertId: string;
  kind: CombinableKind;
  /**
   * `rollup`: one poll had too many messages of this kind for the company to send them one by one.
   * `current-state`: the problems open when watching began (a first poll), told as a state, not as news.
   */
  combined: 'rollup' | 'current-state';
  companyId: string;
  companyName: string | null;
  /** One per (reason) group, all of `kind` and `companyId`, ordered by the reason's name. */
  sections: Alert[];
  /** Over all sections, each export counted once (an export that failed for two reasons is in two sections). */
  totals: Alert['totals'];
  /** When the newest section was detected (ISO 8601). */
  detectedAt: string;
  /** True when an earlier attempt may already have delivered this message (crash after publish). */
  possibleRedelivery: boolean;
}

/** What is delivered: one alert, reminder, notice or digest, or several combined into one message. */
export type Message = Alert | CombinedAlert;

export function isCombined(message: Message): message is CombinedAlert {
  return 'sections' in message;
}

/** The alerts a message carries: a combined message's sections, or the message itself. */
export function alertsOf(message: Message): readonly Alert[] {
  return isCombined(message) ? message.sections : [message];
}

/** Every failure reason in the message, each once, in order: what subscribers filter on. */
export function reasonsOf(message: Message): string[] {
  return [...new Set(alertsOf(message).map((alert) => alert.reason))];
}

/** Every category in the message, each once, in order: what subscribers filter on. */
export function categoriesOf(message: Message): Category[] {
  return [...new Set(alertsOf(message).map((alert) => alert.category))];
}

export interface GroupLifecycle {
  /** When the group was first alerted. */
  openedAt: string;
  /** Reminders sent before this message. */
  remindersSent: number;
  /** For `resolved`: when it was seen to be over, and the export that showed it. */
  resolvedAt?: string | undefined;
  resolvedByJobId?: string | undefined;
}

/** One (company, reason) line of a digest. */
export interface DigestLine {
  companyId: string;
  companyName: string | null;
  reason: string;
  category: Category;
  jobs: number;
  failedItems: number;
  uncounted?: number | undefined;
  openedAt: string;
  resolvedAt?: string | undefined;
}

export interface Digest {
  /** The local day the digest covers, YYYY-MM-DD, in `timeZone`. */
  date: string;
  timeZone: string;
  open: DigestLine[];
  /** Groups resolved in the 24 hours before the digest. */
  resolvedSinceYesterday: DigestLine[];
  /** Mutes in force, with the failed exports each kept quiet (absent: none, or a digest from before mutes). */
  muted?: MutedLine[] | undefined;
}

/** One mute in force, in a digest. */
export interface MutedLine {
  companyId: string;
  companyName: string | null;
  /** What it mutes beyond the company: a reason, a category, or (both null) everything. */
  reason: string | null;
  category: Category | null;
  until: string;
  exports: number;
}
