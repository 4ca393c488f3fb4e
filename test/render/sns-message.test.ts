import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseStructuredMessage } from '../../functions/contracts/structured-message.js';
import { groupFailures, MAX_JOBS_PER_ALERT } from '../../functions/domain/group.js';
import { INCIDENTS } from '../../functions/domain/incidents.js';
import { renderEmail } from '../../functions/render/email/email.js';
import { renderSlack } from '../../functions/render/slack/slack.js';
import { buildSnsMessage, SNS_MAX_BYTES, type SnsMessage } from '../../functions/render/sns-message.js';
import { alertsWithJobIds, onlyAlert } from '../support/structured.js';
import {
  combinedMessage,
  digestMessage,
  incidentMessage,
  makeAlert,
  makeJob,
  manyGroups,
  reminderMessage,
  resolvedMessage,
} from './alert-fixtures.js';

const protocols = z
  .object({ default: z.string(), email: z.string(), lambda: z.string(), sqs: z.string(), https: z.string() })
  .strict();

/** What SNS counts against its limit: message, subject and attributes. */
function publishBytes(message: SnsMessage): number {
  const attributes = Object.entries(message.MessageAttributes).map(
    ([name, attr]) => name + attr.DataType + attr.StringValue,
  );
  return (
    Buffer.byteLength(message.Message) +
    Buffer.byteLength(message.Subject) +
    Buffer.byteLength(attributes.join(''))
  );
}

const LONG_REASON =
  'The accounting system rejected the entry: account 4000 "Sales" is inactive — æøå. '.repeat(12_500);

