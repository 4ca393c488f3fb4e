// Renders an alert as a Slack Block Kit message, within Slack's limits and with untrusted text made inert.
import type { Alert, AlertJob } from '../domain/alert.js';
import { describeReason } from '../domain/reasons.js';
import type { MrkdwnText, SlackBlock, SlackMessage } from './slack-blocks.js';
import {
  cap,
  companyLabel,
  formatCount,
  formatUtc,
  headline,
  oneLine,
  PLEO_EXPORT_URL,
  plural,
  snippet,
} from './text.js';

/** Block Kit limits (docs.slack.dev, Block Kit reference: blocks, text objects, section fields). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
} as const;

/** Jobs listed in full; a channel message should stay readable, the email carries more. */
export const SLACK_MAX_JOBS = 20;
const MAX_REASON_CHARS = 300;
const MAX_FALLBACK_CHARS = 500;

// mrkdwn has no escape character for its formatting marks, so untrusted text gets look-alikes instead.
const LOOKALIKES: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

/**
 * Untrusted text made inert for mrkdwn: one line; `&`, `<`, `>` as entities (so `<!channel>`, `<@U123>` and
 * `<https://evil|click>` cannot ping or link); formatting marks as look-alikes; `@here`-style words broken.
 */
export function escapeMrkdwn(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (mark) => LOOKALIKES[mark] ?? mark)
    .replace(BROADCAST, '@\u2060');
}

// `@here`-style words: a word joiner after the `@` keeps them from ever becoming a broadcast.
const BROADCAST = /@(?=(?:channel|here|everyone)\b)/giu;

/** Untrusted text as inline code (ids, reason codes): formatting inside code is off, only backticks must go. */
function code(text: string): string {
  const inner = oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, 'ˋ')
    .replace(BROADCAST, '@\u2060');
  return `\`${inner}\``;
}

/** plain_text is never parsed for mentions or links; angle brackets still get look-alikes, as belt and braces. */
function plain(text: string): string {
  return oneLine(text).replace(/</g, '‹').replace(/>/g, '›').replace(BROADCAST, '@\u2060');
}

// verbatim: Slack must not auto-link or auto-mention anything in these texts.
const mrkdwn = (text: string): MrkdwnText => ({ type: 'mrkdwn', text, verbatim: true });

/** Pure: the same alert always renders to the same message. */
export function renderSlack(alert: Alert): SlackMessage {
  const info = describeReason(alert.reason);
  const company = companyLabel(alert);
  const title = `${headline(alert, info.title)} (${company})`;
  const resolved = alert.kind === 'resolved';

  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cap(plain(title), SLACK_LIMITS.headerText), emoji: false },
    },
    {
      type: 'section',
      fields: [
        field('Company', escapeMrkdwn(company)),
        field('Problem', `${escapeMrkdwn(info.title)} (${code(cap(alert.reason, 100))})`),
        ...(resolved ? [] : [field('Who acts', escapeMrkdwn(info.whoActs))]),
        ...(alert.totals.jobs > 0 ? [field('Exports', totalsText(alert))] : []),
      ],
    },
  ];
  if (alert.possibleRedelivery) {
    blocks.push({ type: 'context', elements: [mrkdwn('You may have received this alert already.')] });
  }
  const advice = resolved
    ? `*What happened*\n${escapeMrkdwn(info.explanation)} No action is needed.`
    : `*What happened*\n${escapeMrkdwn(info.explanation)}\n*What to do*\n${escapeMrkdwn(info.whatToDo)}`;
  blocks.push({
    type: 'section',
    text: mrkdwn(cap(`${advice}\n<${PLEO_EXPORT_URL}|Open the exports in Pleo>`, SLACK_LIMITS.sectionText)),
  });

  const footer = [`Detected ${formatUtc(alert.detectedAt)}`, `alert ${code(cap(alert.alertId, 100))}`];
  if (alert.jobs.length > 0) {
    blocks.push({ type: 'divider' });
    // Keep room for the footer block.
    const { sections, listed } = jobSections(alert.jobs, SLACK_LIMITS.blocks - blocks.length - 1);
    blocks.push(...sections);
    const more = alert.jobs.length - listed;
    if (more > 0) footer.unshift(`… and ${plural(more, 'more job')}`);
  }
  blocks.push({ type: 'context', elements: [mrkdwn(footer.join(' · '))] });

  const fallback = `${escapeMrkdwn(title)}. ${escapeMrkdwn(resolved ? 'No action is needed.' : info.whatToDo)}`;
  return { text: cap(fallback, MAX_FALLBACK_CHARS), blocks };
}

function field(label: string, value: string): MrkdwnText {
  return mrkdwn(cap(`*${label}*\n${value}`, SLACK_LIMITS.fieldText));
}

function totalsText(alert: Alert): string {
  const { jobs, items, failedItems } = alert.totals;
  return `${plural(jobs, 'export')} · ${plural(items, 'expense')} · ${formatCount(failedItems)} failed`;
}

function jobLine(job: AlertJob): string {
  const items =
    job.failedItems === null
      ? plural(job.numberOfItems, 'expense')
      : `${plural(job.numberOfItems, 'expense')}, ${formatCount(job.failedItems)} failed`;
  const head = `• ${code(cap(job.jobId, 100))} · ${formatUtc(job.createdAt)} · ${escapeMrkdwn(cap(job.status, 40))} · ${items}`;
  const reason = job.failureReason === null ? '' : snippet(job.failureReason, MAX_REASON_CHARS);
  return reason ? `${head}\n      ${escapeMrkdwn(reason)}` : head;
}

/** Packs job lines into section blocks of at most 3000 characters, using at most `maxBlocks` blocks. */
function jobSections(jobs: AlertJob[], maxBlocks: number): { sections: SlackBlock[]; listed: number } {
  const texts: string[] = [];
  let listed = 0;
  for (const job of jobs.slice(0, SLACK_MAX_JOBS)) {
    const line = cap(jobLine(job), SLACK_LIMITS.sectionText);
    const last = texts.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= SLACK_LIMITS.sectionText) {
      texts[texts.length - 1] = `${last}\n${line}`;
    } else if (texts.length < maxBlocks) {
      texts.push(line);
    } else {
      break;
    }
    listed += 1;
  }
  return { sections: texts.map((text) => ({ type: 'section', text: mrkdwn(text) })), listed };
}
