// Alerts about the alerter itself, shaped like any other alert so that they are delivered, reminded and resolved
// the same way. An incident is open while its group is open; each episode has its own synthetic "job".
import type { Alert } from './alert.js';
import { describeReason } from './reasons.js';

export const ALERTER_COMPANY_ID = 'pleo-export-alerts';
export const ALERTER_NAME = 'Pleo export alerter';

export const INCIDENTS = {
  /** Pleo answered 401/403: the key is wrong, expired or lacks scope. */
  credentials: 'pleo_api_key_invalid',
  /** Pleo could not be reached (after retries) for several polls in a row. */
  unreachable: 'pleo_api_unreachable',
  /** The key expires within 30, 7 or 1 days: a warning, not a problem yet (see key-expiry.ts). */
  keyExpiring: 'pleo_api_key_expiring',
  /** Nobody recorded when the key expires: a yearly reminder to. */
  keyExpiryUnknown: 'pleo_api_key_expiry_unknown',
} as const;

export type Incident = (typeof INCIDENTS)[keyof typeof INCIDENTS];

/** Warnings about the key, sent once each: they open no group, so nothing reminds of them or resolves them. */
export function isKeyWarning(subject: { companyId: string; reason: string }): boolean {
  return (
    isIncident(subject) &&
    (subject.reason === INCIDENTS.keyExpiring || subject.reason === INCIDENTS.keyExpiryUnknown)
  );
}

/**
 * A message about the alerter itself. `about`: the connection it concerns, as `describeConnection` names it (its
 * name and companies), in place of the alerter's own name.
 */
export function incidentAlert(reason: Incident, detail: string, now: Date, about?: string): Alert {
  const at = now.toISOString();
  return {
    schemaVersion: 1,
    alertId: `incident-${reason}-${at}`,
    kind: 'alert',
    companyId: ALERTER_COMPANY_ID,
    companyName: about ?? ALERTER_NAME,
    reason,
    category: describeReason(reason).category,
    jobs: [
      {
        jobId: `incident:${reason}:${at}`,
        status: 'incident',
        createdAt: at,
        numberOfItems: 0,
        failedItems: null,
        failureReason: detail,
      },
    ],
    totals: { jobs: 1, items: 0, failedItems: 0 },
    detectedAt: at,
    possibleRedelivery: false,
  };
}

export function isIncident(subject: { companyId: string }): boolean {
  return subject.companyId === ALERTER_COMPANY_ID;
}
