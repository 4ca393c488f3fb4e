// The Slack message of the daily digest: open problems by company, then what was resolved since yesterday.

import type { SlackBlock, SlackMessage } from '../../contracts/slack-message.js';
import type { Alert } from '../../domain/alert.js';
import { digestOf, digestSummary, lineText, mutedLines, type ShownList, shownLines } from '../digest-view.js';
import { headline } from '../headline.js';
import { cap, oneLine, PLEO_EXPORT_URL, plural } from '../text.js';
import { code, context, escapeMrkdwn, header, packSections, SLACK_LIMITS, section } from './mrkdwn.js';
import { fallback, footer } from './parts.js';

/** Problems listed in all: a channel message should stay readable, the email carries more. */
export const SLACK_MAX_DIGEST_LINES = 40;

const STOP =
  `To stop the digest here, whoever runs the alerter can filter this subscription on the message attribute ` +
  `${code('kind')} (anything but ${code('digest')}), or turn the digest off.`;

interface List {
  /** Escaped lines: the heading, then per company its name and its problems. */
  lines: { text: string; isProblem: boolean }[];
  more: number;
  what: string;
}

export function digestSlack(alert: Alert): SlackMessage {
  const digest = digestOf(alert);
  const title = headline(alert);
  const shown = shownLines(digest, SLACK_MAX_DIGEST_LINES);
  const blocks: SlackBlock[] = [header(title), section(escapeMrkdwn(digestSummary(digest)))];
  const lists = [
    ...(digest.open.length > 0 ? [list('Open, by company', shown.open, 'open', alert.detectedAt)] : []),
    ...(digest.resolvedSinceYesterday.length > 0
      ? [list('Resolved since yesterday', shown.resolved, 'resolved', alert.detectedAt)]
      : []),
  ];
  // Blocks for the lists: the link and the footer come after them, a divider between them.
  let room = SLACK_LIMITS.blocks - blocks.length - 2 - Math.max(0, lists.length - 1);
  const notes = [`Day in ${escapeMrkdwn(cap(oneLine(digest.timeZone), 60))} time`];
  for (const [index, each] of lists.entries()) {
    if (index > 0) blocks.push({ type: 'divider' });
    // At least one block stays for each list still to come.
    const { sections, packed } = packSections(
      each.lines.map((line) => line.text),
      room - (lists.length - 1 - index),
    );
    blocks.push(...sections);
    room -= sections.length;
    const unpacked = each.lines.slice(packed).filter((line) => line.isProblem).length;
    const more = each.more + unpacked;
    if (more > 0) notes.push(`… and ${plural(more, `more ${each.what} problem`)} (see the email digest)`);
  }
  const muted = mutedLines(digest);
  // One block at most, and only where the lists left one: the email lists the mutes too.
  if (muted.length > 0 && blocks.length < SLACK_LIMITS.blocks - 2) {
    blocks.push(section(cap(`*Muted*\n${muted.map((line) => `• ${escapeMrkdwn(line)}`).join('\n')}`, 3_000)));
  }
  blocks.push(context(`<${PLEO_EXPORT_URL}|Open the exports in Pleo> · ${STOP}`), footer(alert, notes));

  return { text: fallback(title, digestSummary(digest)), blocks };
}

function list(heading: string, shown: ShownList, what: string, at: string): List {
  const lines = [{ text: `*${heading}*`, isProblem: false }];
  for (const company of shown.companies) {
    lines.push({ text: `*${escapeMrkdwn(company.label)}*`, isProblem: false });
    for (const line of company.lines) {
      lines.push({ text: `• ${escapeMrkdwn(lineText(line, at))}`, isProblem: true });
    }
  }
  return { lines, more: shown.more, what };
}
