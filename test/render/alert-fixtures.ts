// Messages for renderer tests: a realistic default alert, bent per test with overrides, and the other kinds.
import { type Alert, type AlertJob, type CombinedAlert, isCombined } from '../../functions/domain/alert.js';
import { INCIDENTS, type Incident, incidentAlert } from '../../functions/domain/incidents.js';
import {
  digestAlert,
  dueReminders,
  type FailureGroup,
  mergeAlert,
  resolvedNotice,
} from '../../functions/domain/lifecycle.js';
import { describeReason } from '../../functions/domain/reasons.js';
import { rollUp } from '../../functions/domain/rollup.js';

export function makeJob(index: number, overrides: Partial<AlertJob> = {}): AlertJob {
  return {
    jobId: `0f8fad5b-d9cb-469f-a165-${String(index).padStart(12, '0')}`,
    status: 'failed',
    createdAt: new Date(Date.UTC(2024, 4, 1, 9, 30) - index * 60_000).toISOString(),
    numberOfItems: 12,
    failedItems: 3,
    failureReason: 'Account 4000 is inactive in the chart of accounts',
    ...overrides,
  };
}

/** An alert of `jobCount` jobs (default 3), totals computed from them, then `overrides` applied. */
export function makeAlert(overrides: Partial<Alert> = {}, jobCount = 3, job: Partial<AlertJob> = {}): Alert {
  const jobs = overrides.jobs ?? Array.from({ length: jobCount }, (_, index) => makeJob(index, job));
  return {
    schemaVersion: 1,
    alertId: 'alert-7c1d',
    kind: 'alert',
    companyId: 'c0ffee00-1111-2222-3333-444455556666',
    companyName: 'Acme ApS',
    reason: 'missing_configuration',
    category: 'accountant',
    jobs,
    totals: {
      jobs: jobs.length,
      items: jobs.reduce((sum, j) => sum + j.numberOfItems, 0),
      failedItems: jobs.reduce((sum, j) => sum + (j.failedItems ?? 0), 0),
      uncounted: jobs.filter((j) => j.failedItems === null).length || undefined,
    },
    detectedAt: '2024-05-01T09:35:12Z',
    possibleRedelivery: false,
    ...overrides,
  };
}

// Messages of every kind, made by the domain's own lifecycle functions from a group opened at OPENED.
export const OPENED = new Date('2026-11-26T09:00:00Z');
/** Two days after OPENED: when reminders, resolved notices and digests are made. */
export const LATER = new Date('2026-11-28T09:00:00Z');

/** The group a delivered alert opened at OPENED, with `remindersSent` reminders since. */
export function openGroup(alert: Alert = makeAlert(), remindersSent = 0): FailureGroup {
  return { ...mergeAlert(undefined, alert, OPENED), remindersSent };
}

/** The group after it was resolved at `resolvedAt`. */
export function resolvedGroup(alert: Alert, resolvedAt: Date): FailureGroup {
  return { ...openGroup(alert), state: 'resolved', resolvedAt: resolvedAt.toISOString() };
}

/** The notice that a group (of `alert`, 2 reminders sent) is over, seen at LATER through export `byJobId`. */
export function resolvedMessage(alert: Alert = makeAlert(), byJobId: string | null = 'job-done-1'): Alert {
  return resolvedNotice(openGroup(alert, 2), LATER, byJobId ?? undefined);
}

/** The reminder due at LATER for a group (of `alert`) that had `remindersSent` reminders. */
export function reminderMessage(alert: Alert = makeAlert(), remindersSent = 1): Alert {
  const [reminder] = dueReminders([openGroup(alert, remindersSent)], LATER, {
    intervalMs: 3_600_000,
    max: 10,
  });
  if (reminder === undefined) throw new Error('fixture: no reminder due');
  return reminder;
}

export const KEY_REFUSED_DETAIL = "Pleo answered HTTP 401 to the alerter's API key.";
export const UNREACHABLE_DETAIL = '3 polls in a row could not reach Pleo. Last problem: connect ECONNREFUSED';

/** An incident of the alerter as each kind of message: it started (OPENED), is still on, or is over (LATER). */
export function incidentMessage(reason: Incident, kind: 'alert' | 'reminder' | 'resolved'): Alert {
  const detail = reason === INCIDENTS.credentials ? KEY_REFUSED_DETAIL : UNREACHABLE_DETAIL;
  const started = incidentAlert(reason, detail, OPENED);
  if (kind === 'alert') return started;
  return kind === 'reminder' ? reminderMessage(started, 0) : resolvedNotice(openGroup(started), LATER);
}

/** The digest made at LATER over `groups`. */
export function digestMessage(groups: readonly FailureGroup[]): Alert {
  return digestAlert(groups, LATER, 'Europe/Copenhagen');
}

/** `count` groups over `companies` companies (named by `name`), every fourth one resolved since yesterday. */
export function manyGroups(
  count: number,
  companies: number,
  name: (company: number) => string = (company) => `Company ${company}`,
): FailureGroup[] {
  const reasons = ['missing_configuration', 'receipt_file_size_limit_exceeded', 'authorization_failure'];
  return Array.from({ length: count }, (_, index) => {
    const company = index % companies;
    const alert = makeAlert({
      companyId: `c0ffee00-1111-2222-3333-${String(company).padStart(12, '0')}`,
      companyName: name(company),
      reason: reasons[Math.floor(index / companies) % reasons.length] ?? 'unknown',
    });
    return index % 4 === 3 ? resolvedGroup(alert, new Date('2026-11-28T01:00:00Z')) : openGroup(alert);
  });
}

const KNOWN_REASONS = [
  'missing_configuration',
  'validation_failure',
  'authorization_failure',
  'receipt_file_size_limit_exceeded',
  'accounting_system_timeout',
  'unknown',
];

/** `count` reason codes: the alerter's known ones first, then new ones it does not know. */
export function reasonCodes(count: number): string[] {
  return Array.from({ length: count }, (_, index) => KNOWN_REASONS[index] ?? `brand_new_reason_${index}`);
}

export interface CombinedOptions {
  kind?: 'alert' | 'reminder' | 'resolved';
  /** Combined as the state a first poll found, rather than as a storm. */
  currentState?: boolean;
  jobsEach?: number;
  job?: Partial<AlertJob>;
  companyName?: string | null;
}

/**
 * One company's groups for `reasons` reasons, `jobsEach` jobs each (default 2, no job in two groups), as messages
 * of `kind` made by the lifecycle functions, combined by the roll-up.
 */
export function combinedMessage(reasons: number, options: CombinedOptions = {}): CombinedAlert {
  const { kind = 'alert', jobsEach = 2, job = {}, companyName = 'Acme ApS' } = options;
  const alerts = reasonCodes(reasons).map((reason, index) => {
    const jobs = Array.from({ length: jobsEach }, (_, each) => makeJob(index * 1000 + each, job));
    const alert = makeAlert({
      reason,
      category: describeReason(reason).category,
      alertId: `alert-${index}`,
      companyName,
      jobs,
    });
    if (kind === 'alert') return alert;
    return kind === 'reminder' ? reminderMessage(alert) : resolvedMessage(alert);
  });
  const [message] = rollUp(alerts, { rollupAbove: 1, currentState: options.currentState });
  if (message === undefined || !isCombined(message)) throw new Error('fixture: not combined');
  return message;
}
