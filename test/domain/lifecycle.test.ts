import { describe, expect, it } from 'vitest';
import type { Alert } from '../../functions/domain/alert.js';
import { groupFailures } from '../../functions/domain/group.js';
import { INCIDENTS, incidentAlert } from '../../functions/domain/incidents.js';
import {
  afterDelivery,
  damp,
  digestAlert,
  dueReminders,
  type FailureGroup,
  GROUP_JOBS_KEPT,
  localDate,
  mergeAlert,
  resolvedNotices,
} from '../../functions/domain/lifecycle.js';
import { ACME, job, NORDLYS } from '../fixtures/jobs.js';

const T0 = new Date('2026-11-20T10:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

function alertFor(companyId: string, reason: string, createdAt: string, count = 1): Alert {
  const failures = Array.from({ length: count }, () => ({
    job: job({ companyId, failureReasonType: reason, createdAt }),
    failedItems: null,
  }));
  const [alert] = groupFailures(failures, { companyNames: new Map(), detectedAt: T0 });
  if (!alert) throw new Error('no alert');
  return alert;
}

const openGroup = (alert: Alert, when = T0): FailureGroup => mergeAlert(undefined, alert, when);

describe('mergeAlert', () => {
  it('opens a group from its first alert', () => {
    const alert = alertFor(ACME, 'missing_configuration', at(-1).toISOString(), 2);
    expect(openGroup(alert)).toMatchObject({
      state: 'open',
      openedAt: T0.toISOString(),
      lastNotifiedAt: T0.toISOString(),
      lastFailureAt: at(-1).toISOString(),
      remindersSent: 0,
      totals: { jobs: 2 },
    });
  });

  it('grows an open group, keeping the newest jobs and exact totals, and resets the reminder clock', () => {
    const first = openGroup(alertFor(ACME, 'missing_configuration', at(-2).toISOString(), GROUP_JOBS_KEPT));
    const later = alertFor(ACME, 'missing_configuration', at(5).toISOString(), 3);
    const merged = mergeAlert({ ...first, remindersSent: 2 }, later, at(6));
    expect(merged.totals.jobs).toBe(GROUP_JOBS_KEPT + 3);
    expect(merged.jobs).toHaveLength(GROUP_JOBS_KEPT);
    expect(merged.jobs.slice(0, 3).map((j) => j.jobId)).toEqual(later.jobs.map((j) => j.jobId));
    expect(merged).toMatchObject({
      openedAt: T0.toISOString(),
      lastFailureAt: at(5).toISOString(),
      remindersSent: 2,
    });
    expect(merged.lastNotifiedAt).toBe(at(6).toISOString());
  });

  it('counts the exports whose failed expenses Pleo did not count, across merges', () => {
    const withErrors = (createdAt: string, count: number) => {
      const failures = Array.from({ length: count }, () => ({
        job: job({ status: 'completed_with_errors', failureReasonType: 'validation_failure', createdAt }),
        failedItems: null,
      }));
      const [alert] = groupFailures(failures, { companyNames: new Map(), detectedAt: T0 });
      if (!alert) throw new Error('no alert');
      return alert;
    };
    const first = openGroup(withErrors(at(-2).toISOString(), 2));
    expect(first.totals.uncounted).toBe(2);
    expect(mergeAlert(first, withErrors(at(1).toISOString(), 1), at(2)).totals.uncounted).toBe(3);
    expect(
      openGroup(alertFor(ACME, 'missing_configuration', T0.toISOString(), 2)).totals.uncounted,
    ).toBeUndefined();
  });

  it('counts an alert merged twice (an interrupted delivery finished again) once', () => {
    const alert = alertFor(ACME, 'missing_configuration', T0.toISOString());
    const once = openGroup(alert);
    expect(mergeAlert(once, alert, at(1))).toEqual(once);
  });

  it('opens a new episode when the group was resolved', () => {
    const resolved: FailureGroup = {
      ...openGroup(alertFor(ACME, 'x', T0.toISOString())),
      state: 'resolved',
      remindersSent: 3,
    };
    const reopened = mergeAlert(resolved, alertFor(ACME, 'x', at(30).toISOString()), at(31));
    expect(reopened).toMatchObject({
      state: 'open',
      remindersSent: 0,
      openedAt: at(31).toISOString(),
      totals: { jobs: 1 },
    });
  });
});

describe('resolvedNotices', () => {
  const group = openGroup(alertFor(ACME, 'missing_configuration', T0.toISOString()));

  it.each([
    ['a completed export after the last failure resolves it', at(1), 1],
    ['a completed export before the last failure does not', at(-1), 0],
    ['a completed export at the same moment does not', T0, 0],
  ])('%s', (_case, completedAt, expected) => {
    const completed = new Map([[ACME, { jobId: 'done-1', createdAt: completedAt.toISOString() }]]);
    expect(resolvedNotices([group], completed, at(2))).toHaveLength(expected);
  });

  it('resolves only the open groups of the company that exported, and says by which export', () => {
    const other = openGroup(alertFor(NORDLYS, 'missing_configuration', T0.toISOString()));
    const closed: FailureGroup = {
      ...openGroup(alertFor(ACME, 'validation_failure', T0.toISOString())),
      state: 'resolved',
    };
    const completed = new Map([[ACME, { jobId: 'done-1', createdAt: at(1).toISOString() }]]);
    const notices = resolvedNotices([group, other, closed], completed, at(2));
    expect(notices.map((n) => [n.kind, n.companyId, n.reason])).toEqual([
      ['resolved', ACME, 'missing_configuration'],
    ]);
    expect(notices[0]?.lifecycle).toEqual({
      openedAt: T0.toISOString(),
      remindersSent: 0,
      resolvedAt: at(2).toISOString(),
      resolvedByJobId: 'done-1',
    });
    expect(afterDelivery(group, notices[0] as Alert, at(2))).toMatchObject({
      state: 'resolved',
      resolvedByJobId: 'done-1',
    });
  });
});

describe('dueReminders', () => {
  const policy = { intervalMs: 24 * HOUR, max: 2 };
  const group = openGroup(alertFor(ACME, 'missing_configuration', T0.toISOString()));

  it.each([
    ['before the interval', group, at(23), 0],
    ['after the interval', group, at(24), 1],
    ['after the last of the allowed reminders', { ...group, remindersSent: 2 }, at(100), 0],
    ['for a resolved group', { ...group, state: 'resolved' as const }, at(100), 0],
    ['for a cancelled export, which has nothing to fix', { ...group, category: 'info' as const }, at(100), 0],
  ])('sends %s: %i', (_case, g, now, expected) => {
    expect(dueReminders([g], now, policy)).toHaveLength(expected);
  });

  it('gives each reminder its own stable id and counts it in the group once delivered', () => {
    const [first] = dueReminders([group], at(24), policy);
    expect(dueReminders([group], at(24), policy)[0]?.alertId).toBe(first?.alertId);
    const after = afterDelivery(group, first as Alert, at(24));
    expect(after).toMatchObject({ remindersSent: 1, lastNotifiedAt: at(24).toISOString() });
    expect(dueReminders([after as FailureGroup], at(30), policy)).toHaveLength(0);
    const [second] = dueReminders([after as FailureGroup], at(48), policy);
    expect(second?.alertId).not.toBe(first?.alertId);
  });
});

describe('afterDelivery', () => {
  const group = openGroup(alertFor(ACME, 'missing_configuration', T0.toISOString()));

  it('counts a reminder completed twice once', () => {
    const [reminder] = dueReminders([group], at(24), { intervalMs: 24 * HOUR, max: 3 });
    const once = afterDelivery(group, reminder as Alert, at(24));
    expect(afterDelivery(once, reminder as Alert, at(25))).toEqual(once);
    expect(once?.remindersSent).toBe(1);
  });
});

describe('damp', () => {
  const grace = 30 * 60_000;
  const transient = alertFor(ACME, 'accounting_system_unreachable', T0.toISOString());
  const lasting = alertFor(ACME, 'missing_configuration', T0.toISOString());
  const completedAfter = new Map([[ACME, { jobId: 'ok', createdAt: at(0.1).toISOString() }]]);

  it.each([
    ['sends a lasting failure at once', lasting, new Map(), at(0.05), 'send'],
    ['holds a transient failure inside the grace window', transient, new Map(), at(0.25), 'hold'],
    ['sends a transient failure once the grace window is over', transient, new Map(), at(0.5), 'send'],
    ['drops a transient failure the next export fixed', transient, completedAfter, at(0.25), 'suppress'],
  ] as const)('%s', (_case, alert, completed, now, bucket) => {
    const damped = damp([alert], completed, now, grace);
    expect(damped[bucket]).toEqual([alert]);
  });

  it('holds every alert of a job held for one of its reasons, and the alerts sharing jobs with those', () => {
    // Prepare: job A failed for a transient and a lasting reason; job B shares the lasting alert with A.
    const [a, b] = [job({ createdAt: T0.toISOString() }), job({ createdAt: T0.toISOString() })];
    const line = (j: typeof a) => ({
      jobId: j.id,
      status: 'failed',
      createdAt: j.createdAt,
      numberOfItems: 1,
      failedItems: 1,
      failureReason: null,
    });
    const held = { ...transient, alertId: 't', jobs: [line(a)] };
    const lastingAB = { ...lasting, alertId: 'l', jobs: [line(a), line(b)] };
    const other = alertFor(NORDLYS, 'missing_configuration', T0.toISOString());

    // Act
    const damped = damp([held, lastingAB, other], new Map(), at(0.1), grace);

    // Assess
    expect(damped.hold.map((x) => x.alertId).sort()).toEqual(['l', 't']);
    expect(damped.send).toEqual([other]);
  });

  it('sends everything when the grace window is 0', () => {
    expect(damp([transient], new Map(), T0, 0).send).toEqual([transient]);
  });
});

describe('digestAlert', () => {
  it('lists open groups by company and the ones resolved in the last 24 hours, dated in the time zone', () => {
    // Prepare
    const open = {
      ...openGroup(alertFor(NORDLYS, 'missing_configuration', T0.toISOString())),
      companyName: 'Nordlys AB',
    };
    const acme = {
      ...openGroup(alertFor(ACME, 'validation_failure', T0.toISOString())),
      companyName: 'Acme ApS',
    };
    const resolvedToday: FailureGroup = {
      ...acme,
      reason: 'x',
      state: 'resolved',
      resolvedAt: at(20).toISOString(),
    };
    const resolvedLongAgo: FailureGroup = {
      ...acme,
      reason: 'y',
      state: 'resolved',
      resolvedAt: at(-48).toISOString(),
    };

    // Act
    const digest = digestAlert([open, acme, resolvedToday, resolvedLongAgo], at(23), 'Europe/Copenhagen');

    // Assess
    expect(digest.kind).toBe('digest');
    expect(digest.digest?.date).toBe('2026-11-21');
    expect(digest.digest?.open.map((l) => l.companyName)).toEqual(['Acme ApS', 'Nordlys AB']);
    expect(digest.digest?.resolvedSinceYesterday.map((l) => l.reason)).toEqual(['x']);
    expect(digest.jobs.map((j) => j.jobId)).toEqual(['digest:2026-11-21']);
  });

  it("totals the exports with problems only: the alerter's own problems are listed but are not exports", () => {
    // Prepare
    const acme = openGroup(alertFor(ACME, 'validation_failure', T0.toISOString()));
    const keyRefused = openGroup(incidentAlert(INCIDENTS.credentials, 'HTTP 401', T0));

    // Act
    const digest = digestAlert([acme, keyRefused], at(23), 'Europe/Copenhagen');

    // Assess
    expect(digest.digest?.open).toHaveLength(2);
    expect(digest.totals).toEqual({ jobs: acme.totals.jobs, items: 0, failedItems: acme.totals.failedItems });
  });

  it.each([
    ['2026-11-28T23:30:00Z', 'Europe/Copenhagen', '2026-11-29'],
    ['2026-11-28T23:30:00Z', 'UTC', '2026-11-28'],
    ['2026-11-28T03:00:00Z', 'America/New_York', '2026-11-27'],
  ])('dates %s in %s as %s', (iso, zone, date) => {
    expect(localDate(new Date(iso), zone)).toBe(date);
  });
});
