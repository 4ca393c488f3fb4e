// The Slack message of a combined message: the whole first, then a section per reason with what the single message
// says, as much of it as Block Kit's limits allow; sections that do not fit are counted and linked, never dropped
// without a word.
import type { SlackBlock, SlackMessage } from '../../contracts/slack-message.js';
import type { Alert, CombinedAlert } from '../../domain/alert.js';
import { describeReason } from '../../domain/reasons.js';
import {
  CURRENT_STATE_HEADING,
  combinedHeadline,
  combinedIntro,
  headlineWith,
  sectionLine,
  totalsParts,
} from '../combined-view.js';
import {
  cap,
  capitalise,
  companyLabel,
  PLEO_EXPORT_URL,
  plural,
  RESOLVED_WHAT_TO_DO,
  unlistedJobs,
} from '../text.js';
import { type ActionOffer, actionBlocks } from './actions.js';
import { advice, groupFields, jobLine } from './failure.js';
import {
  code,
  escapeMrkdwn,
  field,
  header,
  packSections,
  SLACK_LIMITS,
  section,
  textLength,
} from './mrkdwn.js';
import { fallback, footer } from './parts.js';

/** Jobs a section lists when everything fits: the email lists more, the structured copy all. */
const JOBS_PER_SECTION = 3;

/** How much of each section is shown, when each gets a block: all it says, or what to do without the jobs. */
type Detail = 'full' | 'brief';

export function combinedSlack(message: CombinedAlert, offer?: ActionOffer): SlackMessage {
  const parts = combinedHeadline(message);
  const company = companyLabel(message);
  const title = headlineWith(parts, company);
  const resolved = message.kind === 'resolved';
  const heading = message.combined === 'current-state' ? `*${CURRENT_STATE_HEADING}*\n` : '';
  const head: SlackBlock[] = [
    header(resolved ? `✅ ${title}` : title),
    section(
      `${heading}${escapeMrkdwn(combinedIntro(message))}\n<${PLEO_EXPORT_URL}|Open the exports in Pleo>`,
      [field('Company', escapeMrkdwn(company)), field('In total', totalsParts(message).join(' · '))],
    ),
    { type: 'divider' },
  ];
  // The footer is made last, with its notes; a generous stand-in reserves its room.
  const footerRoom = 400;
  const blockRoom = SLACK_LIMITS.blocks - head.length - 1;
  const textRoom = SLACK_LIMITS.messageText - textLength(head) - footerRoom;

  const { blocks, shown } = sectionBlocks(message, offer, blockRoom, textRoom);
  const notes: string[] = [];
  const more = message.sections.length - shown;
  if (more > 0) {
    notes.push(
      `… and ${plural(more, 'more problem')}: see the email, or <${PLEO_EXPORT_URL}|open the exports in Pleo>`,
    );
  }
  const next = resolved
    ? RESOLVED_WHAT_TO_DO
    : 'Each problem is in the message, with who acts and what to do.';
  return { text: fallback(title, next), blocks: [...head, ...blocks, footer(message, notes)] };
}

/**
 * The richest rendering of the sections that fits, and how many sections it shows (the first ones): each with its
 * buttons while they fit, then without (the email's links and the command line still act).
 */
function sectionBlocks(
  message: CombinedAlert,
  offer: ActionOffer | undefined,
  blockRoom: number,
  textRoom: number,
): { blocks: SlackBlock[]; shown: number } {
  const { sections } = message;
  const tries: Array<[Detail, ActionOffer | undefined]> = [
    ['full', offer],
    ['brief', offer],
    ['brief', undefined],
  ];
  for (const [detail, buttons] of tries) {
    const blocks = sections.flatMap((alert, index) => [
      sectionBlock(alert, index + 1, detail),
      ...actionBlocks(alert, message.alertId, buttons, index),
    ]);
    if (blocks.length <= blockRoom && textLength(blocks) <= textRoom)
      return { blocks, shown: sections.length };
  }
  // One line each, packed into few blocks, as many as the text allows.
  const lines: string[] = [];
  let used = 0;
  for (const [index, alert] of sections.entries()) {
    const line = lineOf(alert, index + 1);
    if (used + line.length + 1 > textRoom) break;
    used += line.length + 1;
    lines.push(line);
  }
  const { sections: blocks, packed } = packSections(lines, blockRoom);
  return { blocks, shown: packed };
}

function sectionBlock(alert: Alert, number: number, detail: Detail): SlackBlock {
  const info = describeReason(alert.reason);
  const title = `*${number}. ${escapeMrkdwn(capitalise(info.title))}* (${code(cap(alert.reason, 100))})`;
  const text =
    detail === 'full'
      ? [title, advice(alert, info), ...jobLines(alert)]
      : [
          title,
          `*What to do*\n${escapeMrkdwn(alert.kind === 'resolved' ? RESOLVED_WHAT_TO_DO : info.whatToDo)}`,
        ];
  return section(text.join('\n'), groupFields(alert, info));
}

/** The newest jobs, and how many more there are. */
function jobLines(alert: Alert): string[] {
  const shown = alert.jobs.slice(0, JOBS_PER_SECTION);
  const more = unlistedJobs(alert, shown.length);
  return [...shown.map(jobLine), ...(more > 0 ? [`… and ${plural(more, 'more job')}`] : [])];
}

/** '• *2. Missing configuration: 3 failed exports*': the section in one line. */
function lineOf(alert: Alert, number: number): string {
  return cap(`• *${number}. ${escapeMrkdwn(sectionLine(alert))}*`, SLACK_LIMITS.sectionText);
}
