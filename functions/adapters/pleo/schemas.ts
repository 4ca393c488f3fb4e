// zod schemas for the Pleo Export API v2 responses, written from spec/pleo/export-api.v2.openapi.yaml.
// Envelopes are strict (a page without data/pagination breaks the contract); records are loose so extra
// fields pass through, and enum fields are plain strings so new values never crash the poller.
import * as z from 'zod/mini';
import '../../shared/zod-english.js';

const nullableString = z.optional(z.nullable(z.string()));
// Dates are compared as strings across the poller: each becomes one UTC form, whatever offset or precision Pleo
// wrote it with (its spec says `YYYY-MM-DDTHH:mi:ssZ`, our own clock writes milliseconds).
const isoDateTime = z.pipe(
  z.iso.datetime({ offset: true, local: false }),
  z.transform((text: string) => new Date(text).toISOString()),
);

/**
 * Ids and reason codes become DynamoDB keys (a partition key holds 2048 bytes, a sort key 1024, and a group's sort
 * key is company + reason): a longer value would fail every poll, so the record is skipped instead.
 */
export const MAX_KEY_CHARS = 128;
/** Pleo's failure text is shown cut to 2,000 characters at most; more would only swell the stored alert. */
export const MAX_FAILURE_REASON_CHARS = 2_000;

const key = z.string().check(z.minLength(1), z.maxLength(MAX_KEY_CHARS));
const reasonCode = z.optional(z.nullable(z.string().check(z.maxLength(MAX_KEY_CHARS))));
const failureText = z.pipe(
  nullableString,
  z.transform((text: string | null | undefined) => (typeof text === 'string' ? shorten(text) : text)),
);

/** The first MAX_FAILURE_REASON_CHARS code units, never ending in half a surrogate pair. */
function shorten(text: string): string {
  if (text.length <= MAX_FAILURE_REASON_CHARS) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(MAX_FAILURE_REASON_CHARS - 1))
    ? MAX_FAILURE_REASON_CHARS - 1
    : MAX_FAILURE_REASON_CHARS;
  return text.slice(0, end);
}

export const exportJobSchema = z.looseObject({
  id: key,
  companyId: key,
  status: z.string().check(z.minLength(1)),
  createdAt: isoDateTime,
  completedAt: z.optional(z.nullable(isoDateTime)),
  lastUpdatedAt: z.optional(z.nullable(isoDateTime)),
  expiresIn: z.number().check(z.int()),
  isInteractive: z.boolean(),
  numberOfItems: z.number().check(z.int(), z.nonnegative()),
  vendorBasedBookkeeping: z.boolean(),
  failureReasonType: reasonCode,
  failureReason: failureText,
});

export const exportJobItemSchema = z.looseObject({
  accountingEntryId: z.string().check(z.minLength(1)),
  exportJobId: z.string().check(z.minLength(1)),
  status: z.string().check(z.minLength(1)),
  failureReasonType: reasonCode,
  failureReason: failureText,
});

export const cursorPageInfoSchema = z.looseObject({
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
  // Optional in the spec; a serializer that writes them as null means the same.
  endCursor: z.optional(z.nullable(z.string())),
  startCursor: z.optional(z.nullable(z.string())),
  total: z.optional(z.nullable(z.number().check(z.int()))),
  currentRequestPagination: z.looseObject({}),
});

/** The page envelope; records are checked one by one so one bad record need not fail the page. */
export const cursorPageSchema = z.object({
  data: z.array(z.unknown()),
  pagination: cursorPageInfoSchema,
});

export const exceptionInfoSchema = z.looseObject({ type: z.string(), message: z.optional(z.string()) });

/** Names the first few problems of a failed parse by path, e.g. `pagination.hasNextPage: expected boolean`. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
