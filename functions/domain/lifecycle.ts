// The life of a failure group after its first alert: merged with later failures, reminded while open, resolved
// when a later export of the company completes, summarised in the daily digest, and damped when transient.
// Pure: the poll feeds in the state and Pleo's answers, and delivers what comes out.
import { createHash } from 'node:crypto';
import {
  type Alert,
  type AlertJob,
  alertsOf,
  type DigestLine,
  type Message,
  type MutedLine,
} from './alert.js';
import type { Mute } from './controls.js';
import { ALERTER_COMPANY_ID, isIncident, isKeyWarning } from './incidents.js';

/** Jobs a group record keeps for reminders and resolved notices (the newest); totals stay exact. */
export const GROUP_JOBS_KEPT = 50;

/** What the state keeps of a (company, reason) group between polls. */
export interface FailureGroup {
  companyId: string;
  companyName: string | null;
  reason: string;
  category: Alert['category'];
  state: 'open' | 'resolved';
  openedAt: string;
  /** Creation time of the newest failed job in the group: a completed export after it resolves the group. */
  lastFailureAt: string;
  /** The last alert or reminder about the group: reminders count from here. */
  lastNotifiedAt: string;
  remindersSent: number;
  jobs: AlertJob[];
  totals: Alert['totals'];
  resolvedAt?: string | undefined;
  resolvedByJobId?: string | undefined;
  /**
   * The latest messages applied to the group (alerts merged in, reminders counted, notices), so that finishing an
   * interrupted delivery twice changes the group once.
   */
  mergedAlertIds: string[];
}

const MERGED_IDS_KEPT = 20;

/** The newest `completed` export of a company. */
export interface CompletedExport {
  jobId: string;
  createdAt: string;
}

export interface ReminderPolicy {
  intervalMs: number;
  /** Reminders per group at most; 0 turns reminders off. */
  max: number;
}

export const groupKey = (companyId: string, reason: string) => `${companyId}#${reason}`;

/** The group after an alert about it was delivered: opened anew, or grown by the new jobs. */
export function mergeAlert(group: FailureGroup | undefined, alert: Alert, now: Date): FailureGroup {
  const at = now.toISOString();
  const newest = newestCreatedAt(alert.jobs);
  if (group?.mergedAlertIds.includes(alert.alertId)) return group;
  if (group === undefined || group.state === 'resolved') {
    return {
      companyId: alert.companyId,
      companyName: alert.companyName,
      reason: alert.reason,
      category: alert.category,
      state: 'open',
      openedAt: at,
      lastFailureAt: newest,
      lastNotifiedAt: at,
      remindersSent: 0,
      jobs: alert.jobs.slice(0, GROUP_JOBS_KEPT),
      totals: { ...alert.totals },
      mergedAlertIds: [alert.alertId],
    };
  }
  const known = new Set(group.jobs.map((job) => job.jobId));
  return {
    ...group,
    companyName: alert.companyName ?? group.companyName,
    lastFailureAt: [newest, group.lastFailureAt].sort().at(-1) ?? newest,
    lastNotifiedAt: at,
    jobs: [...alert.jobs.filter((job) => !known.has(job.jobId)), ...group.jobs]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, GROUP_JOBS_KEPT),
    totals: {
      jobs: group.totals.jobs + alert.totals.jobs,
      items: group.totals.items + alert.totals.items,
      failedItems: group.totals.failedItems + alert.totals.failedItems,
      uncounted: (group.totals.uncounted ?? 0) + (alert.totals.uncounted ?? 0) || undefined,
    },
    mergedAlertIds: [alert.alertId, ...group.mergedAlertIds].slice(0, MERGED_IDS_KEPT),
  };
}

/**
 * A resolved notice that waited in the outbox while its group failed again: its newest job, the newest failure it
 * knew of, is older than the group's last failure. It must neither go out nor close the group.
 */
export function failedSinceNotice(group: FailureGroup | undefined, notice: Alert): boolean {
  return group !== undefined && group.lastFailureAt > (notice.jobs[0]?.createdAt ?? group.lastFailureAt);
}

/** A message's alerts by the failure group each belongs to (a combined message may hold parts of a large group). */
export function alertsByGroup(message: Message): Map<string, Alert[]> {
  const byGroup = new Map<string, Alert[]>();
  for (const alert of alertsOf(message)) {
    const key = groupKey(alert.companyId, alert.reason);
    byGroup.set(key, [...(byGroup.get(key) ?? []), alert]);
  }
  return byGroup;
}

