// The subset of Slack Block Kit the alert messages use, as a schema: messages read back from SNS are checked with it.
import * as z from 'zod/mini';

const plainText = z.object({
  type: z.literal('plain_text'),
  text: z.string().check(z.minLength(1)),
  emoji: z.optional(z.boolean()),
});
const mrkdwnText = z.object({
  type: z.literal('mrkdwn'),
  text: z.string().check(z.minLength(1)),
  verbatim: z.optional(z.boolean()),
});

/** A button that acts on the alert (functions/contracts/action-button.ts): no URL, nothing but what Slack sends back. */
const button = z.object({
  type: z.literal('button'),
  action_id: z.string().check(z.minLength(1), z.maxLength(255)),
  text: plainText,
  value: z.string().check(z.maxLength(2000)),
  style: z.optional(z.enum(['primary', 'danger'])),
  /** Slack asks the reader this before it sends the click. */
  confirm: z.optional(z.object({ title: plainText, text: plainText, confirm: plainText, deny: plainText })),
});

export const slackBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), text: plainText }),
  z.object({
    type: z.literal('section'),
    text: z.optional(mrkdwnText),
    fields: z.optional(z.array(mrkdwnText)),
  }),
  z.object({ type: z.literal('context'), elements: z.array(mrkdwnText) }),
  z.object({ type: z.literal('divider') }),
  z.object({
    type: z.literal('actions'),
    block_id: z.string().check(z.minLength(1), z.maxLength(255)),
    elements: z.array(button).check(z.minLength(1), z.maxLength(25)),
  }),
]);

export type MrkdwnText = z.infer<typeof mrkdwnText>;
export type SlackBlock = z.infer<typeof slackBlockSchema>;
export type SlackButton = z.infer<typeof button>;

export const slackMessageSchema = z.object({ text: z.string(), blocks: z.array(slackBlockSchema) });

/** What an incoming webhook is given: `text` is the notification fallback, `blocks` the message itself. */
export type SlackMessage = z.infer<typeof slackMessageSchema>;
