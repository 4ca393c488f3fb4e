// Which mutes, acknowledgements and snoozes hold for a group or an alert at a time, and when they stop.
import { describe, expect, it } from 'vitest';
import {
  type Acknowledgement,
  type Controls,
  type Mute,
  NO_CONTROLS,
  remindable,
  splitMuted,
} from '../../functions/domain/controls.js';
import type { FailureGroup } from '../../functions/domain/lifecycle.js';
import { makeAlert } from '../render/alert-fixtures.js';

const COMPANY = '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01';
const NOW = new Date('2026-11-20T08:00:00Z');

const group: FailureGroup = {
  companyId: COMPANY,
  companyName: 'Acme ApS',
  reason: 'missing_configuration',
  category: 'accountant',
  state: 'open',
  openedAt: '2026-11-19T08:00:00.000Z',
  lastFailureAt: '2026-11-19T07:00:00.000Z',
  lastNotifiedAt: '2026-11-19T08:00:00.000Z',
  remindersSent: 0,
  jobs: [],
  totals: { jobs: 2, items: 10, failedItems: 4 },
  mergedAlertIds: [],
};

const mute = (fields: Partial<Mute>): Mute => ({
  id: 'm1',
  companyId: COMPANY,
  reason: null,
  category: null,
  createdAt: '2026-11-19T08:00:00.000Z',
  expiresAt: '2026-11-21T08:00:00.000Z',
  comment: 'known',
  author: 'alice',
  mutedExports: 0,
  ...fields,
});

const ack: Acknowledgement = {
  companyId: COMPANY,
  reason: 'missing_configuration',
  at: '2026-11-19T09:00:00.000Z',
  author: 'bob',
  comment: null,
  groupOpenedAt: group.openedAt,
  groupExports: 2,
};

const controls = (fields: Partial<Controls>): Controls => ({ ...NO_CONTROLS, ...fields });

describe('controls', () => {
  it('mutes new alerts of the company, reason or category the mute names, while it is in force', () => {
    // Prepare
    const alerts = [
      makeAlert({ companyId: COMPANY, reason: 'missing_configuration', category: 'accountant' }),
      makeAlert({ companyId: COMPANY, reason: 'accounting_system_unreachable', category: 'transient' }),
      makeAlert({ companyId: 'other', reason: 'missing_configuration', category: 'accountant' }),
    ];

    // Act
    const byReason = splitMuted(
      alerts,
      controls({ mutes: [mute({ reason: 'missing_configuration' })] }),
      NOW,
    );
    const byCategory = splitMuted(alerts, controls({ mutes: [mute({ category: 'transient' })] }), NOW);
    const whole = splitMuted(alerts, controls({ mutes: [mute({})] }), NOW);
    const ended = splitMuted(alerts, controls({ mutes: [mute({ expiresAt: NOW.toISOString() })] }), NOW);

    // Assess
    expect(byReason.muted.map(({ alert }) => alert)).toEqual([alerts[0]]);
    expect(byCategory.muted.map(({ alert }) => alert)).toEqual([alerts[1]]);
    expect(whole.send).toEqual([alerts[2]]);
    expect(ended.muted).toEqual([]);
  });

  it('holds an acknowledgement until the group fails again or reopens', () => {
    const acked = controls({ acknowledgements: [ack] });
    expect(remindable(group, acked, NOW)).toBe(false);
    expect(remindable({ ...group, totals: { ...group.totals, jobs: 3 } }, acked, NOW)).toBe(true);
    expect(remindable({ ...group, openedAt: '2026-11-20T07:00:00.000Z' }, acked, NOW)).toBe(true);
    expect(remindable(group, NO_CONTROLS, NOW)).toBe(true);
  });

  it('holds reminders until a snooze ends, and while a mute of the group is in force', () => {
    const snoozed = controls({
      snoozes: [
        {
          companyId: COMPANY,
          reason: group.reason,
          at: '2026-11-19T09:00:00.000Z',
          until: '2026-11-20T09:00:00.000Z',
          author: 'carol',
          comment: null,
        },
      ],
    });
    expect(remindable(group, snoozed, NOW)).toBe(false);
    expect(remindable(group, snoozed, new Date('2026-11-20T09:00:00Z'))).toBe(true);
    expect(remindable(group, controls({ mutes: [mute({ category: 'accountant' })] }), NOW)).toBe(false);
    expect(remindable(group, controls({ mutes: [mute({ category: 'transient' })] }), NOW)).toBe(true);
  });
});
