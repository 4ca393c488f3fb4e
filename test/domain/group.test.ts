import { describe, expect, it } from 'vitest';
import {
  alertIdOf,
  groupFailures,
  itemReasons,
  MAX_JOBS_PER_ALERT,
  needsItems,
} from '../../functions/domain/group.js';
import { ACME, item, job, NORDLYS } from '../fixtures/jobs.js';

const options = { companyNames: new Map([[ACME, 'Acme ApS']]), detectedAt: new Date('2026-11-28T12:00:00Z') };

describe('groupFailures', () => {
  it('makes one alert per (company, reason)', () => {
    // Prepare
    const failures = [
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'missing_configuration' }),
      job({ failureReasonType: 'validation_failure' }),
      job({ companyId: NORDLYS, failureReasonType: 'missing_configuration' }),
    ].map((j) => ({ job: j, failedItems: null }));

    // Act
    const alerts = groupFailures(failures, options);

    // Assess
    expect(alerts.map((a) => [a.companyId, a.reason, a.totals.jobs])).toEqual([
      [ACME, 'missing_configuration', 2],
      [ACME, 'validation_failure', 1],
      [NORDLYS, 'missing_configuration', 1],
    ]);
    expect(alerts[0]?.companyName).toBe('Acme ApS');
    expect(alerts[2]?.companyName).toBeNull();
    expect(alerts[0]?.category).toBe('accountant');
  });

  it('puts a failed job without a reason in the unknown group', () => {
    const alerts = groupFailures([{ job: job({ failureReasonType: null }), failedItems: [] }], options);
    expect(alerts.map((a) => a.reason)).toEqual(['unknown']);
  });

  it('carries an unknown failureReasonType through as-is', () => {
    const alerts = groupFailures(
      [{ job: job({ failureReasonType: 'brand_new_reason' }), failedItems: null }],
      options,
    );
    expect(alerts[0]?.reason).toBe('brand_new_reason');
    expect(alerts[0]?.category).toBe('unknown');
  });

  it('spreads a completed_with_errors job over the reasons of its failed items', () => {
    // Prepare
    const cwe = job({
      status: 'completed_with_errors',
      numberOfItems: 10,
      failureReasonType: null,
      failureReason: null,
    });
    const items = [
      item(cwe.id, { failureReasonType: 'receipt_file_size_limit_exceeded', failureReason: 'Too big' }),
      item(cwe.id, { failureReasonType: 'receipt_file_size_limit_exceeded' }),
      item(cwe.id, { failureReasonType: 'accounting_system_validation_failure', failureReason: 'VAT code' }),
      item(cwe.id, { failureReasonType: null, failureReason: null }),
    ];

    // Act
    const alerts = groupFailures([{ job: cwe, failedItems: itemReasons(items) }], options);

    // Assess
    expect(alerts.map((a) => [a.reason, a.jobs[0]?.failedItems, a.jobs[0]?.failureReason])).toEqual([
      ['accounting_system_validation_failure', 1, 'VAT code'],
      ['receipt_file_size_limit_exceeded', 2, 'Too big'],
      ['unknown', 1, null],
    ]);
    expect(alerts.every((a) => a.totals.items === 10)).toBe(true);
    // Each alert names the job's other reasons: one export, three messages.
    expect(alerts.map((a) => a.jobs[0]?.alsoFailedFor)).toEqual([
      ['receipt_file_size_limit_exceeded', 'unknown'],
      ['accounting_system_validation_failure', 'unknown'],
      ['receipt_file_size_limit_exceeded', 'accounting_system_validation_failure'],
    ]);
  });

  it('names no other reason for a job that failed for one', () => {
    const alerts = groupFailures([{ job: job(), failedItems: null }], options);
    expect(alerts[0]?.jobs[0]).not.toHaveProperty('alsoFailedFor');
  });

  it('still alerts a completed_with_errors job whose items could not be fetched', () => {
    const cwe = job({ status: 'completed_with_errors', failureReasonType: null });
    const alerts = groupFailures([{ job: cwe, failedItems: null }], options);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.reason).toBe('unknown');
    expect(alerts[0]?.jobs[0]?.failedItems).toBeNull();
  });

  it('counts every item of a failed job as failed and totals the group', () => {
    const alerts = groupFailures(
      [job({ numberOfItems: 4 }), job({ numberOfItems: 6 })].map((j) => ({ job: j, failedItems: null })),
      options,
    );
    expect(alerts[0]?.totals).toEqual({ jobs: 2, items: 10, failedItems: 10 });
  });

  it('lists jobs newest first', () => {
    const older = job({ createdAt: '2026-11-01T00:00:00.000Z' });
    const newer = job({ createdAt: '2026-11-02T00:00:00.000Z' });
    const [alert] = groupFailures(
      [older, newer].map((j) => ({ job: j, failedItems: null })),
      options,
    );
    expect(alert?.jobs.map((j) => j.jobId)).toEqual([newer.id, older.id]);
  });

  it('sends a group larger than one message as parts that together hold every job once', () => {
    const jobs = Array.from({ length: MAX_JOBS_PER_ALERT * 2 + 5 }, () => job());
    const alerts = groupFailures(
      jobs.map((j) => ({ job: j, failedItems: null })),
      options,
    );
    expect(alerts.map((a) => a.totals.jobs)).toEqual([MAX_JOBS_PER_ALERT, MAX_JOBS_PER_ALERT, 5]);
    const ids = alerts.flatMap((a) => a.jobs.map((j) => j.jobId));
    expect(new Set(ids).size).toBe(jobs.length);
    expect(new Set(alerts.map((a) => a.alertId)).size).toBe(3);
  });
});

describe('alertIdOf', () => {
  it('is the same for the same jobs in any order and differs for other jobs', () => {
    const [a, b] = [job(), job()] as const;
    const line = (id: string) => ({
      jobId: id,
      status: 'failed',
      createdAt: '',
      numberOfItems: 1,
      failedItems: 1,
      failureReason: null,
    });
    const forward = alertIdOf(ACME, 'x', [line(a.id), line(b.id)]);
    expect(alertIdOf(ACME, 'x', [line(b.id), line(a.id)])).toBe(forward);
    expect(alertIdOf(ACME, 'y', [line(a.id), line(b.id)])).not.toBe(forward);
    expect(alertIdOf(ACME, 'x', [line(a.id)])).not.toBe(forward);
  });
});

describe('needsItems', () => {
  it.each([
    ['failed', 'missing_configuration', false],
    ['failed', null, true],
    ['completed_with_errors', null, true],
    ['completed_with_errors', 'validation_failure', true],
  ])('status %s with reason %s → %s', (status, failureReasonType, expected) => {
    expect(needsItems(job({ status, failureReasonType }))).toBe(expected);
  });
});

describe('itemReasons', () => {
  it('folds failed items into a count and the first text per reason', () => {
    const items = [
      item('j', { failureReasonType: 'receipt_upload_failure', failureReason: null }),
      item('j', { failureReasonType: 'receipt_upload_failure', failureReason: 'Upload failed' }),
      item('j', { failureReasonType: null, failureReason: 'Something' }),
      item('j', { failureReasonType: 'receipt_upload_failure', failureReason: 'Later text' }),
    ];
    expect(itemReasons(items)).toEqual([
      { reason: 'receipt_upload_failure', count: 3, failureReason: 'Upload failed' },
      { reason: null, count: 1, failureReason: 'Something' },
    ]);
  });
});
