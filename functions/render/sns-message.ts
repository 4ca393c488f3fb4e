// Builds the one SNS publish that carries an alert to every subscriber: text for email, structured JSON for the rest.
import * as z from 'zod';
import type { Alert, AlertJob } from '../domain/alert.js';
import { type EmailMessage, type EmailOptions, renderEmail } from './email.js';
import { renderSlack } from './slack.js';
import { type SlackMessage, slackMessageSchema } from './slack-blocks.js';
import { cap, oneLine } from './text.js';

/** SNS's limit for one publish (message, subject and attributes together, UTF-8 bytes). */
export const SNS_MAX_BYTES = 262_144;

const alertJobSchema = z.object({
  jobId: z.string(),
  status: z.string(),
  createdAt: z.string(),
  numberOfItems: z.number(),
  failedItems: z.number().nullable(),
  failureReason: z.string().nullable(),
});

const alertSchema = z.object({
  schemaVersion: z.literal(1),
  alertId: z.string(),
  kind: z.enum(['alert', 'resolved', 'reminder', 'digest']),
  companyId: z.string(),
  companyName: z.string().nullable(),
  reason: z.string(),
  category: z.enum(['accountant', 'admin', 'integration', 'transient', 'info', 'unknown']),
  jobs: z.array(alertJobSchema),
  totals: z.object({ jobs: z.number(), items: z.number(), failedItems: z.number() }),
  detectedAt: z.string(),
  possibleRedelivery: z.boolean(),
}) satisfies z.ZodType<Alert>;

const structuredMessageSchema = z.object({
  schemaVersion: z.literal(1),
  /** The alert; when the group is too big for one SNS message, failure texts are cut and late jobs moved to `overflow`. */
  alert: alertSchema,
  overflow: z.object({
    /** Jobs left out of `alert.jobs` to fit SNS's limit: only their ids, in the same (newest first) order. */
    jobIds: z.array(z.string()),
    /** Jobs left out entirely: even their ids did not fit (groups of many thousands). `alert.totals` stays exact. */
    droppedJobs: z.number(),
  }),
  email: z.object({ subject: z.string(), body: z.string() }),
  slack: slackMessageSchema,
});

/** What `lambda`, `sqs` and `https` subscribers receive, as JSON. */
export type StructuredMessage = z.infer<typeof structuredMessageSchema>;

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

// Failure-text caps tried in turn while every job still fits in full.
const REASON_CAPS = [2000, 500, 200, 50, 1];
// Failure-text cap for the jobs kept in full once later jobs go to `overflow`.
const OVERFLOW_REASON_CAP = 200;
// Email renderings tried in turn when even the job ids do not fit beside the email.
const EMAIL_STEPS: EmailOptions[] = [
  {},
  { maxJobs: 20, maxReasonChars: 200 },
  { maxJobs: 5, maxReasonChars: 100 },
];
// Protocols that receive the structured JSON: every byte of it is paid this many times.
const STRUCTURED_PROTOCOLS = ['lambda', 'sqs', 'https'] as const;
// Room for digit-count drift between the size estimate and the final message (droppedJobs, commas).
const SAFETY_BYTES = 256;

/**
 * One publish for every subscriber. `Message` maps `default` and `email` to the readable text, and `lambda`,
 * `sqs` and `https` to the structured JSON. Always fits SNS_MAX_BYTES: failure texts are cut first, then late jobs
 * are reduced to their ids in `overflow`, then the email lists fewer jobs. Grouping already splits a group into
 * parts of MAX_JOBS_PER_ALERT jobs, whose ids always fit; ids are dropped (and counted) only past that.
 */
