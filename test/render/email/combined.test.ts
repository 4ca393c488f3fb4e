import { describe, expect, it } from 'vitest';
import { groupFailures } from '../../../functions/domain/group.js';
import { rollUp } from '../../../functions/domain/rollup.js';
import { MAX_SUBJECT_LENGTH, renderEmail } from '../../../functions/render/email/email.js';
import { ACME, job } from '../../fixtures/jobs.js';
import { type CombinedOptions, combinedMessage, reasonCodes } from '../alert-fixtures.js';

/** The lines of a single message's body that say what it is about: everything but company, link and signature. */
function sayingLines(body: string): string[] {
  const lines = body.split('\n');
  const end = lines.indexOf('Open the exports in Pleo: https://app.pleo.io/export');
  return [lines[0] ?? '', ...lines.slice(0, end).filter((line) => /^[A-Z][a-z ]+: {2,}/.test(line))].filter(
    (line) => !line.startsWith('Company:'),
  );
}

describe('renderEmail of a combined message', () => {
  it('counts the problems and the failed exports in the subject, the company first', () => {
    // Prepare: 12 failed exports over 7 reasons
    const reasons = reasonCodes(7);
    const failures = Array.from({ length: 12 }, (_, index) => ({
      job: job({ failureReasonType: reasons[index % reasons.length] }),
      failedItems: null,
    }));
    const alerts = groupFailures(failures, {
      companyNames: new Map([[ACME, 'Acme ApS']]),
      detectedAt: new Date('2026-11-28T12:00:00Z'),
    });

    // Act
    const messages = rollUp(alerts, { rollupAbove: 3 });

    // Assess
    const [message, ...others] = messages;
    if (message === undefined) throw new Error('no message');
    expect(others).toEqual([]);
    expect(renderEmail(message).subject).toBe(
      '[Pleo export] Acme ApS: 7 export problems (12 failed exports)',
    );
  });

  it.each<[string, CombinedOptions, string]>([
    ['alerts', {}, '[Pleo export] Acme ApS: 4 export problems (8 failed exports)'],
    [
      'reminders',
      { kind: 'reminder' },
      '[Pleo export] Reminder for Acme ApS: 4 export problems still open (8 failed exports)',
    ],
    ['resolved notices', { kind: 'resolved' }, '[Pleo export] Resolved for Acme ApS: 4 export problems'],
    [
      'the state a first poll found',
      { currentState: true },
      '[Pleo export] Acme ApS: 4 export problems open when watching began (8 failed exports)',
    ],
  ])('names combined %s in the subject', (_case, options, expected) => {
    expect(renderEmail(combinedMessage(4, options)).subject).toBe(expected);
  });

  it.each([
    [
      'a long company name',
      'Aktieselskabet Nordisk Revision og Regnskab for Små og Mellemstore Virksomheder A/S',
    ],
    ['a name in another script', 'Северная бухгалтерия и аудит общество с ограниченной ответственностью'],
    ['no name', null],
  ])('keeps the subject one ASCII line under 100 characters for %s', (_case, companyName) => {
    for (const options of [{}, { kind: 'reminder' as const }, { currentState: true }]) {
      const { subject } = renderEmail(combinedMessage(40, { ...options, companyName, jobsEach: 300 }));

      expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(subject).toMatch(/^\[Pleo export\] [\x20-\x7e]+$/);
      expect(subject).toMatch(/40 export problems/);
    }
  });

  it.each<[string, CombinedOptions]>([
    ['alerts', {}],
    ['reminders', { kind: 'reminder' }],
    ['resolved notices', { kind: 'resolved' }],
  ])('says in each section what the single message says, for %s', (_case, options) => {
    // Prepare
    const message = combinedMessage(5, options);

    // Act
    const { body } = renderEmail(message);

    // Assess
    const bodyLines = body.split('\n');
    for (const section of message.sections) {
      const single = sayingLines(renderEmail(section).body);
      expect(single.length).toBeGreaterThanOrEqual(4);
      for (const line of single) expect(bodyLines).toContain(line);
      for (const job of section.jobs) expect(body).toContain(`- Export job ${job.jobId}`);
    }
  });

  it('lists the problems first, then a section for each, and the totals once', () => {
    const { body } = renderEmail(combinedMessage(4));

    expect(body).toContain(
      [
        'Company:       Acme ApS (Pleo company id c0ffee00-1111-2222-3333-444455556666)',
        'In total:      8 exports, 96 expenses, 24 failed expenses',
        '',
        'Open the exports in Pleo: https://app.pleo.io/export',
        '',
        'THE PROBLEMS',
        '',
        '  1. Access to the accounting system revoked: 2 failed exports',
        '  2. Missing configuration: 2 failed exports',
        '  3. Receipt too large: 2 failed exports',
        '  4. Validation failed: 2 failed exports',
      ].join('\n'),
    );
    expect(body).toContain('\n==== 1 of 4: Access to the accounting system revoked ====\n');
    expect(body).toContain('\n==== 4 of 4: Validation failed ====\n');
    expect(body.match(/Open the exports in Pleo/g)).toHaveLength(1);
    expect(body.match(/^-- $/gm)).toHaveLength(1);
  });

  it('reads as the state found when watching began, not as news', () => {
    const { body } = renderEmail(combinedMessage(2, { currentState: true }));

    expect(body).toMatch(/^Open export problems when watching began: Acme ApS\n/);
    expect(body).toContain('found 2 export problems open (4 failed exports)');
    expect(body).toContain('This is the state it found, not news');
  });

  it.each<[string, CombinedOptions, RegExp]>([
    ['reminders', { kind: 'reminder' }, /^Reminder: 3 export problems of Acme ApS are still not fixed/],
    [
      'resolved notices',
      { kind: 'resolved' },
      /^Resolved: a later export for Acme ApS went through, so 3 export problems look fixed\./,
    ],
  ])('reads combined %s as such', (_case, options, opening) => {
    expect(renderEmail(combinedMessage(3, options)).body).toMatch(opening);
  });

  it('lists at most 10 jobs a section, counting the rest', () => {
    const { body } = renderEmail(combinedMessage(4, { jobsEach: 30 }));

    expect(body.match(/^- Export job /gm)).toHaveLength(40);
    expect(body.match(/^… and 20 more jobs\.$/gm)).toHaveLength(4);
  });

  it('warns once that the message may be a repeat', () => {
    const message = { ...combinedMessage(4), possibleRedelivery: true };

    expect(renderEmail(message).body.match(/you may have received this alert already/g)).toHaveLength(1);
  });

  it('tells the first sections in full and lists the others by name when asked to be short', () => {
    const { body } = renderEmail(combinedMessage(5), { maxJobs: 0, maxSections: 2 });

    expect(body).toContain('Problems 3 to 5 are listed here by name only');
    expect(body).toMatch(/^ {2}5\. /m);
    expect(body).toContain('==== 2 of 5: ');
    expect(body).not.toContain('==== 3 of 5: ');
    expect(body).not.toContain('The exports (newest first):');
    expect(body).toContain('In total: 2 exports, 24 expenses, 6 failed expenses for this reason.');
  });

  it('says all are listed by name only when none can be told in full', () => {
    const { body } = renderEmail(combinedMessage(5), { maxJobs: 0, maxSections: 0 });

    expect(body).toContain('They are listed here by name only');
    expect(body).not.toContain('==== ');
  });
});
