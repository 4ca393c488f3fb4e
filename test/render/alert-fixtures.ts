// Alerts for renderer tests: a realistic default, bent per test with overrides.
import type { Alert, AlertJob } from '../../functions/domain/alert.js';

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
    },
    detectedAt: '2024-05-01T09:35:12Z',
    possibleRedelivery: false,
    ...overrides,
  };
}
