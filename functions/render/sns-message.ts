// Builds the one SNS publish that carries a message to every subscriber: text for email, structured JSON for the rest.
import type { Alert } from '../domain/alert.js';
import { type EmailOptions, renderEmail } from './email/email.js';
import { renderSlack } from './slack/slack.js';
import { bytes, fitDigest, fitJobs, publishMessage, sum } from './sns-fit.js';
import { cap, oneLine } from './text.js';

/** SNS's limit for one publish (message, subject and attributes together, UTF-8 bytes). */
export const SNS_MAX_BYTES = 262_144;

export interface SnsMessageAttribute {
  DataType: 'String';
  StringValue: string;
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
export function buildSnsMessage(alert: Alert): SnsMessage {
  const slack = renderSlack(alert);
  const MessageAttributes = attributes(alert);
  for (const step of EMAIL_STEPS) {
    const rendered = { email: renderEmail(alert, step), slack };
    const budget = SNS_MAX_BYTES - envelopeBytes(rendered.email.subject, MessageAttributes) - SAFETY_BYTES;
    const digest = fitDigest(alert, rendered, budget);
    const fit = digest && fitJobs(digest, rendered, budget, step === EMAIL_STEPS.at(-1));
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
    `Alert ${cap(oneLine(alert.alertId), 100)} is too large for one SNS message even without its jobs`,
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

/** Attributes subscribers can filter on; SNS rejects empty values, so empty ones are left out. */
function attributes(alert: Alert): Record<string, SnsMessageAttribute> {
  const values: Record<string, string | null> = {
    company: alert.companyId,
    companyName: alert.companyName,
    reason: alert.reason,
    category: alert.category,
    kind: alert.kind,
    alertId: alert.alertId,
  };
  const result: Record<string, SnsMessageAttribute> = {};
  for (const [name, value] of Object.entries(values)) {
    const clean = value === null ? '' : cap(oneLine(value), 256);
    if (clean) result[name] = { DataType: 'String', StringValue: clean };
  }
  return result;
}
