// What people say about failure groups, as Alertmanager's silences and PagerDuty's acknowledge and snooze: a mute
// keeps matching new failures quiet (recorded, counted, not sent) and stops reminders until it expires; an
// acknowledgement stops a group's reminders until the group fails again; a snooze delays them until a time. Pure:
// the poll, the CLI and the actions read and decide with these, the state keeps them.
import type { Category } from '../contracts/message-attributes.js';
import type { Alert } from './alert.js';
import type { FailureGroup } from './lifecycle.js';

/** New failures of a company (of one reason or category, or all) are not sent until `expiresAt`. */
export interface Mute {
  id: string;
  companyId: string;
  /** Only this reason (Pleo's code); null: any. */
  reason: string | null;
  /** Only reasons of this category; null: any. */
  category: Category | null;
  createdAt: string;
  expiresAt: string;
  comment: string;
  author: string;
  /** Failed exports kept quiet by this mute so far. */
  mutedExports: number;
}

/** A (company, reason) group's reminders stop while the group is as it was when acknowledged. */
export interface Acknowledgement {
  companyId: string;
  reason: string;
  at: string;
  author: string;
  comment: string | null;
  /** The group as acknowledged: a new failure changes its exports, a failure after it resolved its opening. */
  groupOpenedAt: string;
  groupExports: number;
}

/** A (company, reason) group's reminders wait until `until`. */
export interface Snooze {
  companyId: string;
  reason: string;
  at: string;
  until: string;
  author: string;
  comment: string | null;
}

export interface Controls {
  mutes: Mute[];
  acknowledgements: Acknowledgement[];
  snoozes: Snooze[];
}

export const NO_CONTROLS: Controls = { mutes: [], acknowledgements: [], snoozes: [] };

type Subject = Pick<Alert, 'companyId' | 'reason' | 'category'>;

/** The mute in force for an alert or group at `now` that ends last, if any. */
export function muteOf(subject: Subject, controls: Controls, now: Date): Mute | undefined {
  const at = now.toISOString();
  return controls.mutes
    .filter(
      (mute) =>
        mute.expiresAt > at &&
        mute.companyId === subject.companyId &&
        (mute.reason === null || mute.reason === subject.reason) &&
        (mute.category === null || mute.category === subject.category),
    )
    .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
}

/** The acknowledgement that still holds for the group: it has not failed again, nor resolved and reopened. */
export function acknowledgementOf(group: FailureGroup, controls: Controls): Acknowledgement | undefined {
  return controls.acknowledgements.find(
    (ack) =>
      ack.companyId === group.companyId &&
      ack.reason === group.reason &&
      ack.groupOpenedAt === group.openedAt &&
      group.totals.jobs <= ack.groupExports,
  );
}

/** The snooze the group's reminders wait for at `now`. */
export function snoozeOf(group: FailureGroup, controls: Controls, now: Date): Snooze | undefined {
  const at = now.toISOString();
  return controls.snoozes.find(
    (snooze) => snooze.companyId === group.companyId && snooze.reason === group.reason && snooze.until > at,
  );
}

/** Whether a group may be reminded of now: not muted, acknowledged or snoozed. */
export function remindable(group: FailureGroup, controls: Controls, now: Date): boolean {
  return (
    !muteOf(group, controls, now) && !acknowledgementOf(group, controls) && !snoozeOf(group, controls, now)
  );
}

/** New alerts split into those to send and those a mute keeps quiet (with the mute). */
export function splitMuted(
  alerts: readonly Alert[],
  controls: Controls,
  now: Date,
): { send: Alert[]; muted: Array<{ alert: Alert; mute: Mute }> } {
  const send: Alert[] = [];
  const muted: Array<{ alert: Alert; mute: Mute }> = [];
  for (const alert of alerts) {
    const mute = alert.kind === 'alert' ? muteOf(alert, controls, now) : undefined;
    if (mute) muted.push({ alert, mute });
    else send.push(alert);
  }
  return { send, muted };
}
