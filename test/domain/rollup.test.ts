import { describe, expect, it } from 'vitest';
import {
  type Alert,
  type CombinedAlert,
  categoriesOf,
  isCombined,
  type Message,
  reasonsOf,
} from '../../functions/domain/alert.js';
import { groupFailures, itemReasons } from '../../functions/domain/group.js';
import { INCIDENTS, incidentAlert } from '../../functions/domain/incidents.js';
import { digestAlert, dueReminders, mergeAlert, resolvedNotice } from '../../functions/domain/lifecycle.js';
import { rollUp } from '../../functions/domain/rollup.js';
import { ACME, item, job, NORDLYS } from '../fixtures/jobs.js';

const DETECTED = new Date('2026-11-28T12:00:00Z');
const LATER = new Date('2026-11-30T12:00:00Z');
const REASONS = [
  'missing_configuration',
  'validation_failure',
  'authorization_failure',
  'receipt_file_size_limit_exceeded',
  'service_timeout',
  'canceled_by_user',
];

/** One alert per reason for the company, `jobsEach` failed jobs each, as grouping makes them. */
function alerts(companyId: string, reasons: number, jobsEach = 1): Alert[] {
  const failures = REASONS.slice(0, reasons).flatMap((failureReasonType) =>
    Array.from({ length: jobsEach }, () => ({
      job: job({ companyId, failureReasonType }),
      failedItems: null,
    })),
  );
  return groupFailures(failures, { companyNames: new Map([[ACME, 'Acme ApS']]), detectedAt: DETECTED });
}

/** The reminders due at LATER for the groups these alerts opened. */
function reminders(opened: readonly Alert[]): Alert[] {
  const groups = opened.map((alert) => mergeAlert(undefined, alert, DETECTED));
  return dueReminders(groups, LATER, { intervalMs: 3_600_000, max: 3 });
}

function combined(messages: readonly Message[]): CombinedAlert[] {
  return messages.filter(isCombined);
}

/** What each message is: `kind` for one on its own, `kind×sections` for a combined one. */
function shape(messages: readonly Message[]): string[] {
  return messages.map((m) =>
    isCombined(m) ? `${m.companyId === ACME ? 'acme' : 'other'} ${m.kind}×${m.sections.length}` : m.kind,
  );
}

