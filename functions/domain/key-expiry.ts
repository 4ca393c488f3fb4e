// Warnings before a connection's key expires: 30, 7 and 1 days before its recorded expiry date, once each; and for
// a key whose expiry nobody recorded, a reminder to record it, every year. Pure: the poll keeps the mark between
// polls (on the connection's lease item) and delivers what comes out.
import type { Alert } from './alert.js';
import { type Connection, describeConnection } from './connection.js';
import { INCIDENTS, incidentAlert } from './incidents.js';

/** Days before the expiry date a warning goes out, largest first. */
export const EXPIRY_WARNING_DAYS = [30, 7, 1] as const;
/**
 * A key with no recorded expiry: first reminded this long after watching began (Open API tokens expire after a
 * year: 30 days before one created that day would), then every year.
 */
const FIRST_UNKNOWN_REMINDER_DAYS = 335;
const UNKNOWN_REMINDER_EVERY_DAYS = 365;
const DAY_MS = 86_400_000;

/** What was last said about the key's expiry, kept between polls. */
export interface KeyExpiryMark {
  /** The expiry date warned about, and the smallest number of days of its warnings sent. */
  warned?: { expiresOn: string; days: number } | undefined;
  /** When the last reminder to record an unknown expiry went out (ISO 8601). */
  unknownRemindedAt?: string | undefined;
}

export interface KeyExpiryNotice {
  alert: Alert;
  /** The mark to keep once the alert is delivered. */
  mark: KeyExpiryMark;
}

/** The warning due now, if any. `watchingSince`: when the connection was first polled (undefined: not yet). */
export function keyExpiryNotice(
  connection: Pick<Connection, 'name' | 'companyId' | 'companies' | 'expiresOn'>,
  mark: KeyExpiryMark,
  watchingSince: string | undefined,
  now: Date,
): KeyExpiryNotice | undefined {
  const about = describeConnection(connection);
  const { expiresOn } = connection;
  if (expiresOn === undefined) {
    if (watchingSince === undefined) return undefined;
    const last = mark.unknownRemindedAt;
    const due = last
      ? Date.parse(last) + UNKNOWN_REMINDER_EVERY_DAYS * DAY_MS
      : Date.parse(watchingSince) + FIRST_UNKNOWN_REMINDER_DAYS * DAY_MS;
    if (now.getTime() < due) return undefined;
    const detail = `Nobody recorded when the API key of ${about} expires, so the alerter cannot warn before it stops working.`;
    return {
      alert: incidentAlert(INCIDENTS.keyExpiryUnknown, detail, now, about),
      mark: { ...mark, unknownRemindedAt: now.toISOString() },
    };
  }
  const daysLeft = Math.ceil((Date.parse(`${expiresOn}T00:00:00Z`) - now.getTime()) / DAY_MS);
  // The smallest threshold reached: a poller that was away past a threshold warns once, at the nearest.
  const days = [...EXPIRY_WARNING_DAYS].reverse().find((threshold) => daysLeft <= threshold);
  if (days === undefined) return undefined;
  const { warned } = mark;
  if (warned?.expiresOn === expiresOn && warned.days <= days) return undefined;
  const when = daysLeft > 1 ? `in ${daysLeft} days` : daysLeft === 1 ? 'tomorrow' : 'today';
  const detail =
    daysLeft < 0
      ? `The API key of ${about} expired on ${expiresOn}, as recorded; Pleo refuses it from then.`
      : `The API key of ${about} expires on ${expiresOn} (${when}); from then Pleo refuses it.`;
  return {
    alert: incidentAlert(INCIDENTS.keyExpiring, detail, now, about),
    mark: { ...mark, warned: { expiresOn, days } },
  };
}
