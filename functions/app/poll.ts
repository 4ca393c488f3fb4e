// One poll: deliver what earlier polls left in the outbox, find the failures never handled, alert them grouped by
// (company, reason), and carry the open groups forward: resolved notices, reminders, flap damping, and alerts
// about the alerter itself (API key refused, Pleo unreachable). A company's many messages of one kind go out as one
// (the roll-up), and the first poll tells each company what it found as one message: the state when watching began.

import type { PollerConfig } from '../config/poller.js';
import { alertsOf } from '../domain/alert.js';
import { type Connection, describeConnection } from '../domain/connection.js';
import { type Controls, NO_CONTROLS, remindable, splitMuted } from '../domain/controls.js';
import { groupFailures } from '../domain/group.js';
import {
  ALERTER_COMPANY_ID,
  INCIDENTS,
  type Incident,
  incidentAlert,
  isIncident,
} from '../domain/incidents.js';
import { keyExpiryNotice } from '../domain/key-expiry.js';
import {
  alertsSharingJobs,
  type CompletedExport,
  damp,
  digestAlert,
  dueReminders,
  type FailureGroup,
  resolvedNotice,
  resolvedNotices,
} from '../domain/lifecycle.js';
import { rollUp } from '../domain/rollup.js';
import { Courier } from './courier.js';
import { PleoCredentialsError, PleoUnavailableError } from './errors.js';
import {
  latestCompletedExports,
  listNewJobs,
  type NewJobs,
  type Scope,
  withFailedItems,
} from './new-failures.js';
import type { AlertPublisher, AlertState, ControlReader, Log, PleoExports } from './ports.js';

/** What a poll needs of the configuration (functions/config/poller.ts says what each setting means). */
export type PollSettings = Pick<
  PollerConfig,
  | 'companies'
  | 'lookbackDays'
  | 'itemConcurrency'
  | 'dynamoConcurrency'
  | 'leaseSeconds'
  | 'budgetMs'
  | 'reminders'
  | 'flapGraceMs'
  | 'resolutionCheckMs'
  | 'unreachableAlertAfterPolls'
  | 'digestTimeZone'
  | 'rollupAbove'
  | 'quietFirstPoll'
  | 'deliveryConcurrency'
>;

export interface PollDeps extends LeaseDeps {
  pleo: PleoExports;
}

/** What a run needs besides Pleo: the digest works from the state alone. */
export interface LeaseDeps {
  state: AlertState;
  /** Built on first use: a poll with nothing to send never loads the SNS client. */
  publisher: () => Promise<AlertPublisher>;
  log: Log;
  now: () => Date;
  /** Identifies this poll in the lease. */
  owner: string;
  /** Mutes, acknowledgements and snoozes; without it, nothing is muted, acknowledged or snoozed. */
  controls?: ControlReader | undefined;
  /** The connection polled, named in the alerter's own messages; without it, the alerter speaks of its one key. */
  connection?: Connection | undefined;
  /**
   * The failure groups of the deployment's other connections, each kept in its own partitions: the daily digest is
   * one for them all, sent under this lease.
   */
  otherGroups?: (() => Promise<FailureGroup[]>) | undefined;
  /**
   * Jobs in the outboxes of other connections covering the same companies: the connection that wrote them down
   * delivers them (and records them), so this one must not alert them again meanwhile.
   */
  othersInFlight?: (() => Promise<ReadonlySet<string>>) | undefined;
}

/** What the caller knows of the time it gives the poll. */
export interface Invocation {
  /** Fires when the invocation runs out of time (middy's early timeout): the poll stops at the next step. */
  signal?: AbortSignal | undefined;
  /** Time left until `signal` fires, when known: the lease outlives it, and delivery keeps a share of it. */
  timeLeftMs?: number | undefined;
}

/** The lease outlives the time the invocation has left by this much, whatever the settings say. */
const LEASE_MARGIN_SECONDS = 60;