describe('rollUp', () => {
  it.each([
    ['3 groups at threshold 3 stay separate', 3, 3, ['alert', 'alert', 'alert']],
    ['4 groups at threshold 3 go out as one', 4, 3, ['acme alert×4']],
    ['2 groups at threshold 1 go out as one', 2, 1, ['acme alert×2']],
    ['1 group at threshold 1 stays on its own', 1, 1, ['alert']],
    ['6 groups with roll-up off (0) stay separate', 6, 0, Array(6).fill('alert')],
  ])('%s', (_case, groups, rollupAbove, expected) => {
    // Act
    const messages = rollUp(alerts(ACME, groups), { rollupAbove });

    // Assess
    expect(shape(messages)).toEqual(expected);
  });

  it('counts per company: one company in a storm is combined, the others are not', () => {
    const messages = rollUp([...alerts(ACME, 4), ...alerts(NORDLYS, 2)], { rollupAbove: 3 });

    expect(shape(messages)).toEqual(['acme alert×4', 'alert', 'alert']);
    expect(messages.slice(1).map((m) => m.companyId)).toEqual([NORDLYS, NORDLYS]);
  });

  it.each([
    ['4 alerts and 4 reminders: one message of each kind', 4, 4, ['acme alert×4', 'acme reminder×4']],
    ['4 alerts and 2 reminders: the reminders on their own', 4, 2, ['acme alert×4', 'reminder', 'reminder']],
    ['2 alerts and 4 reminders: the alerts on their own', 2, 4, ['alert', 'alert', 'acme reminder×4']],
  ])('never mixes kinds: %s', (_case, newGroups, openGroups, expected) => {
    // Prepare: new alerts for some reasons, reminders for groups opened earlier for others
    const fresh = alerts(ACME, 6).slice(0, newGroups);
    const due = reminders(alerts(ACME, 6).slice(6 - openGroups));

    // Act
    const messages = rollUp([...fresh, ...due], { rollupAbove: 3 });

    // Assess
    expect(shape(messages)).toEqual(expected);
    for (const message of combined(messages)) {
      expect(message.sections.every((section) => section.kind === message.kind)).toBe(true);
    }
  });

  it('combines resolved notices as resolved notices', () => {
    const notices = alerts(ACME, 5).map((alert) =>
      resolvedNotice(mergeAlert(undefined, alert, DETECTED), LATER, 'job-done'),
    );

    const [message, ...rest] = rollUp(notices, { rollupAbove: 3 });

    expect(rest).toEqual([]);
    expect(message && isCombined(message) && [message.kind, message.combined]).toEqual([
      'resolved',
      'rollup',
    ]);
  });

  it("keeps each section exactly the message it replaces, by the reason's name, in the first one's place", () => {
    // Prepare
    const before = incidentAlert(INCIDENTS.unreachable, 'Pleo did not answer', DETECTED);
    const storm = alerts(ACME, 5).reverse();

    // Act
    const messages = rollUp([before, ...storm], { rollupAbove: 3 });

    // Assess
    expect(messages[0]).toBe(before);
    const [message] = combined(messages);
    expect(message?.sections.map((section) => section.reason)).toEqual([
      'authorization_failure', // access to the accounting system revoked
      'service_timeout', // integration service timed out
      'missing_configuration',
      'receipt_file_size_limit_exceeded', // receipt too large
      'validation_failure',
    ]);
    for (const section of message?.sections ?? []) expect(storm).toContain(section);
  });

  it("never combines the alerter's own incidents or the digest", () => {
    // Prepare: more of each than the threshold
    const incidents = [INCIDENTS.credentials, INCIDENTS.unreachable].flatMap((reason) => [
      incidentAlert(reason, 'detail', DETECTED),
      incidentAlert(reason, 'detail', LATER),
    ]);
    const digest = digestAlert([], LATER, 'UTC');

    // Act
    const messages = rollUp([...incidents, digest], { rollupAbove: 1, currentState: true });

    // Assess
    expect(messages).toEqual([...incidents, digest]);
  });

  it('makes the state found by a first poll one message per company, whatever the threshold', () => {
    // Prepare
    const found = [...alerts(ACME, 2), ...alerts(NORDLYS, 1)];

    // Act
    const messages = rollUp(found, { rollupAbove: 0, currentState: true });

    // Assess
    expect(shape(messages)).toEqual(['acme alert×2', 'other alert×1']);
    expect(combined(messages).map((m) => m.combined)).toEqual(['current-state', 'current-state']);
    expect(messages[0]?.companyName).toBe('Acme ApS');
  });

  it('leaves reminders and notices to the threshold on a first poll', () => {
    const due = reminders(alerts(ACME, 2));

    expect(rollUp(due, { rollupAbove: 3, currentState: true })).toEqual(due);
  });

  it('gives the same sections the same id, in any order, and different sections or flavours another', () => {
    // Prepare
    const four = alerts(ACME, 4);
    const idOf = (messages: readonly Message[]) => messages[0]?.alertId;

    // Act
    const id = idOf(rollUp(four, { rollupAbove: 3 }));

    // Assess
    expect(id).toMatch(/^rollup-[0-9a-f]{24}$/);
    expect(idOf(rollUp([...four].reverse(), { rollupAbove: 3 }))).toBe(id);
    expect(idOf(rollUp(alerts(ACME, 5), { rollupAbove: 3 }))).not.toBe(id);
    expect(idOf(rollUp(four, { rollupAbove: 0, currentState: true }))).toMatch(/^state-[0-9a-f]{24}$/);
  });

  it('counts an export that failed for several reasons once in the totals, and every failed expense', () => {
    // Prepare: a job whose items failed for 4 reasons, and one more failed job
    const cwe = job({ status: 'completed_with_errors', numberOfItems: 10, failureReasonType: null });
    const items = REASONS.slice(0, 4).map((failureReasonType) => item(cwe.id, { failureReasonType }));
    const failed = job({ numberOfItems: 5, failureReasonType: 'missing_configuration' });
    const four = groupFailures(
      [
        { job: cwe, failedItems: itemReasons(items) },
        { job: failed, failedItems: null },
      ],
      { companyNames: new Map(), detectedAt: DETECTED },
    );

    // Act
    const [message] = combined(rollUp(four, { rollupAbove: 3 }));

    // Assess
    expect(message?.totals).toEqual({ jobs: 2, items: 15, failedItems: 9, uncounted: undefined });
  });

  it('adds the exports a reminder counts but no longer lists', () => {
    // Prepare: reminders of groups whose records list fewer jobs than they count
    const due = reminders(alerts(ACME, 4, 2)).map((reminder) => ({
      ...reminder,
      jobs: reminder.jobs.slice(0, 1),
    }));

    // Act
    const [message] = combined(rollUp(due, { rollupAbove: 3 }));

    // Assess
    expect(message?.totals.jobs).toBe(8);
    expect(message?.totals.items).toBe(24);
  });

  it('names every reason and category inside, each once, for routing', () => {
    const [message] = rollUp(alerts(ACME, 6), { rollupAbove: 3 });
    if (message === undefined) throw new Error('no message');

    expect(reasonsOf(message).sort()).toEqual([...REASONS].sort());
    expect(categoriesOf(message).sort()).toEqual(['accountant', 'admin', 'info', 'integration']);
    expect(reasonsOf(alerts(ACME, 1)[0] as Alert)).toEqual(['missing_configuration']);
  });
});