export function buildSnsMessage(alert: Alert): SnsMessage {
  const slack = renderSlack(alert);
  const MessageAttributes = attributes(alert);
  for (const step of EMAIL_STEPS) {
    const email = renderEmail(alert, step);
    const budget = SNS_MAX_BYTES - envelopeBytes(email.subject, MessageAttributes) - SAFETY_BYTES;
    const fit = fitJobs(alert, email, slack, budget, step === EMAIL_STEPS.at(-1));
    if (fit) {
      return {
        Subject: email.subject,
        Message: message(email, structured(alert, fit.jobs, fit.overflowIds, fit.dropped, email, slack)),
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

interface JobsFit {
  jobs: AlertJob[];
  overflowIds: string[];
  dropped: number;
}

function fitJobs(
  alert: Alert,
  email: EmailMessage,
  slack: SlackMessage,
  budget: number,
  mayDrop: boolean,
): JobsFit | undefined {
  const n = alert.jobs.length;
  const base = bytes(message(email, structured(alert, [], [], n, email, slack)));
  // Per copy of the structured JSON, less one array separator per job.
  const room = Math.floor((budget - base) / STRUCTURED_PROTOCOLS.length) - n;
  if (room < 0) return undefined;
  const idBytes = alert.jobs.map((job) => doubleEscapedBytes(job.jobId));
  const idTotal = sum(idBytes);

  for (const limit of REASON_CAPS) {
    // A job takes more bytes than its id plus one per code unit of its cut text: skip hopeless caps unmeasured.
    const lowerBound =
      idTotal + sum(alert.jobs.map((job) => Math.min(job.failureReason?.length ?? 0, limit - 1)));
    if (lowerBound > room) continue;
    const jobs = alert.jobs.map((job) => capReason(job, limit));
    if (sum(jobs.map(doubleEscapedBytes)) <= room) return { jobs, overflowIds: [], dropped: 0 };
  }

  if (idTotal <= room) {
    // Every id fits: upgrade jobs to full entries, newest first, while room lasts.
    let used = idTotal;
    const jobs: AlertJob[] = [];
    for (const [index, job] of alert.jobs.entries()) {
      const full = capReason(job, OVERFLOW_REASON_CAP);
      const extra = doubleEscapedBytes(full) - (idBytes[index] ?? 0);
      if (used + extra > room) break;
      used += extra;
      jobs.push(full);
    }
    return { jobs, overflowIds: alert.jobs.slice(jobs.length).map((job) => job.jobId), dropped: 0 };
  }
  if (!mayDrop) return undefined;
  // Last resort: as many ids as fit, newest first.
  let kept = 0;
  let used = 0;
  while (kept < n && used + (idBytes[kept] ?? 0) <= room) {
    used += idBytes[kept] ?? 0;
    kept += 1;
  }
  return { jobs: [], overflowIds: alert.jobs.slice(0, kept).map((job) => job.jobId), dropped: n - kept };
}

function structured(
  alert: Alert,
  jobs: AlertJob[],
  overflowIds: string[],
  droppedJobs: number,
  email: EmailMessage,
  slack: SlackMessage,
): string {
  const value: StructuredMessage = {
    schemaVersion: 1,
    alert: { ...alert, jobs },
    overflow: { jobIds: overflowIds, droppedJobs },
    email,
    slack,
  };
  return JSON.stringify(value);
}

function message(email: EmailMessage, structuredJson: string): string {
  const byProtocol: Record<string, string> = { default: email.body, email: email.body };
  for (const protocol of STRUCTURED_PROTOCOLS) byProtocol[protocol] = structuredJson;
  return JSON.stringify(byProtocol);
}

function capReason(job: AlertJob, limit: number): AlertJob {
  return job.failureReason === null ? job : { ...job, failureReason: cap(job.failureReason, limit) };
}

/** Bytes a value adds once it is JSON inside a JSON string inside the JSON message (escaped twice). */
function doubleEscapedBytes(value: unknown): number {
  return bytes(JSON.stringify(JSON.stringify(value))) - 2;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
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

/**
 * Reads a structured alert message. Accepts what a `lambda`/`sqs` subscriber receives, the whole per-protocol
 * `Message` map (as fauxqs delivers it), or an SNS notification envelope around either.
 * @throws Error naming what is wrong when the text is not a structured alert message.
 */
export function parseStructuredMessage(json: string): StructuredMessage {
  let value = parseJson(json);
  for (let depth = 0; depth < 2; depth += 1) {
    const inner = innerMessage(value);
    if (inner === undefined) break;
    value = parseJson(inner);
  }
  const result = structuredMessageSchema.safeParse(value);
  if (!result.success) {
    throw new Error(`Not a structured alert message: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

// The string a wrapper carries: an SNS envelope's Message, or the structured entry of a per-protocol map.
function innerMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || 'schemaVersion' in value) return undefined;
  for (const key of ['Message', ...STRUCTURED_PROTOCOLS]) {
    const inner: unknown = Reflect.get(value, key);
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new Error('Not a structured alert message: not JSON', { cause: error });
  }
}
