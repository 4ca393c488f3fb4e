// Slack text made safe and bounded: escaping untrusted text for mrkdwn and plain_text, and packing lines into
// section blocks within Block Kit's limits.
import type { MrkdwnText, SlackBlock } from '../../contracts/slack-message.js';
import { cap, oneLine } from '../text.js';

/** Block Kit limits (docs.slack.dev, Block Kit reference: blocks, text objects, section fields). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  /**
   * All the text of one message: undocumented. Slack refuses messages near 13,200 characters of blocks with
   * `msg_blocks_too_long` (slackapi/bolt-js#2509; #2867 saw a refusal at 11,341 characters of text), so a message
   * that could grow with its content keeps under this.
   */
  messageText: 11_000,
} as const;

// mrkdwn has no escape character for its formatting marks, so untrusted text gets look-alikes instead.
const LOOKALIKES: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

// `@here`-style words: a word joiner after the `@` keeps them from ever becoming a broadcast.
const BROADCAST = /@(?=(?:channel|here|everyone)\b)/giu;

/** `&`, `<`, `>` as entities, so `<!channel>`, `<@U123>` and `<https://evil|click>` cannot ping or link. */
function entities(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Untrusted text made inert for mrkdwn: one line; `&`, `<`, `>` as entities; formatting marks as look-alikes;
 * `@here`-style words broken.
 */
export function escapeMrkdwn(text: string): string {
  return entities(text)
    .replace(/[*_~`]/g, (mark) => LOOKALIKES[mark] ?? mark)
    .replace(BROADCAST, '@\u2060');
}

/**
 * Untrusted text as inline code (ids, codes, statuses): Slack formats nothing inside it, so underscores and
 * asterisks show as typed; only backticks, which would end it, become look-alikes.
 */
export function code(text: string): string {
  return `\`${entities(text).replace(/`/g, 'ˋ').replace(BROADCAST, '@\u2060')}\``;
}

/** plain_text is never parsed for mentions or links; angle brackets still get look-alikes, as belt and braces. */
export function plain(text: string): string {
  return oneLine(text).replace(/</g, '‹').replace(/>/g, '›').replace(BROADCAST, '@\u2060');
}

// verbatim: Slack must not auto-link or auto-mention anything in these texts.
export const mrkdwn = (text: string): MrkdwnText => ({ type: 'mrkdwn', text, verbatim: true });

/** A header block of untrusted text. */
export function header(text: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: cap(plain(text), SLACK_LIMITS.headerText), emoji: false },
  };
}

/** A section field: bold label, then the (already escaped) value. */
export function field(label: string, value: string): MrkdwnText {
  return mrkdwn(cap(`*${label}*\n${value}`, SLACK_LIMITS.fieldText));
}

/** A section of (already escaped) text, and fields beside it when given. */
export function section(text: string, fields?: MrkdwnText[]): SlackBlock {
  return { type: 'section', text: mrkdwn(cap(text, SLACK_LIMITS.sectionText)), ...(fields && { fields }) };
}

export function context(text: string): SlackBlock {
  return { type: 'context', elements: [mrkdwn(cap(text, SLACK_LIMITS.sectionText))] };
}

/** Characters of text in the blocks, as Slack counts them toward its limit for a whole message. */
export function textLength(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'header') total += block.text.text.length;
    if (block.type === 'section') {
      total += block.text?.text.length ?? 0;
      for (const each of block.fields ?? []) total += each.text.length;
    }
    if (block.type === 'context') for (const element of block.elements) total += element.text.length;
  }
  return total;
}

/**
 * Packs (already escaped) lines into section blocks of at most 3000 characters, in order, using at most
 * `maxBlocks` blocks; `packed` says how many lines made it.
 */
export function packSections(
  lines: readonly string[],
  maxBlocks: number,
): { sections: SlackBlock[]; packed: number } {
  const texts: string[] = [];
  let packed = 0;
  for (const raw of lines) {
    const line = cap(raw, SLACK_LIMITS.sectionText);
    const last = texts.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= SLACK_LIMITS.sectionText) {
      texts[texts.length - 1] = `${last}\n${line}`;
    } else if (texts.length < maxBlocks) {
      texts.push(line);
    } else {
      break;
    }
    packed += 1;
  }
  return { sections: texts.map((text) => section(text)), packed };
}