/** A poll's report before it has done anything. */
export const NOTHING_DONE: Readonly<PollReport> = {
  skipped: false,
  jobsSeen: 0,
  newFailures: 0,
  deferredFailures: 0,
  heldFailures: 0,
  suppressedFailures: 0,
  mutedFailures: 0,
  alertsPublished: 0,
  alertsFailed: 0,
  pleoRequests: 0,
  durationMs: 0,
  deliveryMs: 0,
};

export interface PollReport {
  skipped: boolean;
  jobsSeen: number;
  newFailures: number;
  /** New failures left for the next poll: the time budget ran out, or Pleo could not list their items for now. */
  deferredFailures: number;
  /** Transient failures waiting for the grace window, and the ones dropped after a completed export. */
  heldFailures: number;
  suppressedFailures: number;
  /** New failures a mute kept quiet: recorded as handled, counted on the mute, not sent. */
  mutedFailures: number;
  /** Messages published, a combined one counting once. */
  alertsPublished: number;
  alertsFailed: number;
  pleoRequests: number;
  durationMs: number;
  /** Time spent writing down and publishing the poll's new alerts. */
  deliveryMs: number;
}

/** Thrown after a poll in which some alerts could not be published; they stay in the outbox for the next poll. */
export class UndeliveredAlertsError extends Error {
  override readonly name = 'UndeliveredAlertsError';
}

export async function pollOnce(
  deps: PollDeps,
  settings: PollSettings,
  invocation: Invocation = {},
): Promise<PollReport> {
  return withLease(
    deps,
    settings,
    invocation,
    'poll',
    async ({ courier, report, inFlight, signal, deadlines }) => {
      const scope: Scope = { ...deps, companyIds: settings.companies.map((c) => c.id), signal };
      const controls = await currentControls(deps);
      const watching = await deps.state.watchingSince();
      // Before Pleo is asked anything: a key about to expire is worth a word even while Pleo is down.
      await warnOfKeyExpiry(deps, courier, watching);
      // A table with groups but no mark was watched by a version from before the mark: not a first poll.
      const firstPoll = watching === undefined && courier.groups.size === 0;
      // The failures and their items go out of scope once grouped: only the alerts stay in memory.
      const { alerts, listing, deferred } = await newAlerts(deps, scope, settings, {
        courier,
        report,
        inFlight,
        deadlines,
      });
      const completed = await completedExportsThatMatter(deps, scope, courier, alerts, settings, deadlines);
      const damped = damp(alerts, completed, deps.now(), settings.flapGraceMs);
      const { send, muted } = splitMuted(damped.send, controls, deps.now());
      report.heldFailures = damped.hold.reduce((sum, alert) => sum + alert.jobs.length, 0);
      report.suppressedFailures = damped.suppress.reduce((sum, alert) => sum + alert.jobs.length, 0);
      const deliveryStarted = performance.now();
      const messages = rollUp(send, {
        rollupAbove: settings.rollupAbove,
        currentState: firstPoll && settings.quietFirstPoll,
      });
      const { staged, leftOut } = await courier.stageNew(messages, deps.owner);
      // Once its messages are written down: a poll that dies before is the first poll again.
      if (watching === undefined) await deps.state.setWatchingSince(deps.now().toISOString());
      // Every new failure is now written down, or left for the next poll, which lists again from where it was found.
      const unhandled = new Set([
        ...deferred,
        ...leftOut.flatMap((message) =>
          alertsOf(message).flatMap((alert) => alert.jobs.map((job) => job.jobId)),
        ),
      ]);
      await deps.state.setListingCheckpoints(listing.checkpoints(unhandled));
      // Only now, with every alert of the poll staged: a suppressed or muted job may have another reason that is
      // sent, or that could not be written down and waits for the next poll.
      const quiet = [...damped.suppress, ...muted.map(({ alert }) => alert)];
      const waiting = alertsSharingJobs(leftOut, quiet);
      for (const alert of quiet.filter((a) => !waiting.includes(a))) {
        signal.throwIfAborted();
        await deps.state.suppress(alert, deps.now());
        const mute = muted.find((entry) => entry.alert === alert)?.mute;
        if (mute) {
          await deps.controls?.countMuted(mute.id, alert.jobs.length);
          report.mutedFailures += alert.jobs.length;
        }
      }
      await courier.sendStaged(staged);
      report.deliveryMs = Math.round(performance.now() - deliveryStarted);
      await courier.deliverAll(resolvedNotices(openGroups(courier), completed, deps.now()));
      const remind = openGroups(courier).filter((group) => remindable(group, controls, deps.now()));
      await courier.deliverAll(dueReminders(remind, deps.now(), settings.reminders));
      // A digest that found the lease held waits for the next poll that takes it.
      const digestAskedAt = await deps.state.digestRequestedAt();
      if (digestAskedAt !== undefined) await sendDigest(deps, settings, courier, new Date(digestAskedAt));
    },
  );
}

