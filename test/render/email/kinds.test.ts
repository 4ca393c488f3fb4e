import { describe, expect, it } from 'vitest';
import { INCIDENTS } from '../../../functions/domain/incidents.js';
import { renderEmail } from '../../../functions/render/email/email.js';
import { RESOLVED_WHAT_TO_DO } from '../../../functions/render/text.js';
import {
  digestMessage,
  incidentMessage,
  KEY_REFUSED_DETAIL,
  LATER,
  makeAlert,
  manyGroups,
  openGroup,
  reminderMessage,
  resolvedGroup,
  resolvedMessage,
  UNREACHABLE_DETAIL,
} from '../alert-fixtures.js';

function expectValidSubject(subject: string): void {
  expect(subject.length).toBeLessThan(100);
  expect(subject).toMatch(/^[\x20-\x7e]+$/);
  expect(subject).toMatch(/^\[Pleo export\] /);
}

const RECEIPT = makeAlert({
  reason: 'receipt_file_size_limit_exceeded',
  companyName: 'Beta AS',
  companyId: 'b-2',
});
const REVOKED = makeAlert({ reason: 'authorization_failure', category: 'admin' });

/** Four open groups at three companies and two resolved since yesterday. */
const DAY = digestMessage([
  openGroup(),
  openGroup(RECEIPT),
  openGroup(makeAlert({ reason: 'invalid_configuration' })),
  openGroup(makeAlert({ companyId: 'c-3', companyName: null }, 1)),
  resolvedGroup(REVOKED, new Date('2026-11-28T01:00:00Z')),
  resolvedGroup(makeAlert({ reason: 'job_expired', companyName: 'Beta AS', companyId: 'b-2' }), LATER),
]);

describe('renderEmail subject for every kind', () => {
  it.each([
    ['a resolved group', resolvedMessage(), '[Pleo export] Resolved: missing configuration (Acme ApS)'],
    [
      'a reminder',
      reminderMessage(),
      '[Pleo export] Reminder: 3 failed exports still open: missing configuration (Acme ApS)',
    ],
    [
      'a refused key',
      incidentMessage(INCIDENTS.credentials, 'alert'),
      '[Pleo export] Alerter problem: Pleo API key not accepted',
    ],
    [
      'a key still refused',
      incidentMessage(INCIDENTS.credentials, 'reminder'),
      '[Pleo export] Reminder: Pleo API key still refused',
    ],
    [
      'a key accepted again',
      incidentMessage(INCIDENTS.credentials, 'resolved'),
      '[Pleo export] Recovered: Pleo API key accepted again',
    ],
    [
      'Pleo unreachable',
      incidentMessage(INCIDENTS.unreachable, 'alert'),
      '[Pleo export] Alerter problem: Pleo API not answering',
    ],
    [
      'Pleo still unreachable',
      incidentMessage(INCIDENTS.unreachable, 'reminder'),
      '[Pleo export] Reminder: Pleo API still not answering',
    ],
    [
      'Pleo reachable again',
      incidentMessage(INCIDENTS.unreachable, 'resolved'),
      '[Pleo export] Recovered: Pleo API reachable again',
    ],
    ['a digest', DAY, '[Pleo export] Daily digest 2026-11-28: 4 open, 2 resolved'],
    ['an empty digest', digestMessage([]), '[Pleo export] Daily digest 2026-11-28: nothing open'],
    [
      'a digest with only resolved groups',
      digestMessage([resolvedGroup(REVOKED, LATER)]),
      '[Pleo export] Daily digest 2026-11-28: 0 open, 1 resolved',
    ],
    [
      'a digest of 300 groups',
      digestMessage(manyGroups(300, 200)),
      '[Pleo export] Daily digest 2026-11-28: 225 open, 75 resolved',
    ],
  ])('reads well for %s', (_case, message, expected) => {
    const { subject } = renderEmail(message);

    expect(subject).toBe(expected);
    expectValidSubject(subject);
  });
});