/** The group after a message about it was delivered; undefined when the message changes no group. */
export function afterDelivery(
  group: FailureGroup | undefined,
  alert: Alert,
  now: Date,
): FailureGroup | undefined {
  // Its group written, its outbox entry not emptied: the next poll completes the same message again.
  if (group?.mergedAlertIds.includes(alert.alertId)) return group;
  switch (alert.kind) {
    case 'alert':
      return isKeyWarning(alert) ? undefined : mergeAlert(group, alert, now);
    case 'reminder':
      return (
        group &&
        applied(
          { ...group, remindersSent: group.remindersSent + 1, lastNotifiedAt: now.toISOString() },
          alert,
        )
      );
    case 'resolved':
      if (!group || failedSinceNotice(group, alert)) return group;
      return applied(
        {
          ...group,
          state: 'resolved',
          resolvedAt: alert.lifecycle?.resolvedAt ?? now.toISOString(),
          resolvedByJobId: alert.lifecycle?.resolvedByJobId,
        },
        alert,
      );
    case 'digest':
    case 'test':
      return undefined;
  }
}

/**
 * The group after a message's sections about it were delivered, in one write. Once any of them is applied, all
 * are (the store writes them together): completing the message again changes nothing, however many parts of a
 * large group it carries.
 */
export function afterDeliveryOfAll(
  group: FailureGroup | undefined,
  sections: readonly Alert[],
  now: Date,
): FailureGroup | undefined {
  if (sections.some((section) => group?.mergedAlertIds.includes(section.alertId))) return group;
  return sections.reduce<FailureGroup | undefined>(
    (stored, section) => afterDelivery(stored, section, now),
    group,
  );
}

function applied(group: FailureGroup, message: Alert): FailureGroup {
  return { ...group, mergedAlertIds: [message.alertId, ...group.mergedAlertIds].slice(0, MERGED_IDS_KEPT) };
}

/** Resolved notices for open groups of companies that completed an export after their last failure. */
export function resolvedNotices(
  groups: readonly FailureGroup[],
  latestCompleted: ReadonlyMap<string, CompletedExport>,
  now: Date,
): Alert[] {
  return groups.flatMap((group) => {
    const completed = latestCompleted.get(group.companyId);
    if (group.state !== 'open' || !completed || completed.createdAt <= group.lastFailureAt) return [];
    return [resolvedNotice(group, now, completed.jobId)];
  });
}

/** A resolved notice for a group, e.g. an incident of the alerter itself that is over. */
export function resolvedNotice(group: FailureGroup, now: Date, resolvedByJobId?: string): Alert {
  return {
    ...groupMessage(group, 'resolved', now),
    // As of the group's last failure: a group that failed again while a notice waited gets a notice of its own later.
    alertId: stableId('resolved', group.companyId, group.reason, group.openedAt, group.lastFailureAt),
    lifecycle: {
      openedAt: group.openedAt,
      remindersSent: group.remindersSent,
      resolvedAt: now.toISOString(),
      resolvedByJobId,
    },
  };
}

/** Reminders for groups open for another full interval, until the policy's count is reached. */
export function dueReminders(groups: readonly FailureGroup[], now: Date, policy: ReminderPolicy): Alert[] {
  return groups.flatMap((group) => {
    const due = Date.parse(group.lastNotifiedAt) + policy.intervalMs <= now.getTime();
    // A cancelled export is news once: there is nothing to fix, so nothing to remind of.
    if (group.state !== 'open' || group.category === 'info' || group.remindersSent >= policy.max || !due)
      return [];
    return [
      {
        ...groupMessage(group, 'reminder', now),
        alertId: stableId(
          'reminder',
          group.companyId,
          group.reason,
          group.openedAt,
          String(group.remindersSent + 1),
        ),
        lifecycle: { openedAt: group.openedAt, remindersSent: group.remindersSent },
      },
    ];
  });
}

export interface Damped {
  send: Alert[];
  /** Transient failures followed by a completed export within the grace window: recorded, never sent. */
  suppress: Alert[];
  /** Transient failures still inside the grace window: left for a later poll. */
  hold: Alert[];
}

/** Flap damping: a transient failure waits `graceMs`; if the company's next export completes, it is dropped. */
export function damp(
  alerts: readonly Alert[],
  latestCompleted: ReadonlyMap<string, CompletedExport>,
  now: Date,
  graceMs: number,
): Damped {
  const damped: Damped = { send: [], suppress: [], hold: [] };
  for (const alert of alerts) {
    if (graceMs <= 0 || alert.kind !== 'alert' || alert.category !== 'transient') {
      damped.send.push(alert);
      continue;
    }
    const times = alert.jobs.map((job) => job.createdAt).sort();
    const [oldest = '', newest = ''] = [times[0], times.at(-1)];
    const completed = latestCompleted.get(alert.companyId);
    if (completed && completed.createdAt > newest) damped.suppress.push(alert);
    else if (Date.parse(oldest) + graceMs > now.getTime()) damped.hold.push(alert);
    else damped.send.push(alert);
  }
  return holdWholeJobs(damped);
}

/**
 * A job held for one reason is held for all: its other alerts would record it as handled and the held reason
 * would never be sent.
 */
