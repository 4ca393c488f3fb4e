// Alerts about the alerter itself, shaped like any other alert so they are deduplicated and delivered the
// same way. Each incident is one synthetic "job" whose id stays the same while the incident lasts.
import type { Alert } from './alert.js';
import { describeReason } from './reasons.js';

export const ALERTER_COMPANY_ID = 'pleo-export-alerts';
export const CREDENTIALS_INCIDENT = 'pleo_api_key_invalid';

export function credentialsAlert(status: number, now: Date): Alert {
  return incidentAlert(CREDENTIALS_INCIDENT, `Pleo answered HTTP ${status} to the alerter's API key`, now);
}

function incidentAlert(reason: string, detail: string, now: Date): Alert {
  const createdAt = now.toISOString();
  return {
    schemaVersion: 1,
    alertId: `incident-${reason}-${createdAt}`,
    kind: 'alert',
    companyId: ALERTER_COMPANY_ID,
    companyName: 'Pleo export alerter',
    reason,
    category: describeReason(reason).category,
    jobs: [
      {
        jobId: `incident:${reason}`,
        status: 'incident',
        createdAt,
        numberOfItems: 0,
        failedItems: null,
        failureReason: detail,
      },
    ],
    totals: { jobs: 1, items: 0, failedItems: 0 },
    detectedAt: createdAt,
    possibleRedelivery: false,
  };
}
