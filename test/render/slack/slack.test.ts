import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, renderSlack } from '../../../functions/render/slack/slack.js';
import { RESOLVED_WHAT_TO_DO } from '../../../functions/render/text.js';
import { makeAlert, makeJob } from '../alert-fixtures.js';
import { expectWithinLimits, texts } from './assertions.js';

const HOSTILE =
  '<!channel> <!here> <@U024BE7LH> <#C123> <https://evil.example|click> & *bold* _it_ ~s~ `code` @here';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['&lt; already', '&amp;lt; already'],
    ['*bold* _it_ ~s~ `c`', '∗bold∗ ˍitˍ ∼s∼ ˋcˋ'],
    ['ping @here and @channel', 'ping @\u2060here and @\u2060channel'],
    ['two\nlines\u0000', 'two lines'],
  ])('makes %j inert', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe('renderSlack', () => {
  it('renders a header, the problem, what to do, the jobs and a link to Pleo', () => {
    const { text, blocks } = renderSlack(makeAlert());
    const all = texts(blocks).join('\n');

    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '3 failed exports: missing configuration (Acme ApS)', emoji: false },
    });
    expect(all).toContain('*Company*\nAcme ApS');
    expect(all).toContain('*Problem*\nmissing configuration (`missing_configuration`)');
    expect(all).toContain('*Who acts*\nThe accountant');
    expect(all).toContain('*Exports*\n3 exports · 36 expenses · 9 failed for this reason');
    expect(all).toMatch(/\*What to do\*\nCheck the accounts, tax codes/);
    expect(all).toContain('<https://app.pleo.io/export|Open the exports in Pleo>');
    expect(all).toContain(
      '• `0f8fad5b-d9cb-469f-a165-000000000002` · 2024-05-01 09:28 UTC · failed · 12 expenses, 3 failed\n' +
        '      Account 4000 is inactive in the chart of accounts',
    );
    expect(text).toMatch(/^3 failed exports: missing configuration \(Acme ApS\)\. Check the accounts/);
  });

  it.each([
    {
      jobs: [makeJob(0, { status: 'completed_with_errors', failedItems: null, failureReason: null })],
      says: '*Exports*\n1 export · 12 expenses · Pleo did not say how many failed',
    },
    {
      jobs: [
        makeJob(0, { status: 'completed_with_errors', failedItems: null }),
        makeJob(1, { failedItems: 12 }),
      ],
      says: '*Exports*\n2 exports · 24 expenses · at least 12 failed for this reason',
    },
  ])('does not count as 0 the failed expenses of an export Pleo did not list ($says)', ({ jobs, says }) => {
    expect(texts(renderSlack(makeAlert({ jobs })).blocks).join('\n')).toContain(says);
  });

  it('marks every mrkdwn text verbatim so Slack does not auto-link or auto-mention', () => {
    const { blocks } = renderSlack(makeAlert());
    const mrkdwn = blocks.flatMap((b) =>
      b.type === 'section'
        ? [...(b.text ? [b.text] : []), ...(b.fields ?? [])]
        : b.type === 'context'
          ? b.elements
          : [],
    );

    expect(mrkdwn.length).toBeGreaterThan(0);
    for (const t of mrkdwn) expect(t.verbatim).toBe(true);
  });

  it.each([
    ['failure text', makeAlert({ jobs: [makeJob(0, { failureReason: HOSTILE })] })],
    ['company name', makeAlert({ companyName: HOSTILE })],
    ['reason code', makeAlert({ reason: HOSTILE, category: 'unknown' })],
    ['job id and status', makeAlert({ jobs: [makeJob(0, { jobId: HOSTILE, status: HOSTILE })] })],
    ['alert id', makeAlert({ alertId: HOSTILE })],
  ])('cannot be made to ping, mention or link through the %s', (_where, alert) => {
    const message = renderSlack(alert);
    const json = JSON.stringify(message);

    for (const raw of [
      '<!channel>',
      '<!here>',
      '<@U024BE7LH>',
      '<#C123>',
      '<https://evil.example|click>',
      '@here',
    ]) {
      expect(json).not.toContain(raw);
    }
    // Formatting marks stay literal: look-alikes in free mrkdwn text (code spans and plain_text show them as typed).
    const freeText =
      texts(message.blocks.slice(1))
        .join('\n')
        .replace(/`[^`]*`/g, '') + message.text;
    expect(freeText).not.toContain('*bold*');
    // The only link left is the one to Pleo.
    expect(
      texts(message.blocks)
        .join('\n')
        .match(/<[^ ]*\|/g),
    ).toEqual(['<https://app.pleo.io/export|']);
  });

  it.each([
    ['one job', makeAlert({}, 1)],
    ['twenty jobs with long texts', makeAlert({}, 20, { failureReason: 'w'.repeat(10_000) })],
    [
      'texts full of characters that escape to entities',
      makeAlert({}, 60, { failureReason: '<&>'.repeat(5000) }),
    ],
    ['5,000 jobs', makeAlert({}, 5000, { failureReason: 'Account missing. '.repeat(100) })],
    ['a huge company name', makeAlert({ companyName: '&'.repeat(10_000) })],
    ['a huge unknown reason', makeAlert({ reason: '<'.repeat(10_000), category: 'unknown' })],
    ['no jobs', makeAlert({ reason: 'pleo_api_unreachable', category: 'integration' }, 0)],
    ['a redelivered reminder', makeAlert({ kind: 'reminder', possibleRedelivery: true }, 200)],
  ])("stays within Slack's limits for %s", (_case, alert) => {
    expectWithinLimits(alert);
  });

  it('cuts a large group and says how many jobs are not shown', () => {
    const { blocks } = renderSlack(makeAlert({}, 5000));
    const all = texts(blocks).join('\n');

    expect(all.match(/^• /gm)).toHaveLength(20);
    expect(all).toContain('… and 4,980 more jobs');
  });

  it.each([
    ['completed_with_errors', 'completed, some expenses failed'],
    ['failed', 'failed'],
    ['odd`status*', '`oddˋstatus*`'],
  ])('shows the job status %j as %j: in words, or one it does not know as inline code', (status, shown) => {
    const all = texts(renderSlack(makeAlert({}, 1, { status })).blocks).join('\n');

    expect(all).toContain(` · ${shown} · `);
    expect(all).not.toContain('ˍ');
  });

  it('names the other reasons of an export that failed for several, escaped', () => {
    const all = texts(
      renderSlack(makeAlert({}, 1, { alsoFailedFor: ['receipt_file_size_limit_exceeded', '*bold*'] })).blocks,
    ).join('\n');

    expect(all).toMatch(/\n {6}Also failed for: receipt too large, unrecognised reason "\S*bold\S*"/);
    expect(all).not.toContain(' *bold* ');
  });

  it('renders a possible redelivery as the alert itself: the notifier posts each alert id once', () => {
    expect(renderSlack(makeAlert({ possibleRedelivery: true }))).toEqual(renderSlack(makeAlert()));
  });

  it('asks to check that the failed expenses went out once resolved', () => {
    const { text, blocks } = renderSlack(makeAlert({ kind: 'resolved' }));
    const all = texts(blocks).join('\n');

    expect(blocks[0]).toMatchObject({ text: { text: '✅ Resolved: missing configuration (Acme ApS)' } });
    expect(all).toContain(`*What to do*\n${RESOLVED_WHAT_TO_DO}`);
    expect(all).not.toContain('No action is needed');
    expect(text).toContain(RESOLVED_WHAT_TO_DO);
  });
});