/**
 * Lists the failures never handled (from where the last poll stopped) within the listing's time, fetches their
 * items within the items' time, and groups them into alerts.
 */
async function newAlerts(
  deps: PollDeps,
  scope: Scope,
  settings: PollSettings,
  { courier, report, inFlight, deadlines }: Pick<LeaseWork, 'courier' | 'report' | 'inFlight' | 'deadlines'>,
) {
  const { now, state } = deps;
  let listed: NewJobs;
  let found: Awaited<ReturnType<typeof withFailedItems>>;
  try {
    listed = await listNewJobs(scope, {
      horizon: new Date(now().getTime() - settings.lookbackDays * 86_400_000),
      now: now(),
      // Asking Pleo again about older exports goes at one pace: failures found late, groups resolved since.
      sweepEveryMs: settings.resolutionCheckMs,
      inFlight,
      concurrency: settings.dynamoConcurrency,
      checkpoints: await state.listingCheckpoints(),
      deadline: deadlines.listing,
    });
    report.jobsSeen = listed.jobsSeen;
    report.newFailures = listed.newJobs.length;
    found = await withFailedItems(scope, listed.newJobs, {
      concurrency: settings.itemConcurrency,
      deadline: deadlines.items,
      now: now(),
    });
  } catch (error) {
    await reportIncident(error, deps, settings, courier);
    throw error;
  }
  await state.setPleoFailures(0);
  for (const group of openGroups(courier).filter(isIncident)) {
    await courier.deliver(resolvedNotice(group, now()));
  }
  report.deferredFailures = found.deferred.size;
  const alerts = groupFailures(found.failures, {
    companyNames: new Map(settings.companies.flatMap((c) => (c.name ? [[c.id, c.name]] : []))),
    detectedAt: now(),
  });
  return { alerts, listing: listed, deferred: found.deferred };
}

/** The daily digest: open failures by company and reason, and what was resolved since yesterday; once a day. */
export async function digestOnce(
  deps: LeaseDeps,
  settings: PollSettings,
  invocation: Invocation = {},
): Promise<PollReport> {
  const report = await withLease(deps, settings, invocation, 'digest', async ({ courier }) => {
    await sendDigest(deps, settings, courier, deps.now());
  });
  if (report.skipped) {
    // Not lost for the day: the poll holding the lease, or the next, sends it.
    await deps.state.requestDigest(deps.now());
    deps.log.info('Another poll holds the lease; the digest goes out with the next poll');
  }
  return report;
}

/**
 * The digest of the day `at` falls on, once: its one synthetic job is recorded like any other, so a second digest
 * of the same day is a no-op. Settles a digest that waited for the lease, too.
 */
async function sendDigest(deps: LeaseDeps, settings: PollSettings, courier: Courier, at: Date) {
  const { mutes } = await currentControls(deps);
  const groups = [...courier.groups.values(), ...((await deps.otherGroups?.()) ?? [])];
  const digest = digestAlert(groups, at, settings.digestTimeZone, mutes);
  const markers = digest.jobs.map((job) => job.jobId);
  if ((await deps.state.knownJobIds(markers)).size < markers.length) await courier.deliver(digest);
  await deps.state.clearDigestRequest();
}

interface LeaseWork {
  courier: Courier;
  report: PollReport;
  /** Jobs in the outbox: no new alert may repeat them. */
  inFlight: ReadonlySet<string>;
  /** Fires when the invocation runs out of time or the lease is about to: every step stops at it. */
  signal: AbortSignal;
  deadlines: Deadlines;
}

