import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import { describeReason, TRANSIENT_REASONS } from '../../functions/domain/reasons.js';

// The reason enums exactly as Pleo's spec lists them, so a value added to the spec fails here until described.
const enumOf = z.object({ enum: z.array(z.string()) });
const spec = z
  .object({
    components: z.object({
      schemas: z.object({
        ExportJob: z.object({ properties: z.object({ failureReasonType: enumOf }) }),
        ExportJobItem: z.object({ properties: z.object({ failureReasonType: enumOf }) }),
        ExportJobFailureReasonType: enumOf,
      }),
    }),
  })
  .parse(parse(readFileSync(new URL('../../spec/pleo/export-api.v2.openapi.yaml', import.meta.url), 'utf8')));
const { schemas } = spec.components;
const jobReasons = schemas.ExportJob.properties.failureReasonType.enum;
const itemReasons = schemas.ExportJobItem.properties.failureReasonType.enum;
const specReasons = [...new Set([...jobReasons, ...itemReasons, ...schemas.ExportJobFailureReasonType.enum])];

describe('describeReason', () => {
  it('reads both reason enums from the spec', () => {
    expect(jobReasons).toContain('job_expired');
    expect(itemReasons).toContain('receipt_file_size_limit_exceeded');
  });

  it.each(specReasons)('has a specific entry for the spec value %s', (reason) => {
    const info = describeReason(reason);

    expect(info.category).not.toBe('unknown');
    expect(info.title).not.toMatch(/unrecognised/);
    expect(info.whatToDo).not.toContain(reason);
    expect(info.reason).toBe(reason);
  });

  it.each([
    ['invalid_configuration', 'accountant', /export the expenses again/],
    ['missing_configuration', 'accountant', /tax codes/],
    ['validation_failure', 'accountant', /mapping/],
    ['accounting_system_authentication_failure', 'admin', /Reconnect or re-authorise/],
    ['authorization_failure', 'admin', /Reconnect or re-authorise/],
    ['integration_unusable', 'admin', /reconnect/],
    ['authentication_failure', 'integration', /integration service/],
    ['service_unreachable', 'integration', /integration service/],
    ['service_timeout', 'integration', /integration service/],
    ['pleo_rate_limit', 'integration', /Export again/],
    ['accounting_system_unreachable', 'transient', /again later.*keeps happening/],
    ['accounting_system_timeout', 'transient', /again later/],
    ['accounting_system_rate_limit', 'transient', /again later/],
    ['job_expired', 'transient', /again later/],
    ['canceled_by_user', 'info', /Nothing/],
    ['receipt_file_size_limit_exceeded', 'accountant', /compress the image or PDF, or split/],
    ['receipt_conversion_failure', 'accountant', /PDF, JPEG or PNG/],
    ['accounting_system_validation_failure', 'accountant', /accounting system's message/],
    ['unexpected_failure', 'integration', /Pleo support/],
    ['receipt_upload_failure', 'transient', /again later/],
    ['receipt_download_failure', 'transient', /again later/],
  ])('classes %s as %s with matching advice', (reason, category, advice) => {
    const info = describeReason(reason);

    expect(info.category).toBe(category);
    expect(info.whatToDo).toMatch(advice);
  });

  it('describes a failure without a reason as unknown but with specific advice', () => {
    const info = describeReason('unknown');

    expect(info).toMatchObject({ category: 'unknown', title: 'no reason given' });
    expect(info.whatToDo).toMatch(/Open the export in Pleo/);
  });

  it('tells an admin how to replace an API key the alerter cannot use', () => {
    const info = describeReason('pleo_api_key_invalid');

    expect(info.category).toBe('admin');
    expect(info.whatToDo).toMatch(/invalid, expired, or lacks the export-jobs:read scope/);
    expect(info.whatToDo).toMatch(/Settings → API keys/);
    expect(info.whatToDo).toMatch(/secret/);
    expect(info.whoActs).toMatch(/create API keys/);
  });

  it("says when Pleo's API has stopped answering the alerter", () => {
    const info = describeReason('pleo_api_unreachable');

    expect(info.category).toBe('integration');
    expect(info.explanation).toMatch(/several polls/);
    expect(info.whoActs).toMatch(/runs this alerter/);
  });

  it.each([
    ['brand_new_reason', 'brand_new_reason'],
    ['bad\u0000value\nwith\u202econtrols', 'bad value with controls'],
    ['x'.repeat(5000), 'x'.repeat(100)],
  ])('gives generic advice naming an unknown value %#', (reason, shown) => {
    const info = describeReason(reason);

    expect(info.category).toBe('unknown');
    expect(info.reason).toBe(reason);
    expect(info.title).toBe(`unrecognised reason "${shown}"`);
    expect(info.whatToDo).toContain(`"${shown}"`);
  });

  it('does not mistake object prototype names for known reasons', () => {
    expect(describeReason('constructor').category).toBe('unknown');
  });

  it('writes titles in lower case apart from names', () => {
    for (const reason of [...specReasons, 'unknown']) {
      expect(describeReason(reason).title.replace(/Pleo|API/g, '')).toBe(
        describeReason(reason)
          .title.replace(/Pleo|API/g, '')
          .toLowerCase(),
      );
    }
  });
});

describe('TRANSIENT_REASONS', () => {
  it('lists exactly the reasons that usually clear by themselves', () => {
    expect([...TRANSIENT_REASONS].sort()).toEqual([
      'accounting_system_rate_limit',
      'accounting_system_timeout',
      'accounting_system_unreachable',
      'job_expired',
      'receipt_download_failure',
      'receipt_upload_failure',
    ]);
  });
});
