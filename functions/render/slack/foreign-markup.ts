// What the Slack notifier refuses to post: markup the renderers never write (escapeMrkdwn, mrkdwn, the Pleo link).
import type { SlackMessage } from '../../contracts/slack-message.js';
import { PLEO_EXPORT_URL } from '../text.js';

// Slack's control sequences in mrkdwn: <url|text> links, <!channel> broadcasts, <@U123> mentions.
const CONTROL = /<[^>]*>/g;
const OUR_LINK = `<${PLEO_EXPORT_URL}|`;

/**
 * What in a Slack message the renderers never write, so a message carrying it did not come from them: a link
 * other than to Pleo's exports, a mention or broadcast, or mrkdwn that Slack would auto-link (not verbatim).
 * Empty for every message the renderers make.
 */
export function foreignMarkup(message: SlackMessage): string[] {
  const texts = message.blocks.flatMap((block) => {
    if (block.type === 'section') return [...(block.text ? [block.text] : []), ...(block.fields ?? [])];
    return block.type === 'context' ? block.elements : [];
  });
  const problems: string[] = [];
  if (texts.some((text) => text.verbatim !== true)) problems.push('mrkdwn that Slack would auto-link');
  const controls = [message.text, ...texts.map((text) => text.text)].flatMap(
    (text) => text.match(CONTROL) ?? [],
  );
  const foreign = controls.filter((control) => !control.startsWith(OUR_LINK)).length;
  if (foreign > 0) problems.push(`${foreign} link(s) or mention(s) other than to Pleo's exports`);
  return problems;
}
