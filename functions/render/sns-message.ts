// Builds the one SNS publish that carries a message to every subscriber: text for email, structured JSON for the rest.
import { categoriesOf, isCombined, type Message, reasonsOf } from '../domain/alert.js';
import type { EmailActions } from './email/actions.js';
import { type EmailOptions, renderEmail } from './email/email.js';
import { type ActionOffer, renderSlack } from './slack/slack.js';
import { bytes, fitDigest, fitJobs, publishMessage, sum } from './sns-fit.js';
import { cap, oneLine } from './text.js';

/** SNS's limit for one publish (message, subject and attributes together, UTF-8 bytes). */
export const SNS_MAX_BYTES = 262_144;

export interface SnsMessageAttribute {
  /** `String.Array`: a JSON array of strings; a filter policy matches it when any element matches. */
  DataType: 'String' | 'String.Array';
  StringValue: string;
}

/** What the renderings offer to do about an alert: nothing unless the actions endpoint is deployed. */
export interface RenderOptions {
  /** Buttons in Slack messages (Slack's clicks reach the actions endpoint). */
  slackActions?: ActionOffer | undefined;
  /** Links in emails (they open pages of the actions endpoint). */
  emailActions?: EmailActions | undefined;
  /**
   * The connection a message comes through and its routing hints, as attributes subscribers may filter on
   * (`connection`, `channel`, `team`); none for the stack's own connection.
   */
  routing?: { connection: string; channel?: string | undefined; team?: string | undefined } | undefined;
}

/** The PublishCommand fields an alert sets (TopicArn is the publisher's business). */
export interface SnsMessage {
  Subject: string;
  Message: string;
  MessageStructure: 'json';
  MessageAttributes: Record<string, SnsMessageAttribute>;
}

// Email renderings tried in turn when the job ids (or a digest's lines) do not fit beside the email.
const EMAIL_STEPS: EmailOptions[] = [
  {},
  { maxJobs: 20, maxReasonChars: 200, maxDigestLines: 40 },
  { maxJobs: 5, maxReasonChars: 100, maxDigestLines: 10 },
];
// A combined message lists at most 10 jobs a section; with many sections, what each section says must fit too:
// first the jobs go from the email, then job ids from the structured copy (COMBINED_DROP_FROM), then sections are
// only listed by name.
const COMBINED_EMAIL_STEPS: EmailOptions[] = [
  {},
  { maxJobs: 3, maxReasonChars: 200 },
  { maxJobs: 0 },
  { maxJobs: 0, maxSections: 20 },
  { maxJobs: 0, maxSections: 0 },
];
const COMBINED_DROP_FROM = 2;
// Room for digit-count drift between the size estimate and the final message (dropped counts, commas).
const SAFETY_BYTES = 256;

/**
 * One publish for every subscriber. `Message` maps `default` and `email` to the readable text, and `lambda`,
 * `sqs` and `https` to the structured JSON. Always fits SNS_MAX_BYTES: failure texts are cut first, then late jobs
 * are reduced to their ids in `overflow`, then the email lists fewer jobs. Grouping already splits a group into
 * parts of MAX_JOBS_PER_ALERT jobs, whose ids always fit; ids are dropped (and counted) only past that. A digest's
 * readers come first: its structured copy keeps the lines that fit beside the email and Slack renderings, and
 * counts the rest in `overflow.droppedDigestLines`; when not even those renderings fit (long company names in a
 * script of several bytes a letter), the email lists fewer lines.
 */
export function buildSnsMessage(message: Message, options: RenderOptions = {}): SnsMessage {
  const slack = renderSlack(message, options.slackActions);
  const MessageAttributes = attributes(message, options.routing);
  const steps = isCombined(message) ? COMBINED_EMAIL_STEPS : EMAIL_STEPS;
  const dropFrom = isCombined(message) ? COMBINED_DROP_FROM : EMAIL_STEPS.length - 1;
  for (const [index, step] of steps.entries()) {
    const rendered = { email: renderEmail(message, step, options.emailActions), slack };
    const budget = SNS_MAX_BYTES - envelopeBytes(rendered.email.subject, MessageAttributes) - SAFETY_BYTES;
    const digest = fitDigest(message, rendered, budget);
    const fit = digest && fitJobs(digest, rendered, budget, index >= dropFrom);
    if (fit) {
      return {
        Subject: rendered.email.subject,
        Message: publishMessage(fit, rendered),
        MessageStructure: 'json',
        MessageAttributes,
      };
    }
  }
  // Only an alert whose own fields (company name, ids) run to hundreds of kilobytes gets here.
  throw new Error(
    `Alert ${cap(oneLine(message.alertId), 100)} is too large for one SNS message even without its jobs`,
  );
}

function envelopeBytes(subject: string, attrs: Record<string, SnsMessageAttribute>): number {
  return (
    bytes(subject) +
    sum(
      Object.entries(attrs).map(
        ([name, attr]) => bytes(name) + bytes(attr.DataType) + bytes(attr.StringValue),
      ),
    )
  );
}

/**
 * Attributes subscribers can filter on; SNS rejects empty values, so empty ones are left out. `reason` and `category`
 * hold every value of the message, a combined one's too, as `String.Array`. Single messages send them as arrays as
 * well: a filter policy matches an array when any element matches, so `{"category": ["accountant"]}` (or
 * anything-but, prefix) selects a one-element array exactly as it selects the string, and a subscriber that reads
 * the attributes (an SQS queue with raw delivery, a Lambda) finds one type per attribute, whatever the message.
 */
function attributes(
  message: Message,
  routing: RenderOptions['routing'],
): Record<string, SnsMessageAttribute> {
  const result: Record<string, SnsMessageAttribute> = {};
  const clean = (value: string | null) => (value === null ? '' : cap(oneLine(value), 256));
  const one = (name: string, value: string | null) => {
    const text = clean(value);
    if (text) result[name] = { DataType: 'String', StringValue: text };
  };
  const many = (name: string, values: readonly string[]) => {
    const texts = values.map(clean).filter(Boolean);
    if (texts.length > 0) result[name] = { DataType: 'String.Array', StringValue: JSON.stringify(texts) };
  };
  one('company', message.companyId);
  one('companyName', message.companyName);
  many('reason', reasonsOf(message));
  many('category', categoriesOf(message));
  one('kind', message.kind);
  one('alertId', message.alertId);
  one('connection', routing?.connection ?? null);
  one('channel', routing?.channel ?? null);
  one('team', routing?.team ?? null);
  return result;
}