describe('buildSnsMessage', () => {
  it('sends email and default subscribers the text and lambda, sqs and https the structured JSON', () => {
    // Prepare
    const alert = makeAlert();

    // Act
    const message = buildSnsMessage(alert);

    // Assess
    const email = renderEmail(alert);
    const byProtocol = protocols.parse(JSON.parse(message.Message));
    expect(message.MessageStructure).toBe('json');
    expect(message.Subject).toBe(email.subject);
    expect(byProtocol.email).toBe(email.body);
    expect(byProtocol.default).toBe(email.body);
    expect(byProtocol.sqs).toBe(byProtocol.lambda);
    expect(byProtocol.https).toBe(byProtocol.lambda);
    expect(parseStructuredMessage(byProtocol.lambda)).toEqual({
      schemaVersion: 2,
      alertId: alert.alertId,
      kind: 'alert',
      combined: null,
      companyId: alert.companyId,
      companyName: 'Acme ApS',
      reasons: ['missing_configuration'],
      categories: ['accountant'],
      totals: alert.totals,
      detectedAt: alert.detectedAt,
      possibleRedelivery: false,
      alerts: [alert],
      overflow: { alerts: [] },
      email,
      slack: renderSlack(alert),
    });
  });

  it("keeps a job's other reasons in the structured part", () => {
    const alert = makeAlert({}, 1, { alsoFailedFor: ['receipt_file_size_limit_exceeded'] });
    const structured = parseStructuredMessage(buildSnsMessage(alert).Message);
    expect(onlyAlert(structured).jobs[0]?.alsoFailedFor).toEqual(['receipt_file_size_limit_exceeded']);
  });

  it('sets the attributes subscribers filter on, reason and category as arrays', () => {
    expect(buildSnsMessage(makeAlert({ kind: 'reminder' })).MessageAttributes).toEqual({
      company: { DataType: 'String', StringValue: 'c0ffee00-1111-2222-3333-444455556666' },
      companyName: { DataType: 'String', StringValue: 'Acme ApS' },
      reason: { DataType: 'String.Array', StringValue: '["missing_configuration"]' },
      category: { DataType: 'String.Array', StringValue: '["accountant"]' },
      kind: { DataType: 'String', StringValue: 'reminder' },
      alertId: { DataType: 'String', StringValue: 'alert-7c1d' },
    });
  });

  it('adds the connection and its routing hints, when a message comes through a connection of its own', () => {
    // Act
    const attributes = buildSnsMessage(makeAlert(), {
      routing: { connection: 'acme', channel: '#acme-books', team: undefined },
    }).MessageAttributes;

    // Assess
    expect(attributes).toMatchObject({
      connection: { DataType: 'String', StringValue: 'acme' },
      channel: { DataType: 'String', StringValue: '#acme-books' },
    });
    expect(attributes).not.toHaveProperty('team');
  });

  it('leaves out attributes SNS would reject as empty, and shortens long ones', () => {
    const attributes = buildSnsMessage(
      makeAlert({ companyName: null, reason: `r\n${'x'.repeat(1000)}` }),
    ).MessageAttributes;

    expect(attributes).not.toHaveProperty('companyName');
    const [reason] = JSON.parse(attributes.reason?.StringValue ?? '[]');
    expect(reason).toHaveLength(256);
    expect(reason).toMatch(/^r x+…$/);
  });

  it("cuts each job's failure text in the structured part, keeping every job", () => {
    const alert = makeAlert({}, 3, { failureReason: 'q'.repeat(10_000) });

    const structured = parseStructuredMessage(buildSnsMessage(alert).Message);
    const sent = onlyAlert(structured);

    expect(sent.jobs.map((job) => job.jobId)).toEqual(alert.jobs.map((job) => job.jobId));
    expect(sent.jobs.map((job) => job.failureReason)).toEqual(Array(3).fill(`${'q'.repeat(1999)}…`));
    expect(structured.overflow).toEqual({ alerts: [] });
  });

  it.each([
    ['a full part of jobs with long texts', MAX_JOBS_PER_ALERT, LONG_REASON],
    ['a full part of jobs without texts', MAX_JOBS_PER_ALERT, null],
    ['300 jobs with long texts', 300, LONG_REASON],
  ])('fits %s in one SNS message with every job id', (_case, count, failureReason) => {
    // Prepare
    const alert = makeAlert({}, count, { failureReason });

    // Act
    const message = buildSnsMessage(alert);

    // Assess
    expect(publishBytes(message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const structured = parseStructuredMessage(message.Message);
    const [sent] = alertsWithJobIds(structured);
    expect(sent?.jobIds).toEqual(alert.jobs.map((job) => job.jobId));
    expect(sent?.droppedJobs).toBe(0);
    expect(sent?.totals).toEqual(alert.totals);
    expect(sent?.jobs.length).toBeGreaterThan(0);
    expect(structured.email.body).toContain(`In total: ${count.toLocaleString('en-US')} exports`);
  });

  it('sends a 5,000-job group as parts that each fit, with every job id in exactly one', () => {
    // Prepare
    const jobs = Array.from({ length: 5_000 }, (_, i) => ({
      job: {
        id: `job-${String(i).padStart(5, '0')}-${'x'.repeat(26)}`,
        companyId: 'c0ffee00-1111-2222-3333-444455556666',
        status: 'failed',
        createdAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
        numberOfItems: 2,
        failureReasonType: 'missing_configuration',
        failureReason: LONG_REASON,
      },
      failedItems: null,
    }));

    // Act
    const alerts = groupFailures(jobs, { companyNames: new Map(), detectedAt: new Date() });
    const messages = alerts.map((alert) => buildSnsMessage(alert));

    // Assess
    expect(messages).toHaveLength(5);
    for (const message of messages) expect(publishBytes(message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const ids = messages.flatMap((message) => {
      const [sent] = alertsWithJobIds(parseStructuredMessage(message.Message));
      expect(sent?.droppedJobs).toBe(0);
      return sent?.jobIds ?? [];
    });
    expect(ids).toHaveLength(5_000);
    expect(new Set(ids)).toEqual(new Set(jobs.map((failure) => failure.job.id)));
  });

  it('fits 10,000 jobs with long texts, keeping as many ids as fit, newest first, and counting the rest', () => {
    const alert = makeAlert({}, 10_000, { failureReason: LONG_REASON });

    const message = buildSnsMessage(alert);

    expect(publishBytes(message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const structured = parseStructuredMessage(message.Message);
    const [sent] = alertsWithJobIds(structured);
    const kept = sent?.jobIds ?? [];
    expect(kept.length).toBeGreaterThan(MAX_JOBS_PER_ALERT);
    expect(kept).toEqual(alert.jobs.slice(0, kept.length).map((job) => job.jobId));
    expect(sent?.droppedJobs).toBe(10_000 - kept.length);
    expect(sent?.totals.jobs).toBe(10_000);
    const { email } = structured;
    expect(email.body).toContain('In total: 10,000 exports');
  });

  it('keeps the email readable beside a large group', () => {
    const message = buildSnsMessage(makeAlert({}, 1000, { failureReason: 'Account 4000 is inactive' }));

    const { email } = protocols.parse(JSON.parse(message.Message));

    expect(email).toContain('… and 950 more jobs.');
  });

  it('fits a long hostile company name and hostile texts', () => {
    const alert = makeAlert({ companyName: '"\\'.repeat(100) }, MAX_JOBS_PER_ALERT, {
      failureReason: '"\\\n'.repeat(50_000),
    });

    expect(publishBytes(buildSnsMessage(alert))).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });

  it('refuses an alert whose own fields cannot fit rather than publish too much', () => {
    const alert = makeAlert({ companyName: 'n'.repeat(300_000) }, 1);

    expect(() => buildSnsMessage(alert)).toThrow(/alert-7c1d is too large for one SNS message/);
  });
});

describe('buildSnsMessage for a digest', () => {
  it.each([
    ['300 groups over 200 companies', 300, 200],
    ['1,000 groups with long company names', 1000, 400],
    ['5,000 groups', 5000, 1000],
  ])(
    'fits %s in one SNS message, keeping the first lines and counting the rest',
    (_case, count, companies) => {
      // Prepare
      const digest = digestMessage(
        manyGroups(count, companies, (company) => `Selskab ${'Ø'.repeat(count > 500 ? 200 : 20)} ${company}`),
      );
      const { open, resolvedSinceYesterday } = digest.digest ?? { open: [], resolvedSinceYesterday: [] };

      // Act
      const message = buildSnsMessage(digest);

      // Assess
      expect(publishBytes(message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
      const structured = parseStructuredMessage(message.Message);
      const { overflow, email } = structured;
      const sent = onlyAlert(structured);
      const kept = sent.digest ?? { open: [], resolvedSinceYesterday: [] };
      expect(kept.open).toEqual(open.slice(0, kept.open.length));
      expect(kept.resolvedSinceYesterday).toEqual(
        resolvedSinceYesterday.slice(0, kept.resolvedSinceYesterday.length),
      );
      expect(kept.open.length).toBeGreaterThan(0);
      expect(overflow.droppedDigestLines).toEqual({
        open: open.length - kept.open.length,
        resolvedSinceYesterday: resolvedSinceYesterday.length - kept.resolvedSinceYesterday.length,
      });
      expect(sent.totals).toEqual(digest.totals);
      expect(sent.jobs).toEqual(digest.jobs);
      expect(email.subject).toBe(
        `[Pleo export] Daily digest 2026-11-28: ${open.length} open, ${resolvedSinceYesterday.length} resolved`,
      );
    },
  );

  it('fits a digest of companies with long names in another script by listing fewer problems in the email', () => {
    const digest = digestMessage(manyGroups(300, 300, (company) => `${'株'.repeat(110)} ${company}`));

    const message = buildSnsMessage(digest);

    expect(publishBytes(message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const { email } = parseStructuredMessage(message.Message);
    expect(email.body.match(/^ {2}- /gm)?.length).toBeLessThan(100);
    expect(email.body).toMatch(/… and [\d,]+ more problems\./);
  });

  it('keeps every line of a digest that fits, saying none was dropped', () => {
    const digest = digestMessage(manyGroups(20, 10));

    const { alerts, overflow } = parseStructuredMessage(buildSnsMessage(digest).Message);

    expect(alerts).toEqual([digest]);
    expect(overflow).toEqual({ alerts: [], droppedDigestLines: { open: 0, resolvedSinceYesterday: 0 } });
  });
});

describe('parseStructuredMessage', () => {
  const alert = makeAlert({}, 2);
  const message = buildSnsMessage(alert);
  const structuredJson = protocols.parse(JSON.parse(message.Message)).sqs;

  it.each([
    ['the structured JSON a lambda or sqs subscriber receives', structuredJson],
    ['the whole per-protocol map', message.Message],
    [
      'an SNS notification envelope',
      JSON.stringify({ Type: 'Notification', MessageId: 'm-1', Message: structuredJson }),
    ],
    [
      'an envelope around the per-protocol map',
      JSON.stringify({ Type: 'Notification', Message: message.Message }),
    ],
  ])('reads %s', (_case, json) => {
    expect(parseStructuredMessage(json).alerts).toEqual([alert]);
  });

  it.each([
    ['text that is not JSON', 'hello', /not JSON/],
    ['JSON of another shape', '{"schemaVersion":2,"alerts":{}}', /Not a structured alert message/],
    [
      'an unknown schema version',
      structuredJson.replace('"schemaVersion":2', '"schemaVersion":3'),
      /schemaVersion/,
    ],
    [
      'a map holding only the email text',
      JSON.stringify({ default: 'Plain text' }),
      /Not a structured alert/,
    ],
  ])('rejects %s', (_case, json, error) => {
    expect(() => parseStructuredMessage(json)).toThrow(error);
  });

  it('rejects a message that says nothing about its jobs', () => {
    const broken = JSON.parse(structuredJson);
    delete broken.alerts[0].jobs;

    expect(() => parseStructuredMessage(JSON.stringify(broken))).toThrow(/alerts\[0\]\.jobs/);
  });

  it.each([
    ['a resolved notice', resolvedMessage()],
    ['a resolved notice without the export that resolved it', resolvedMessage(makeAlert(), null)],
    ['a reminder', reminderMessage(makeAlert(), 2)],
    ['an incident recovered', incidentMessage(INCIDENTS.unreachable, 'resolved')],
    ['a digest', digestMessage(manyGroups(12, 5))],
    ['an empty digest', digestMessage([])],
  ])('round-trips the lifecycle and digest of %s', (_case, alert) => {
    const read = onlyAlert(parseStructuredMessage(buildSnsMessage(alert).Message));

    expect(read).toEqual(alert);
    expect(read.lifecycle).toEqual(alert.lifecycle);
    expect(read.digest).toEqual(alert.digest);
  });

  it('rejects a digest line without its company', () => {
    const json = protocols.parse(JSON.parse(buildSnsMessage(digestMessage(manyGroups(2, 2))).Message)).sqs;
    const broken = JSON.parse(json);
    delete broken.alerts[0].digest.open[0].companyId;

    expect(() => parseStructuredMessage(JSON.stringify(broken))).toThrow(
      /alerts\[0\]\.digest\.open\[0\]\.companyId/,
    );
  });

  it('round-trips jobs whose failure text and failed count are unknown', () => {
    const withNull = makeAlert({ jobs: [makeJob(0, { failureReason: null, failedItems: null })] });

    expect(parseStructuredMessage(buildSnsMessage(withNull).Message).alerts).toEqual([withNull]);
  });
});

describe('buildSnsMessage for a combined message', () => {
  it('routes by every reason and category inside, as arrays, and by company and kind', () => {
    const message = combinedMessage(5, { kind: 'reminder' });

    expect(buildSnsMessage(message).MessageAttributes).toEqual({
      company: { DataType: 'String', StringValue: 'c0ffee00-1111-2222-3333-444455556666' },
      companyName: { DataType: 'String', StringValue: 'Acme ApS' },
      reason: {
        DataType: 'String.Array',
        StringValue: JSON.stringify(message.sections.map((section) => section.reason)),
      },
      category: { DataType: 'String.Array', StringValue: '["admin","transient","accountant"]' },
      kind: { DataType: 'String', StringValue: 'reminder' },
      alertId: { DataType: 'String', StringValue: message.alertId },
    });
  });

  it('lists every group inside as an alert of its own, under the message as a whole (schema version 2)', () => {
    // Prepare
    const message = combinedMessage(4, { currentState: true });

    // Act
    const structured = parseStructuredMessage(buildSnsMessage(message).Message);

    // Assess
    expect(structured).toMatchObject({
      schemaVersion: 2,
      alertId: message.alertId,
      kind: 'alert',
      combined: 'current-state',
      companyId: message.companyId,
      companyName: 'Acme ApS',
      reasons: message.sections.map((section) => section.reason),
      categories: ['admin', 'accountant'],
      totals: { jobs: 8, items: 96, failedItems: 24 },
      possibleRedelivery: false,
      overflow: { alerts: [] },
      email: renderEmail(message),
      slack: renderSlack(message),
    });
    expect(structured.alerts).toEqual(message.sections);
  });

  it.each([
    ['40 reasons of 20 jobs with long texts', 40, 20, LONG_REASON],
    ['40 reasons of a full part of jobs each', 40, MAX_JOBS_PER_ALERT, null],
    ['8 reasons of a full part of jobs with long texts', 8, MAX_JOBS_PER_ALERT, LONG_REASON],
  ])(
    'fits %s in one SNS message, each reason keeping its newest jobs, the rest counted',
    (_case, reasons, jobsEach, failureReason) => {
      // Prepare
      const message = combinedMessage(reasons, { jobsEach, job: { failureReason } });

      // Act
      const published = buildSnsMessage(message);

      // Assess
      expect(publishBytes(published)).toBeLessThanOrEqual(SNS_MAX_BYTES);
      const structured = parseStructuredMessage(published.Message);
      const sent = alertsWithJobIds(structured);
      expect(sent.map((alert) => alert.alertId)).toEqual(message.sections.map((section) => section.alertId));
      for (const [index, alert] of sent.entries()) {
        const section = message.sections[index];
        expect(alert.jobIds).toEqual(section?.jobs.slice(0, alert.jobIds.length).map((job) => job.jobId));
        expect(alert.jobIds.length + alert.droppedJobs).toBe(jobsEach);
        expect(alert.jobIds.length).toBeGreaterThan(0);
        expect(alert.totals).toEqual(section?.totals);
      }
      expect(structured.totals).toEqual(message.totals);
      expect(structured.email.subject).toBe(renderEmail(message).subject);
    },
  );

  it('fits 120 reasons, each counting the jobs it could not name', () => {
    const message = combinedMessage(120, {
      jobsEach: 10,
      job: { failureReason: 'Account 4000 is inactive' },
    });

    const published = buildSnsMessage(message);

    expect(publishBytes(published)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const structured = parseStructuredMessage(published.Message);
    expect(structured.alerts).toHaveLength(120);
    for (const alert of alertsWithJobIds(structured))
      expect(alert.jobIds.length + alert.droppedJobs).toBe(10);
    expect(structured.email.body).toMatch(/^ {2}120\. /m);
  });

  it('reads a message of schema version 1 as version 2, its alert the only one', () => {
    // Prepare: what the alerter published before version 2, cut to fit
    const alert = makeAlert({}, 3);
    const v1 = {
      schemaVersion: 1,
      alert: { ...alert, jobs: alert.jobs.slice(0, 1) },
      overflow: { jobIds: alert.jobs.slice(1).map((job) => job.jobId), droppedJobs: 4 },
      email: renderEmail(alert),
      slack: renderSlack(alert),
    };

    // Act
    const read = parseStructuredMessage(
      JSON.stringify({ Type: 'Notification', Message: JSON.stringify(v1) }),
    );

    // Assess: the whole-message fields as version 2 writes them for the alert (pinned above)
    const written = parseStructuredMessage(buildSnsMessage(alert).Message);
    expect(read).toEqual({
      ...written,
      alerts: [v1.alert],
      overflow: { alerts: [{ alertId: alert.alertId, jobIds: v1.overflow.jobIds, droppedJobs: 4 }] },
      email: v1.email,
      slack: v1.slack,
    });
  });
});