describe('renderEmail body of a resolved group', () => {
  it('says a later export went through, how long it was open, which export and how many reminders went out', () => {
    const { body } = renderEmail(resolvedMessage());

    expect(body).toMatch(
      /^Resolved: a later export for Acme ApS went through, so "missing configuration" looks fixed\./,
    );
    expect(body).toContain(
      'Was open:      from 2026-11-26 09:00 UTC to 2026-11-28 09:00 UTC (open for 2 days)\n' +
        'Resolved:      2026-11-28 09:00 UTC: export job job-done-1 completed after the failures\n' +
        'Reminders:     2 reminders sent while it was open\n',
    );
    expect(body).toContain('What had failed (newest first):');
    expect(body).toContain('- Export job 0f8fad5b-d9cb-469f-a165-000000000002');
    expect(body).toContain('In total: 3 exports, 36 expenses, 9 failed expenses for this reason.');
    expect(body).toContain(`What to do:    ${RESOLVED_WHAT_TO_DO}`);
  });

  it('lists a few of the jobs the group kept and counts every other failure', () => {
    // The group keeps its 50 newest jobs; its totals count all 120.
    const { body } = renderEmail(resolvedMessage(makeAlert({}, 120, { failureReason: 'x'.repeat(1000) })));

    expect(body.match(/^- Export job /gm)).toHaveLength(10);
    expect(body).toContain('… and 110 more jobs.');
    expect(body).toContain('In total: 120 exports');
    expect(body).toContain(`Pleo says: ${'x'.repeat(199)}…\n`);
  });

  it('says the problem was seen to be over when no export is named', () => {
    expect(renderEmail(resolvedMessage(makeAlert(), null)).body).toContain(
      'Resolved:      2026-11-28 09:00 UTC: the problem was seen to be over',
    );
  });
});

describe('renderEmail body of a reminder', () => {
  it('says since when the group is open, which reminder this is, and what to do', () => {
    const { body } = renderEmail(reminderMessage(makeAlert(), 1));

    expect(body).toMatch(
      /^Reminder: 3 failed exports for Acme ApS are still not fixed \(missing configuration\)\./,
    );
    expect(body).toContain('Open since:    2026-11-26 09:00 UTC (2 days)\n');
    expect(body).toContain('Reminder:      2 (reminders stop once a later export of Acme ApS completes)');
    expect(body).toMatch(/What to do: +Check the accounts, tax codes/);
    expect(body.match(/^- Export job /gm)).toHaveLength(3);
  });
});

describe('renderEmail body of an alerter incident', () => {
  it.each([
    [
      'a refused key',
      incidentMessage(INCIDENTS.credentials, 'alert'),
      KEY_REFUSED_DETAIL,
      'Settings → API keys',
    ],
    [
      'Pleo unreachable',
      incidentMessage(INCIDENTS.unreachable, 'alert'),
      UNREACHABLE_DETAIL,
      "Pleo's status page",
    ],
  ])('explains %s: the detail, what it means, who acts and what to do', (_case, message, detail, advice) => {
    const { body } = renderEmail(message);

    expect(body).toMatch(/^The Pleo export alerter has a problem: /);
    expect(body).toContain(`What happened: ${detail}\n`);
    expect(body).toMatch(
      /What it means: .*(will not report new failures|new export failures are not being reported)/,
    );
    expect(body).toContain('Broken since:  2026-11-26 09:00 UTC\n');
    expect(body).toMatch(/Who acts: +\S/);
    expect(body).toContain(advice);
    expect(body).toContain('You will get a message when it works again.');
  });

  it('reminds that the key is still refused, since when and how often', () => {
    const { body } = renderEmail(incidentMessage(INCIDENTS.credentials, 'reminder'));

    expect(body).toMatch(
      /^Reminder: the Pleo export alerter still has a problem: Pleo API key not accepted\./,
    );
    expect(body).toContain('Broken since:  2026-11-26 09:00 UTC (2 days)\n');
    expect(body).toContain('Reminder:      1\n');
    expect(body).toContain(`What happened: ${KEY_REFUSED_DETAIL}`);
  });

  it.each([
    [INCIDENTS.credentials, "Recovered: Pleo accepts the alerter's API key again."],
    [INCIDENTS.unreachable, "Recovered: Pleo's API answers the alerter again."],
  ])('says %s is over and for how long it lasted', (reason, opening) => {
    const { body } = renderEmail(incidentMessage(reason, 'resolved'));

    expect(body.startsWith(opening)).toBe(true);
    expect(body).toContain('Was broken:    from 2026-11-26 09:00 UTC to 2026-11-28 09:00 UTC (for 2 days)');
    expect(body).toContain('No action is needed.');
  });
});