function holdWholeJobs(damped: Damped): Damped {
  const more = alertsSharingJobs(damped.hold, [...damped.send, ...damped.suppress]);
  return {
    send: damped.send.filter((alert) => !more.includes(alert)),
    suppress: damped.suppress.filter((alert) => !more.includes(alert)),
    hold: [...damped.hold, ...more],
  };
}

/**
 * The messages of `others` that share a job with one of `held`, or with one of those, and so on: what must wait with
 * `held`, since delivering any of them would record a job as handled and lose its other reasons. A combined
 * message's jobs are all its sections' jobs.
 */
export function alertsSharingJobs<M extends Message>(held: readonly Message[], others: readonly M[]): M[] {
  const jobIdsOf = (message: Message) =>
    alertsOf(message).flatMap((alert) => alert.jobs.map((job) => job.jobId));
  const jobs = new Set(held.flatMap(jobIdsOf));
  const sharing: M[] = [];
  for (let grew = jobs.size > 0; grew; ) {
    grew = false;
    for (const message of others) {
      if (sharing.includes(message)) continue;
      const ids = jobIdsOf(message);
      if (!ids.some((id) => jobs.has(id))) continue;
      sharing.push(message);
      for (const id of ids) jobs.add(id);
      grew = true;
    }
  }
  return sharing;
}

/** The daily summary: open groups by company and reason, and the ones resolved in the last 24 hours. */
export function digestAlert(
  groups: readonly FailureGroup[],
  now: Date,
  timeZone: string,
  mutes: readonly Mute[] = [],
): Alert {
  const date = localDate(now, timeZone);
  const line = (group: FailureGroup): DigestLine => ({
    companyId: group.companyId,
    companyName: group.companyName,
    reason: group.reason,
    category: group.category,
    jobs: group.totals.jobs,
    failedItems: group.totals.failedItems,
    uncounted: group.totals.uncounted,
    openedAt: group.openedAt,
    resolvedAt: group.resolvedAt,
  });
  const byCompany = (a: DigestLine, b: DigestLine) =>
    (a.companyName ?? a.companyId).localeCompare(b.companyName ?? b.companyId) ||
    a.reason.localeCompare(b.reason);
  const open = groups
    .filter((group) => group.state === 'open')
    .map(line)
    .sort(byCompany);
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const resolvedSinceYesterday = groups
    .filter((group) => group.state === 'resolved' && (group.resolvedAt ?? '') >= dayAgo)
    .map(line)
    .sort(byCompany);
  const failures = open.filter((l) => !isIncident(l));
  const at = now.toISOString();
  const names = new Map(groups.map((group) => [group.companyId, group.companyName]));
  const muted: MutedLine[] = mutes
    .filter((mute) => mute.expiresAt > at)
    .map((mute) => ({
      companyId: mute.companyId,
      companyName: names.get(mute.companyId) ?? null,
      reason: mute.reason,
      category: mute.category,
      until: mute.expiresAt,
      exports: mute.mutedExports,
    }));
  return {
    schemaVersion: 1,
    alertId: `digest-${date}`,
    kind: 'digest',
    companyId: ALERTER_COMPANY_ID,
    companyName: null,
    reason: 'digest',
    category: 'info',
    // One synthetic job per day: recorded like any job, it keeps a second digest that day from going out.
    jobs: [
      {
        jobId: `digest:${date}`,
        status: 'digest',
        createdAt: at,
        numberOfItems: 0,
        failedItems: null,
        failureReason: null,
      },
    ],
    // The exports with problems: the alerter's own problems are listed, but are not exports.
    totals: {
      jobs: failures.reduce((sum, l) => sum + l.jobs, 0),
      items: 0,
      failedItems: failures.reduce((sum, l) => sum + l.failedItems, 0),
      uncounted: failures.reduce((sum, l) => sum + (l.uncounted ?? 0), 0) || undefined,
    },
    detectedAt: at,
    possibleRedelivery: false,
    digest: { date, timeZone, open, resolvedSinceYesterday, ...(muted.length > 0 && { muted }) },
  };
}

/** YYYY-MM-DD of `now` in the time zone. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** ISO timestamps compare as strings. */
function newestCreatedAt(jobs: readonly AlertJob[]): string {
  return (
    jobs
      .map((job) => job.createdAt)
      .sort()
      .at(-1) ?? ''
  );
}

function groupMessage(group: FailureGroup, kind: Alert['kind'], now: Date): Omit<Alert, 'alertId'> {
  return {
    schemaVersion: 1,
    kind,
    companyId: group.companyId,
    companyName: group.companyName,
    reason: group.reason,
    category: group.category,
    jobs: group.jobs,
    totals: group.totals,
    detectedAt: now.toISOString(),
    possibleRedelivery: false,
  };
}

function stableId(...parts: string[]): string {
  return `${parts[0]}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24)}`;
}
