// The structured JSON `lambda`, `sqs` and `https` subscribers receive, as a schema, and how to read it back.
import * as z from 'zod/mini';
import '../shared/zod-english.js';
import type { Alert } from '../domain/alert.js';
import { ALERT_KINDS, CATEGORIES } from './message-attributes.js';
import { slackMessageSchema } from './slack-message.js';
import { STRUCTURED_PROTOCOLS } from './structured-protocols.js';

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

const digestSchema = z.object({
  date: z.string(),
  timeZone: z.string(),
  open: z.array(digestLineSchema),
  resolvedSinceYesterday: z.array(digestLineSchema),
});

/** The alert, as subscribers receive it and as the outbox keeps it. */
export const alertSchema = z.object({
  schemaVersion: z.literal(1),
  alertId: z.string(),
  kind: z.enum(ALERT_KINDS),
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

const structuredMessageSchema = z.object({
  schemaVersion: z.literal(1),
  /**
   * The alert; when it is too big for one SNS message, failure texts are cut, late jobs moved to `overflow`, and
   * the last digest lines left out (counted in `overflow.droppedDigestLines`). `alert.totals` stays exact.
   */
  alert: alertSchema,
  overflow: z.object({
    /** Jobs left out of `alert.jobs` to fit SNS's limit: only their ids, in the same (newest first) order. */
    jobIds: z.array(z.string()),
    /** Jobs left out entirely: even their ids did not fit (groups of many thousands). `alert.totals` stays exact. */
    droppedJobs: z.number(),
    /** For a digest: lines left out of the end of each list to fit SNS's limit. */
    droppedDigestLines: z.optional(z.object({ open: z.number(), resolvedSinceYesterday: z.number() })),
  }),
  email: z.object({ subject: z.string(), body: z.string() }),
  slack: slackMessageSchema,
});

/** What `lambda`, `sqs` and `https` subscribers receive, as JSON. */
export type StructuredMessage = z.infer<typeof structuredMessageSchema>;

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