describe('renderEmail body of the daily digest', () => {
  it('lists the open groups by company, then those resolved since yesterday, then how to stop it', () => {
    const { body } = renderEmail(DAY);

    expect(body).toMatch(/^Daily digest of failed Pleo exports for 2026-11-28 \(Europe\/Copenhagen\)\.\n/);
    expect(body).toContain('4 problems open at 3 companies; 2 resolved since yesterday.');
    expect(body).toContain(
      [
        'OPEN, BY COMPANY',
        '',
        'Acme ApS',
        '  - invalid configuration: 3 exports, 9 failed expenses; open since 2026-11-26 09:00 UTC (2 days)',
        '  - missing configuration: 3 exports, 9 failed expenses; open since 2026-11-26 09:00 UTC (2 days)',
        '',
        'Beta AS',
        '  - receipt too large: 3 exports, 9 failed expenses; open since 2026-11-26 09:00 UTC (2 days)',
        '',
        'c-3',
        '  - missing configuration: 1 export, 3 failed expenses; open since 2026-11-26 09:00 UTC (2 days)',
      ].join('\n'),
    );
    expect(body).toContain('In total: 10 exports with problems, 30 failed expenses.');
    expect(body).toContain(
      [
        'RESOLVED SINCE YESTERDAY',
        '',
        'Acme ApS',
        '  - access to the accounting system revoked: 3 exports, 9 failed expenses; open 2026-11-26 09:00 UTC to 2026-11-28 01:00 UTC (1 day 16 hours)',
      ].join('\n'),
    );
    expect(body.indexOf('OPEN, BY COMPANY')).toBeLessThan(body.indexOf('RESOLVED SINCE YESTERDAY'));
    expect(body).toMatch(/To stop it, .*kind \(anything but "digest"\)/);
  });

  it('says so when nothing is open', () => {
    const { body } = renderEmail(digestMessage([]));

    expect(body).toContain('Nothing is open');
    expect(body).not.toContain('OPEN, BY COMPANY');
    expect(body).not.toContain('RESOLVED SINCE YESTERDAY');
  });

  it("lists the alerter's own open incident under its name, without export counts", () => {
    const { body } = renderEmail(digestMessage([openGroup(incidentMessage(INCIDENTS.credentials, 'alert'))]));

    expect(body).toContain(
      'Pleo export alerter\n  - Pleo API key not accepted: a problem of the alerter itself; open since 2026-11-26 09:00 UTC (2 days)',
    );
  });

  it("counts neither the alerter's own problem as an export nor the alerter as a company", () => {
    const incident = openGroup(incidentMessage(INCIDENTS.credentials, 'alert'));

    const mixed = renderEmail(digestMessage([incident, openGroup()])).body;
    const alone = renderEmail(digestMessage([incident])).body;

    expect(mixed).toContain(
      '1 problem open at 1 company and 1 problem of the alerter itself; 0 resolved since yesterday.',
    );
    expect(mixed).toContain('In total: 3 exports with problems, 9 failed expenses.');
    expect(alone).toContain('Open: 1 problem of the alerter itself; 0 resolved since yesterday.');
    expect(alone).not.toContain('In total');
  });

  it('lists at most 100 problems of a long digest and counts the rest, staying small', () => {
    const { body } = renderEmail(digestMessage(manyGroups(300, 200)));

    expect(body.match(/^ {2}- /gm)).toHaveLength(100);
    expect(body).toContain('… and 145 more problems.');
    expect(body).toContain('… and 55 more problems.');
    expect(Buffer.byteLength(body)).toBeLessThan(30_000);
  });

  it('shows company names from configuration on one line', () => {
    const { body } = renderEmail(
      digestMessage([openGroup(makeAlert({ companyName: 'Evil\r\nSubject: x' }))]),
    );

    expect(body).toContain('\nEvil Subject: x\n');
  });
});

describe('renderEmail for every kind', () => {
  const everyKind = [
    ['resolved', resolvedMessage()],
    ['reminder', reminderMessage()],
    ['incident', incidentMessage(INCIDENTS.credentials, 'alert')],
    ['incident reminder', incidentMessage(INCIDENTS.unreachable, 'reminder')],
    ['incident recovered', incidentMessage(INCIDENTS.credentials, 'resolved')],
    ['digest', DAY],
  ] as const;

  it.each(everyKind)('flags a possible redelivery of a %s', (_kind, message) => {
    expect(renderEmail({ ...message, possibleRedelivery: true }).body).toMatch(
      /^Note: you may have received this \w+ already/m,
    );
    expect(renderEmail(message).body).not.toContain('may have received');
  });

  it.each(everyKind.slice(2))('never shows the internal job of a %s as an export', (_kind, message) => {
    const { subject, body } = renderEmail(message);
    const internalIds = message.jobs.map((job) => job.jobId);

    expect(internalIds.length).toBeGreaterThan(0);
    for (const id of internalIds) expect(subject + body).not.toContain(id);
    expect(body).not.toMatch(/Export job|with errors|Status: /);
  });
});
