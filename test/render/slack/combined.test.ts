import { describe, expect, it } from 'vitest';
import { foreignMarkup } from '../../../functions/render/slack/foreign-markup.js';
import { textLength } from '../../../functions/render/slack/mrkdwn.js';
import { renderSlack, SLACK_LIMITS } from '../../../functions/render/slack/slack.js';
import { RESOLVED_WHAT_TO_DO } from '../../../functions/render/text.js';
import { type CombinedOptions, combinedMessage } from '../alert-fixtures.js';
import { expectWithinLimits, texts } from './assertions.js';

const HOSTILE = '<!channel> <https://evil.example|click> <@U024BE7LH> *bold* `code` @here';
const LONG_TEXT = 'The accounting system rejected the entry: account 4000 "Sales" is inactive. '.repeat(40);

/** Section numbers shown ('*12. ') and the count of those left out ('… and 3 more problems'). */
function shownAndCounted(blocks: ReturnType<typeof renderSlack>['blocks']): {
  shown: number[];
  counted: number;
} {
  const all = texts(blocks).join('\n');
  const shown = [...all.matchAll(/\*(\d+)\. /g)].map((match) => Number(match[1]));
  const counted = Number(all.match(/… and (\d+) more problems?/)?.[1] ?? 0);
  return { shown, counted };
}

describe('renderSlack of a combined message', () => {
  it('shows each reason with who acts, what to do, the exports and its newest jobs when there is room', () => {
    // Prepare
    const message = combinedMessage(4, { jobsEach: 5 });

    // Act
    const { text, blocks } = renderSlack(message);

    // Assess
    const all = texts(blocks);
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Acme ApS: 4 export problems (20 failed exports)', emoji: false },
    });
    expect(all).toContain('*In total*\n20 exports · 240 expenses · 60 failed expenses');
    expect(all.join('\n')).toContain(
      '*2. Missing configuration* (`missing_configuration`)\n*What happened*\n',
    );
    expect(all.filter((t) => t.startsWith('*Who acts*\n'))).toHaveLength(4);
    expect(
      all.filter((t) => t === '*Exports*\n5 exports · 60 expenses · 15 failed for this reason'),
    ).toHaveLength(4);
    expect(all.join('\n').match(/… and 2 more jobs/g)).toHaveLength(4);
    expect(shownAndCounted(blocks)).toEqual({ shown: [1, 2, 3, 4], counted: 0 });
    expect(text).toBe(
      'Acme ApS: 4 export problems (20 failed exports). Each problem is in the message, with who acts and what to do.',
    );
    expectWithinLimits(message);
  });

  it.each<[string, number, CombinedOptions]>([
    ['4 reasons with long texts', 4, { jobsEach: 50, job: { failureReason: LONG_TEXT } }],
    ['12 reasons', 12, {}],
    ['40 reasons', 40, {}],
    ['40 reasons of reminders', 40, { kind: 'reminder' }],
    ['40 reasons of resolved notices', 40, { kind: 'resolved' }],
    ['40 reasons found by a first poll', 40, { currentState: true }],
    ['40 reasons with long texts', 40, { jobsEach: 20, job: { failureReason: LONG_TEXT } }],
    ['120 reasons', 120, {}],
  ])('keeps %s within Block Kit, every reason shown or counted', (_case, reasons, options) => {
    // Prepare
    const message = combinedMessage(reasons, options);

    // Act
    const { blocks } = renderSlack(message);

    // Assess
    expectWithinLimits(message);
    expect(textLength(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const { shown, counted } = shownAndCounted(blocks);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, index) => index + 1));
    expect(shown.length + counted).toBe(reasons);
  });

  it('shows all 40 reasons of one company, a line each', () => {
    const { blocks } = renderSlack(combinedMessage(40));

    const { shown, counted } = shownAndCounted(blocks);
    expect([shown.length, counted]).toEqual([40, 0]);
    expect(texts(blocks).join('\n')).toMatch(/\n• \*\d+\. Missing configuration: 2 failed exports\*\n/);
  });

  it('keeps reasons with long codes within the text a message may have', () => {
    // Prepare: codes Pleo might add, as long as a reason is shown
    const message = combinedMessage(46);
    const long = {
      ...message,
      sections: message.sections.map((section) => ({
        ...section,
        reason: `${section.reason}_${'x'.repeat(120)}`,
      })),
    };

    // Act
    const { blocks } = renderSlack(long);

    // Assess
    expectWithinLimits(long);
    expect(textLength(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const { shown, counted } = shownAndCounted(blocks);
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.length + counted).toBe(46);
  });

  it('counts the reasons that do not fit and links to Pleo', () => {
    const { blocks } = renderSlack(combinedMessage(400));

    const footer = blocks.at(-1);
    expect(footer?.type).toBe('context');
    expect(texts(footer ? [footer] : [])[0]).toMatch(
      /^… and \d+ more problems: see the email, or <https:\/\/app\.pleo\.io\/export\|open the exports in Pleo> · /,
    );
  });

  it.each<[string, CombinedOptions, string, RegExp]>([
    [
      'the state a first poll found',
      { currentState: true },
      'Acme ApS: 3 export problems open when watching began (6 failed exports)',
      /^\*Open export problems when watching began\*\n/,
    ],
    [
      'reminders',
      { kind: 'reminder' },
      'Reminder for Acme ApS: 3 export problems still open (6 failed exports)',
      /^Reminder: 3 export problems of Acme ApS are still not fixed/,
    ],
    ['resolved notices', { kind: 'resolved' }, '✅ Resolved for Acme ApS: 3 export problems', /look fixed/],
  ])('heads %s as such', (_case, options, title, intro) => {
    const { blocks } = renderSlack(combinedMessage(3, options));

    expect(texts(blocks)[0]).toBe(title);
    expect(texts(blocks)[1]).toMatch(intro);
  });

  it('asks to check the expenses went out, not who acts, in resolved notices', () => {
    const all = texts(renderSlack(combinedMessage(3, { kind: 'resolved' })).blocks).join('\n');

    expect(all).toContain(RESOLVED_WHAT_TO_DO);
    expect(all).not.toContain('*Who acts*');
    expect(all.match(/\*Resolved\*\n/g)).toHaveLength(3);
  });

  it.each<[string, number, CombinedOptions]>([
    [
      'a hostile company name and Pleo text, every reason in full',
      4,
      { companyName: HOSTILE, job: { failureReason: HOSTILE } },
    ],
    ['a hostile company name, a line per reason', 40, { companyName: HOSTILE }],
    ['reasons counted for want of room', 400, { companyName: HOSTILE }],
  ])('renders %s with nothing the Slack notifier would refuse', (_case, reasons, options) => {
    const message = combinedMessage(reasons, options);
    const hostileCodes = {
      ...message,
      sections: message.sections.map((section) => ({ ...section, reason: `${section.reason} ${HOSTILE}` })),
    };

    expect(foreignMarkup(renderSlack(message))).toEqual([]);
    expect(foreignMarkup(renderSlack(hostileCodes))).toEqual([]);
  });
});
