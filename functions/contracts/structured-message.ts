// The structured JSON `lambda`, `sqs` and `https` subscribers receive, as a schema, and how to read it back.
import * as z from 'zod/mini';
import '../shared/zod-english.js';
import type { Alert } from '../domain/alert.js';
import { ALERT_KINDS, CATEGORIES } from './message-attributes.js';
import { slackMessageSchema } from './slack-message.js';
import { messageHeader, STRUCTURED_PROTOCOLS, STRUCTURED_SCHEMA_VERSION } from './structured-header.js';

export const categorySchema = z.enum(CATEGORIES);

export const alertJobSchema = z.object({
  jobId: z.string(),
  status: z.string(),
  createdAt: z.string(),
  numberOfItems: z.number(),
  failedItems: z.nullable(z.number()),
  failureReason: z.nullable(z.string()),
  alsoFailedFor: z.optional(z.array(z.string())),
});

export const totalsSchema = z.object({
  jobs: z.number(),
  items: z.number(),
  failedItems: z.number(),
  uncounted: z.optional(z.number()),
});

const lifecycleSchema = z.object({
  openedAt: z.string(),
  remindersSent: z.number(),
  resolvedAt: z.optional(z.string()),
  resolvedByJobId: z.optional(z.string()),
});

const digestLineSchema = z.object({
  companyId: z.string(),
  companyName: z.nullable(z.string()),
  reason: z.string(),
  category: categorySchema,
  jobs: z.number(),
  failedItems: z.number(),
  uncounted: z.optional(z.number()),
  openedAt: z.string(),
  resolvedAt: z.optional(z.string()),
});

const mutedLineSchema = z.object({
  companyId: z.string(),
  companyName: z.nullable(z.string()),
  reason: z.nullable(z.string()),
  category: z.nullable(categorySchema),
  until: z.string(),
  exports: z.number(),
});

const digestSchema = z.object({
  date: z.string(),
  timeZone: z.string(),
  open: z.array(digestLineSchema),
  resolvedSinceYesterday: z.array(digestLineSchema),
  muted: z.optional(z.array(mutedLineSchema)),
});

const kindSchema = z.enum(ALERT_KINDS);

/**
 * One (company, reason) group's message, as the outbox keeps it and as subscribers receive it: the shape version 1
 * sent on its own, which keeps `schemaVersion: 1` inside version 2's `alerts`.
 */
export const alertSchema = z.object({
  schemaVersion: z.literal(1),
  alertId: z.string(),
  kind: kindSchema,
  companyId: z.string(),
  companyName: z.nullable(z.string()),
  reason: z.string(),
  category: categorySchema,
  jobs: z.array(alertJobSchema),
  totals: totalsSchema,
  detectedAt: z.string(),
  possibleRedelivery: z.boolean(),
  lifecycle: z.optional(lifecycleSchema),
  digest: z.optional(digestSchema),
}) satisfies z.ZodMiniType<Alert>;

const renderingsShape = {
  email: z.object({ subject: z.string(), body: z.string() }),
  slack: slackMessageSchema,
};

const droppedDigestLinesSchema = z.object({ open: z.number(), resolvedSinceYesterday: z.number() });

/** Version 1: one alert per message. Still read, for messages sent before version 2 (a dead letter sent again). */
const structuredMessageV1Schema = z.object({
  schemaVersion: z.literal(1),
  alert: alertSchema,
  overflow: z.object({
    jobIds: z.array(z.string()),
    droppedJobs: z.number(),
    droppedDigestLines: z.optional(droppedDigestLinesSchema),
  }),
  ...renderingsShape,
});

/**
 * Version 2: a message about one company (or the alerter's digest) carrying one or more alerts. Its own fields say
 * what the SNS message attributes say; `alerts` holds each (company, reason) group in version 1's alert shape.
 */
const structuredMessageSchema = z.object({
  schemaVersion: z.literal(STRUCTURED_SCHEMA_VERSION),
  /** The message's id: a single alert's own, or a combined message's, made from its alerts' ids. */
  alertId: z.string(),
  kind: kindSchema,
  /** null: one alert; `rollup`: a poll's many messages of one kind for the company; `current-state`: a first poll's. */
  combined: z.nullable(z.enum(['rollup', 'current-state'])),
  companyId: z.string(),
  companyName: z.nullable(z.string()),
  /** Every reason and category of `alerts`, each once: the values of the `reason` and `category` attributes. */
  reasons: z.array(z.string()),
  categories: z.array(categorySchema),
  /** Over all `alerts`, each export once (one that failed for two reasons is in two alerts). Always exact. */
  totals: totalsSchema,
  detectedAt: z.string(),
  possibleRedelivery: z.boolean(),
  /**
   * The groups, each as its own message would carry it; when the whole is too big for one SNS message, failure texts
   * are cut, late jobs moved to `overflow`, and the last digest lines left out. Each alert's `totals` stays exact.
   */
  alerts: z.array(alertSchema),
  overflow: z.object({
    /** Per alert whose jobs were cut to fit SNS's limit (none: nothing was cut). */
    alerts: z.array(
      z.object({
        alertId: z.string(),
        /** Jobs left out of the alert's `jobs`: only their ids, in the same (newest first) order. */
        jobIds: z.array(z.string()),
        /** Jobs left out entirely: even their ids did not fit (groups of many thousands). */
        droppedJobs: z.number(),
      }),
    ),
    /** For a digest: lines left out of the end of each list to fit SNS's limit. */
    droppedDigestLines: z.optional(droppedDigestLinesSchema),
  }),
  ...renderingsShape,
});

const anyVersionSchema = z.discriminatedUnion('schemaVersion', [
  structuredMessageSchema,
  structuredMessageV1Schema,
]);

/** What `lambda`, `sqs` and `https` subscribers receive, as JSON (version 2). */
export type StructuredMessage = z.infer<typeof structuredMessageSchema>;

/**
 * Reads a structured alert message, version 2, or version 1 as the version 2 message it would be now. Accepts what
 * a `lambda`/`sqs` subscriber receives, the whole per-protocol `Message` map (as fauxqs delivers it), or an SNS
 * notification envelope around either.
 * @throws Error naming what is wrong when the text is not a structured alert message.
 */
export function parseStructuredMessage(json: string): StructuredMessage {
  let value = parseJson(json);
  for (let depth = 0; depth < 2; depth += 1) {
    const inner = innerMessage(value);
    if (inner === undefined) break;
    value = parseJson(inner);
  }
  const result = anyVersionSchema.safeParse(value);
  if (!result.success) {
    throw new Error(`Not a structured alert message: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data.schemaVersion === STRUCTURED_SCHEMA_VERSION ? result.data : fromVersion1(result.data);
}

function fromVersion1({ alert, overflow, email, slack }: z.infer<typeof structuredMessageV1Schema>) {
  const { jobIds, droppedJobs, droppedDigestLines } = overflow;
  const cut = jobIds.length > 0 || droppedJobs > 0 ? [{ alertId: alert.alertId, jobIds, droppedJobs }] : [];
  return {
    schemaVersion: STRUCTURED_SCHEMA_VERSION,
    ...messageHeader(alert),
    alerts: [alert],
    overflow: { alerts: cut, ...(droppedDigestLines && { droppedDigestLines }) },
    email,
    slack,
  } satisfies StructuredMessage;
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
