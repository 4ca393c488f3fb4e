import { describe, expect, it } from 'vitest';
import { INCIDENTS } from '../../../functions/domain/incidents.js';
import { foreignMarkup } from '../../../functions/render/slack/foreign-markup.js';
import { renderSlack } from '../../../functions/render/slack/slack.js';
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
import { expectWithinLimits, texts } from './assertions.js';

const DAY = digestMessage([
  openGroup(),
  openGroup(
    makeAlert({ reason: 'receipt_file_size_limit_exceeded', companyName: 'Beta AS', companyId: 'b-2' }),
  ),
  resolvedGroup(makeAlert({ reason: 'authorization_failure', category: 'admin' }), LATER),
]);

const HOSTILE_NAME = '<!channel> *Boss* <@U024BE7LH> <https://evil.example|pay here> @here';

function allText(message: ReturnType<typeof renderSlack>): string {
  return texts(message.blocks).join('\n');
}

describe('renderSlack for every kind', () => {
  it.each([
    ['a resolved group', resolvedMessage(), '✅ Resolved: missing configuration (Acme ApS)'],
    [
      'a reminder',
      reminderMessage(),
      'Reminder: 3 failed exports still open: missing configuration (Acme ApS)',
    ],
    [
      'a refused key',
      incidentMessage(INCIDENTS.credentials, 'alert'),
      'Alerter problem: Pleo API key not accepted',
    ],
    [
      'a key still refused',
      incidentMessage(INCIDENTS.credentials, 'reminder'),
      'Reminder: Pleo API key still refused',
    ],
    [
      'a key accepted again',
      incidentMessage(INCIDENTS.credentials, 'resolved'),
      '✅ Recovered: Pleo API key accepted again',
    ],
    [
      'Pleo unreachable',
      incidentMessage(INCIDENTS.unreachable, 'alert'),
      'Alerter problem: Pleo API not answering',
    ],
    [
      'Pleo reachable again',
      incidentMessage(INCIDENTS.unreachable, 'resolved'),
      '✅ Recovered: Pleo API reachable again',
    ],
    ['a digest', DAY, 'Daily digest 2026-11-28: 2 open, 1 resolved'],
    ['an empty digest', digestMessage([]), 'Daily digest 2026-11-28: nothing open'],
  ])('heads %s with %j, with nothing the Slack notifier would refuse', (_case, message, header) => {
    const rendered = renderSlack(message);

    expect(rendered.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: header, emoji: false },
    });
    expect(rendered.text.length).toBeGreaterThan(0);
    expect(foreignMarkup(rendered)).toEqual([]);
  });

  it.each([
    ['an alert', makeAlert({ companyName: HOSTILE_NAME }, 3, { failureReason: HOSTILE_NAME })],
    ['a digest', digestMessage([openGroup(makeAlert({ companyName: HOSTILE_NAME }))])],
    ['an unknown reason', makeAlert({ reason: HOSTILE_NAME, category: 'unknown' })],
  ])('renders %s of hostile Pleo text with nothing the Slack notifier would refuse', (_case, message) => {
    expect(foreignMarkup(renderSlack(message))).toEqual([]);
  });

  it('tells how long a resolved group was open, which export resolved it and how many reminders went out', () => {
    const all = allText(renderSlack(resolvedMessage()));

    expect(all).toContain('*Was open*\n2026-11-26 09:00 UTC (for 2 days)');
    expect(all).toContain('*Resolved*\n2026-11-28 09:00 UTC: export `job-done-1` completed');
    expect(all).toContain('*Reminders sent*\n2');
    expect(all).toContain('*What had failed*\n• `0f8fad5b-d9cb-469f-a165-000000000000`');
    expect(all).toContain(`*What to do*\n${RESOLVED_WHAT_TO_DO}`);
  });

  it('tells since when a reminded group is open and which reminder this is', () => {
    const all = allText(renderSlack(reminderMessage(makeAlert(), 1)));

    expect(all).toContain('*Open since*\n2026-11-26 09:00 UTC (2 days)');
    expect(all).toContain('*Reminder*\n2');
    expect(all).toMatch(/\*What to do\*\nCheck the accounts/);
  });

  it.each([
    [incidentMessage(INCIDENTS.credentials, 'alert'), KEY_REFUSED_DETAIL],
    [incidentMessage(INCIDENTS.unreachable, 'reminder'), UNREACHABLE_DETAIL],
  ])('shows what the alerter ran into, what it means and what to do', (message, detail) => {
    const all = allText(renderSlack(message));

    expect(all).toContain(`*What happened*\n${detail}`);
    expect(all).toContain('*What it means*\n');
    expect(all).toContain('*What to do*\n');
    expect(all).toContain('*Broken since*\n2026-11-26 09:00 UTC');
  });

  it('lists the digest by company, open first, then resolved since yesterday', () => {
    const all = allText(renderSlack(DAY));

    expect(all).toContain(
      '*Open, by company*\n*Acme ApS*\n' +
        '• missing configuration: 3 exports, 9 failed expenses; open since 2026-11-26 09:00 UTC (2 days)\n' +
        '*Beta AS*\n• receipt too large: 3 exports, 9 failed expenses;',
    );
    expect(all).toContain(
      '*Resolved since yesterday*\n*Acme ApS*\n• access to the accounting system revoked:',
    );
    expect(all).toContain('anything but `digest`');
  });

  it('lists 40 problems of a digest of 300 groups over 200 companies and counts the rest', () => {
    const all = allText(renderSlack(digestMessage(manyGroups(300, 200))));

    expect(all.match(/^• /gm)).toHaveLength(40);
    expect(all).toContain('… and 193 more open problems (see the email digest)');
    expect(all).toContain('… and 67 more resolved problems (see the email digest)');
  });

  it.each([
    [
      'a resolved group of 120 jobs with long texts',
      resolvedMessage(makeAlert({}, 120, { failureReason: 'w'.repeat(10_000) })),
    ],
    ['a reminder of 200 jobs', reminderMessage(makeAlert({ possibleRedelivery: true }, 200))],
    ['a refused key', incidentMessage(INCIDENTS.credentials, 'alert')],
    ['a key still refused', incidentMessage(INCIDENTS.credentials, 'reminder')],
    ['Pleo reachable again', incidentMessage(INCIDENTS.unreachable, 'resolved')],
    ['an empty digest', digestMessage([])],
    ['a digest of 300 groups over 200 companies', digestMessage(manyGroups(300, 200))],
    ['a digest of 2,000 groups', digestMessage(manyGroups(2000, 1500))],
    [
      'a digest of huge company names',
      digestMessage(manyGroups(300, 200, (company) => `${'<&>'.repeat(1000)} ${company}`)),
    ],
    [
      'a digest whose every company fills a section',
      digestMessage(manyGroups(100, 100, (company) => `${'n'.repeat(2990)} ${company}`)),
    ],
    ['a redelivered digest', { ...digestMessage(manyGroups(300, 200)), possibleRedelivery: true }],
  ])("stays within Slack's limits for %s", (_case, message) => {
    expectWithinLimits(message);
  });

  it('cannot be made to ping, mention or link through a company name in the digest', () => {
    const message = renderSlack(
      digestMessage([
        openGroup(makeAlert({ companyName: HOSTILE_NAME })),
        resolvedGroup(makeAlert({ companyName: HOSTILE_NAME, reason: 'job_expired' }), LATER),
      ]),
    );
    const json = JSON.stringify(message);

    for (const raw of ['<!channel>', '<@U024BE7LH>', '<https://evil.example|pay here>', '@here', '*Boss*']) {
      expect(json).not.toContain(raw);
    }
    expect(allText(message)).toContain('*&lt;!channel&gt; ∗Boss∗ &lt;@U024BE7LH&gt;');
    expect(allText(message).match(/<[^ ]*\|/g)).toEqual(['<https://app.pleo.io/export|']);
  });

  it.each([
    ['resolved', resolvedMessage()],
    ['reminder', reminderMessage()],
    ['incident', incidentMessage(INCIDENTS.credentials, 'alert')],
    ['incident recovered', incidentMessage(INCIDENTS.unreachable, 'resolved')],
    ['digest', DAY],
  ] as const)(
    'does not say a %s may have been received already: the notifier posts each alert once',
    (_kind, message) => {
      expect(allText(renderSlack({ ...message, possibleRedelivery: true }))).toBe(
        allText(renderSlack(message)),
      );
    },
  );

  it.each([
    ['a refused key', incidentMessage(INCIDENTS.credentials, 'alert')],
    ['a key still refused', incidentMessage(INCIDENTS.credentials, 'reminder')],
    ['Pleo reachable again', incidentMessage(INCIDENTS.unreachable, 'resolved')],
    ['a digest', DAY],
  ])('never shows the internal job of %s', (_case, message) => {
    const json = JSON.stringify(renderSlack(message));

    for (const job of message.jobs) expect(json).not.toContain(job.jobId);
    // No job line at all.
    expect(json).not.toContain('• `');
  });
});