/**
 * When each step that asks Pleo for more stops, within the poll's budget (`budgetMs`, and at most three quarters
 * of the time the invocation has left): the rest of the time is kept for delivering what was found.
 */
interface Deadlines {
  /** The job listing stops (a `performance.now()` time): half of the budget. */
  listing: number;
  /** No new item listing starts (a `performance.now()` time): three quarters of the budget. */
  items: number;
  /** The listing of completed exports stops: the whole budget. */
  completed: AbortSignal;
}

function deadlines(settings: PollSettings, invocation: Invocation, startedMs: number): Deadlines {
  // The budget counts real time, whatever clock the alerter's dates come from.
  const budgetMs = Math.min(settings.budgetMs, (invocation.timeLeftMs ?? Number.POSITIVE_INFINITY) * 0.75);
  return {
    listing: startedMs + budgetMs / 2,
    items: startedMs + budgetMs * 0.75,
    completed: AbortSignal.timeout(Math.ceil(budgetMs)),
  };
}

/**
 * Takes the lease (for longer than the invocation can run), delivers what earlier polls left in the outbox, runs
 * `work`, and always gives the lease back.
 */
async function withLease(
  deps: LeaseDeps & { pleo?: PleoExports },
  settings: PollSettings,
  invocation: Invocation,
  task: 'poll' | 'digest',
  work: (context: LeaseWork) => Promise<void>,
): Promise<PollReport> {
  const started = deps.now();
  const startedMs = performance.now();
  const leaseSeconds = Math.max(
    settings.leaseSeconds,
    Math.ceil((invocation.timeLeftMs ?? 0) / 1000) + LEASE_MARGIN_SECONDS,
  );
  // Whatever runs the poll (npm start has no deadline), it stops before its lease ends.
  const leaseEnds = AbortSignal.timeout((leaseSeconds - LEASE_MARGIN_SECONDS / 2) * 1000);
  const signal = invocation.signal ? AbortSignal.any([invocation.signal, leaseEnds]) : leaseEnds;
  const report: PollReport = { ...NOTHING_DONE };
  if (!(await deps.state.acquireLease(deps.owner, started, leaseSeconds))) {
    deps.log.info('Another poll holds the lease; skipping this one');
    return { ...report, skipped: true };
  }
  let failed = false;
  try {
    const courier = new Courier(
      {
        ...deps,
        signal,
        deliveryConcurrency: settings.deliveryConcurrency,
        rollupAbove: settings.rollupAbove,
      },
      await deps.state.failureGroups(),
      report,
    );
    // What earlier polls wrote down goes out first, even when Pleo is down today.
    const inFlight = new Set([
      ...(await courier.recover(await deps.state.outbox())),
      ...((await deps.othersInFlight?.()) ?? []),
    ]);
    await work({ courier, report, inFlight, signal, deadlines: deadlines(settings, invocation, startedMs) });
    if (report.alertsFailed > 0) {
      throw new UndeliveredAlertsError(
        `${report.alertsFailed} alert(s) could not be published; the next poll retries them`,
      );
    }
    return report;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    report.pleoRequests = deps.pleo?.requestCount ?? 0;
    report.durationMs = Math.round(performance.now() - startedMs);
    // A poll that went through is the alerter's pulse (`status` shows it); a digest is not a poll.
    await releaseLease(deps, failed, task === 'poll' && !failed ? deps.now().toISOString() : undefined);
  }
}

/** A lease left held only delays the next poll until it expires: that never replaces the error that ended this one. */
async function releaseLease(deps: LeaseDeps, pollFailed: boolean, succeededAt?: string): Promise<void> {
  try {
    await deps.state.releaseLease(deps.owner, succeededAt);
  } catch (error) {
    if (!pollFailed) throw error;
    deps.log.error('Could not release the poll lease; the next poll waits until it expires', {
      error: String(error),
    });
  }
}

/**
 * A refused key alerts at once; Pleo being unreachable alerts after several polls in a row. Once per incident, and
 * per connection: each has its own groups, and its messages name it and its companies.
 */
