import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT_LENGTH, renderEmail, toAscii } from '../../../functions/render/email/email.js';
import { RESOLVED_WHAT_TO_DO } from '../../../functions/render/text.js';
import { makeAlert, makeJob } from '../alert-fixtures.js';

/** Pleo text that tries to add a line of its own and a link, with a line separator. */
const FORGED = 'Sync paused.\u2028What to do:    log in again at https://pleo-login.example.com/reset';

const ONE_MB = 'Lorem ipsum dolor sit amet. '.repeat(37_450);

function expectValidSubject(subject: string): void {
  expect(subject.length).toBeLessThan(100);
  expect(subject).toMatch(/^[\x20-\x7e]+$/);
  expect(subject).toMatch(/^\[Pleo export\] /);
}

describe('renderEmail subject', () => {
  it.each([
    ['several failed jobs', makeAlert(), '[Pleo export] 3 failed exports: missing configuration (Acme ApS)'],
    ['one failed job', makeAlert({}, 1), '[Pleo export] 1 failed export: missing configuration (Acme ApS)'],
    [
      'jobs completed with errors',
      makeAlert({ reason: 'receipt_file_size_limit_exceeded' }, 2, { status: 'completed_with_errors' }),
      '[Pleo export] 2 exports with errors: receipt too large (Acme ApS)',
    ],
    [
      'no company name',
      makeAlert({ companyName: null }),
      '[Pleo export] 3 failed exports: missing configuration (company c0ffee00)',
    ],
    [
      'a blank company name',
      makeAlert({ companyName: ' \n ', companyId: 'c-1' }),
      '[Pleo export] 3 failed exports: missing configuration (c-1)',
    ],
    ['resolved', makeAlert({ kind: 'resolved' }), '[Pleo export] Resolved: missing configuration (Acme ApS)'],
    [
      'reminder',
      makeAlert({ kind: 'reminder' }),
      '[Pleo export] Reminder: 3 failed exports still open: missing configuration (Acme ApS)',
    ],
    [
      'a group without jobs',
      makeAlert({ reason: 'integration_unusable', category: 'admin' }, 0),
      '[Pleo export] Accounting integration unusable (Acme ApS)',
    ],
    [
      'a Danish company name',
      makeAlert({ companyName: 'Ærø Økonomi & Søn ApS' }),
      '[Pleo export] 3 failed exports: missing configuration (AEroe Oekonomi & Soen ApS)',
    ],
    [
      'accents and a line break in the name',
      makeAlert({ companyName: 'Café\r\nMüller GmbH' }),
      '[Pleo export] 3 failed exports: missing configuration (Cafe Muller GmbH)',
    ],
    [
      'a non-Latin name',
      makeAlert({ companyName: '株式会社 Pleo' }),
      '[Pleo export] 3 failed exports: missing configuration (???? Pleo)',
    ],
    [
      'a name ASCII cannot show',
      makeAlert({ companyName: '株式会社ノルディック' }),
      '[Pleo export] 3 failed exports: missing configuration (company c0ffee00)',
    ],
    [
      'thousands of jobs',
      makeAlert({}, 1234),
      '[Pleo export] 1,234 failed exports: missing configuration (Acme ApS)',
    ],
  ])('reads well for %s', (_case, alert, expected) => {
    const { subject } = renderEmail(alert);

    expect(subject).toBe(expected);
    expectValidSubject(subject);
  });

  it('shortens a long company name but keeps it visible', () => {
    const { subject } = renderEmail(
      makeAlert({ companyName: `Nordisk ${'Meget Lang '.repeat(20)}Holding ApS` }),
    );

    expectValidSubject(subject);
    expect(subject).toMatch(
      /^\[Pleo export\] 3 failed exports: missing configuration \(Nordisk Meget Lang .*\.\.\.\)$/,
    );
  });

  it('leaves the count out of a reminder sooner than cut its reason', () => {
    const { subject } = renderEmail(
      makeAlert(
        {
          kind: 'reminder',
          companyName: 'Thistle & Finch Ltd',
          reason: 'accounting_system_authentication_failure',
        },
        2,
        { status: 'completed_with_errors' },
      ),
    );

    expect(subject).toBe('[Pleo export] Reminder: accounting system login failed (Thistle & Finch Ltd)');
    expectValidSubject(subject);
  });

  it('shortens a long unknown reason before the company name', () => {
    const { subject } = renderEmail(
      makeAlert({ reason: `new_reason_${'x'.repeat(300)}`, category: 'unknown' }),
    );

    expectValidSubject(subject);
    expect(subject).toMatch(/\.\.\. \(Acme ApS\)$/);
  });

  it('stays a valid SNS subject for any company name and reason', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('alert', 'resolved', 'reminder', 'digest' as const),
        fc.integer({ min: 0, max: 100_000 }),
        (companyName, reason, kind, jobs) => {
          const alert = makeAlert({ companyName, reason, kind, companyId: 'c-1' }, 0);
          const { subject } = renderEmail({ ...alert, totals: { jobs, items: jobs, failedItems: jobs } });
          expectValidSubject(subject);
          expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('toAscii', () => {
  it.each([
    ['Søren Ærø Ålborg', 'Soeren AEroe Aalborg'],
    ['Straße', 'Strasse'],
    ['Łódź', 'Lodz'],
    ['naïve café', 'naive cafe'],
    ['ﬁnance', 'finance'],
    ['tab\there\u0007bell', 'tab here bell'],
    ['emoji 🎉 party', 'emoji ? party'],
  ])('turns %j into %j', (input, expected) => {
    expect(toAscii(input)).toBe(expected);
  });
});

describe('renderEmail body', () => {
  it.each([
    [
      'a failure text',
      makeAlert({}, 1, { failureReason: FORGED }),
      'hxxps://pleo-login[.]example[.]com/reset',
    ],
    [
      'an unknown reason code',
      makeAlert({ reason: FORGED, category: 'unknown' }, 1),
      'hxxps://pleo-login[.]exa',
    ],
    // A status is cut at 40 characters, before the link.
    [
      'an unknown job status',
      makeAlert({}, 1, { status: FORGED }),
      'Sync paused. What to do: log in again a…',
    ],
  ])('keeps Pleo text on one line with its links defanged, in %s', (_case, alert, shown) => {
    const { body } = renderEmail(alert);

    // Only the alerter's own "What to do" starts a line, and no link of Pleo's text works.
    expect(body.split('\n').filter((line) => /^\s*What to do/.test(line))).toHaveLength(1);
    expect(body).not.toContain('https://pleo-login.example');
    expect(body).toContain(shown);
  });

  it('tells the reader what happened, who acts and what to do, with a link to Pleo', () => {
    const { body } = renderEmail(makeAlert());

    expect(body).toMatch(
      /^3 failed exports from Pleo to the accounting system for Acme ApS: missing configuration\./,
    );
    expect(body).toContain('Company:       Acme ApS (Pleo company id c0ffee00-1111-2222-3333-444455556666)');
    expect(body).toContain("missing configuration (Pleo's reason code: missing_configuration)");
    expect(body).toContain('Who acts:      The accountant');
    expect(body).toMatch(/What to do: +Check the accounts, tax codes/);
    expect(body).toContain('https://app.pleo.io/export');
    expect(body).toContain('In total: 3 exports, 36 expenses, 9 failed expenses for this reason.');
    expect(body).toContain('Detected 2024-05-01 09:35 UTC. Alert id: alert-7c1d.');
  });

  it('lists each job with its id, time in UTC, counts and what Pleo said', () => {
    const { body } = renderEmail(makeAlert());

    expect(body).toContain(
      [
        '- Export job 0f8fad5b-d9cb-469f-a165-000000000001',
        '  Created:   2024-05-01 09:29 UTC',
        '  Status:    failed',
        '  Expenses:  12, of which 3 failed',
        '  Pleo says: Account 4000 is inactive in the chart of accounts',
      ].join('\n'),
    );
  });

  it('names the other reasons of an export that failed for several, each sent on its own', () => {
    const { body } = renderEmail(
      makeAlert({}, 1, { alsoFailedFor: ['receipt_file_size_limit_exceeded', 'brand_new_reason'] }),
    );

    expect(body).toContain(
      '  Also failed for: receipt too large, unrecognised reason "brand_new_reason" (each in its own message)\n',
    );
    expect(renderEmail(makeAlert({}, 1)).body).not.toContain('Also failed for');
  });

  it('shows only the item count when Pleo did not say how many failed', () => {
    const { body } = renderEmail(
      makeAlert({ jobs: [makeJob(0, { failedItems: null, failureReason: null })] }),
    );

    expect(body).toContain('  Expenses:  12\n');
    expect(body).not.toContain('Pleo says:');
  });

  it.each([
    {
      jobs: [makeJob(0, { status: 'completed_with_errors', failedItems: null, failureReason: null })],
      says: 'In total: 1 export, 12 expenses; Pleo did not say how many of them failed.',
    },
    {
      jobs: [
        makeJob(0, { status: 'completed_with_errors', failedItems: null }),
        makeJob(1, { failedItems: 12 }),
      ],
      says: 'In total: 2 exports, 24 expenses, at least 12 failed expenses for this reason.',
    },
  ])('does not count as 0 the failed expenses of an export Pleo did not list ($says)', ({ jobs, says }) => {
    expect(renderEmail(makeAlert({ jobs })).body).toContain(says);
  });

  it("strips control characters from Pleo's text and caps it", () => {
    const reason = `Line one\r\nline two\u0000\u001b[31m red \u202eevil ${'y'.repeat(2000)}`;
    const { body } = renderEmail(makeAlert({ jobs: [makeJob(0, { failureReason: reason })] }));
    const said = body.split('\n').find((line) => line.startsWith('  Pleo says: ')) ?? '';

    expect(said).toMatch(/^ {2}Pleo says: Line one line two \[31m red evil y+…$/);
    expect(said.length - '  Pleo says: '.length).toBe(500);
    expect(body.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('lists the first 50 jobs of a large group and counts the rest, staying small', () => {
    const alert = makeAlert({}, 5000, { failureReason: ONE_MB });
    const { body } = renderEmail(alert);

    expect(body.match(/^- Export job /gm)).toHaveLength(50);
    expect(body).toContain('… and 4,950 more jobs.');
    expect(body).toContain(
      'In total: 5,000 exports, 60,000 expenses, 15,000 failed expenses for this reason.',
    );
    expect(Buffer.byteLength(body)).toBeLessThan(40_000);
  });

  it('lists fewer jobs with shorter texts when asked', () => {
    const { body } = renderEmail(makeAlert({}, 30, { failureReason: 'z'.repeat(400) }), {
      maxJobs: 5,
      maxReasonChars: 100,
    });

    expect(body.match(/^- Export job /gm)).toHaveLength(5);
    expect(body).toContain('… and 25 more jobs.');
    expect(body).toContain(`Pleo says: ${'z'.repeat(99)}…\n`);
  });

  it('warns that the alert may be a repeat when it may have been delivered before', () => {
    expect(renderEmail(makeAlert({ possibleRedelivery: true })).body).toContain(
      'you may have received this alert already',
    );
    expect(renderEmail(makeAlert()).body).not.toContain('received this alert already');
  });

  it.each([
    [
      'resolved',
      /^Resolved: a later export for Acme ApS went through, so "missing configuration" looks fixed\./,
    ],
    ['reminder', /^Reminder: 3 failed exports for Acme ApS are still not fixed \(missing configuration\)\./],
  ] as const)('opens a %s with its own wording', (kind, opening) => {
    expect(renderEmail(makeAlert({ kind })).body).toMatch(opening);
  });

  it('asks to check that the failed expenses went out once resolved, without who acts', () => {
    const { body } = renderEmail(makeAlert({ kind: 'resolved' }));

    expect(body).toContain(`What to do:    ${RESOLVED_WHAT_TO_DO}`);
    expect(body).not.toContain('No action is needed');
    expect(body).not.toContain('Who acts:');
  });
});