async function reportIncident(error: unknown, deps: PollDeps, settings: PollSettings, courier: Courier) {
  let incident: Incident | undefined;
  let detail = '';
  const about = deps.connection && describeConnection(deps.connection);
  if (error instanceof PleoCredentialsError) {
    incident = INCIDENTS.credentials;
    detail = `Pleo answered HTTP ${error.status} to the ${about ? `API key of ${about}` : "alerter's API key"}.`;
  } else if (error instanceof PleoUnavailableError) {
    const failures = (await deps.state.pleoFailures()) + 1;
    await deps.state.setPleoFailures(failures);
    if (failures >= settings.unreachableAlertAfterPolls) incident = INCIDENTS.unreachable;
    detail = `${failures} polls in a row could not reach Pleo${about ? ` through ${about}` : ''}. Last problem: ${error.message}`;
  }
  if (incident && !courier.openGroup(ALERTER_COMPANY_ID, incident)) {
    await courier.deliver(incidentAlert(incident, detail, deps.now(), about));
  }
}

/** The connection's key expires soon, or its expiry is not known: said once each (see domain/key-expiry.ts). */
async function warnOfKeyExpiry(deps: LeaseDeps, courier: Courier, watching: string | undefined) {
  if (!deps.connection) return;
  const notice = keyExpiryNotice(deps.connection, await deps.state.keyExpiryMark(), watching, deps.now());
  if (!notice) return;
  // Delivered, then marked: a poll that dies between the two says it again, rather than never.
  await courier.deliver(notice.alert);
  await deps.state.setKeyExpiryMark(notice.mark);
}

/** A job that completes is listed by when it was created: one finishing this long after it started is still seen. */
const LATE_COMPLETION_MS = 24 * 3_600_000;

/**
 * Completed exports are listed only when something depends on them: transient failures to damp, or open groups
 * not checked for `resolutionCheckMs`. Only back to the last such listing, less a margin for exports that were
 * still running then.
 */
async function completedExportsThatMatter(
  deps: PollDeps,
  scope: Scope,
  courier: Courier,
  alerts: ReturnType<typeof groupFailures>,
  settings: PollSettings,
  { completed: until }: Deadlines,
): Promise<Map<string, CompletedExport>> {
  const open = openGroups(courier).filter((group) => !isIncident(group));
  const transient = settings.flapGraceMs > 0 ? alerts.filter((alert) => alert.category === 'transient') : [];
  const checkedAt = await deps.state.completedCheckedAt();
  const floor = checkedAt === undefined ? 0 : Date.parse(checkedAt) - LATE_COMPLETION_MS;
  // Only a group open at the last listing was in it; one opened since (its failure maybe days old) and new
  // transient failures are listed back to their own failures.
  const times = [
    ...open.map((group) =>
      Math.max(Date.parse(group.lastFailureAt), checkedAt && group.openedAt < checkedAt ? floor : 0),
    ),
    ...transient.flatMap((alert) => alert.jobs.map((job) => Date.parse(job.createdAt))),
  ];
  if (times.length === 0) return new Map();
  const checkedRecently =
    checkedAt !== undefined && deps.now().getTime() - Date.parse(checkedAt) < settings.resolutionCheckMs;
  if (transient.length === 0 && checkedRecently) return new Map();
  const since = new Date(times.reduce((a, b) => Math.min(a, b)));
  const companies = [...open.map((group) => group.companyId), ...transient.map((alert) => alert.companyId)];
  const checkedNow = deps.now().toISOString();
  const { latest, complete } = await latestCompletedExports(scope, companies, since, until);
  // Cut short, it found each company's newest completed export only back to where it stopped: asked again next poll.
  if (complete) await deps.state.setCompletedCheckedAt(checkedNow);
  return latest;
}

/** Read once a poll, as of its lease: a mute added while it runs applies from the next poll. */
async function currentControls(deps: LeaseDeps): Promise<Controls> {
  return (await deps.controls?.controls()) ?? NO_CONTROLS;
}

function openGroups(courier: Courier): FailureGroup[] {
  return [...courier.groups.values()].filter((group) => group.state === 'open');
}
