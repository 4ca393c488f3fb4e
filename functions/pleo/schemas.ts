// zod schemas for the Pleo Export API v2 responses, written from spec/pleo/export-api.v2.openapi.yaml.
// Envelopes are strict (a page without data/pagination breaks the contract); records are loose so extra
// fields pass through, and enum fields are plain strings so new values never crash the poller.
import * as z from 'zod';

const nullableString = z.string().nullable().optional();
const isoDateTime = z.iso.datetime({ offset: true, local: false });

export const exportJobSchema = z.looseObject({
  id: z.string().min(1),
  companyId: z.string().min(1),
  status: z.string().min(1),
  createdAt: isoDateTime,
  completedAt: isoDateTime.nullable().optional(),
  lastUpdatedAt: isoDateTime.nullable().optional(),
  expiresIn: z.number().int(),
  isInteractive: z.boolean(),
  numberOfItems: z.number().int().nonnegative(),
  vendorBasedBookkeeping: z.boolean(),
  failureReasonType: nullableString,
  failureReason: nullableString,
});

export const exportJobItemSchema = z.looseObject({
  accountingEntryId: z.string().min(1),
  exportJobId: z.string().min(1),
  status: z.string().min(1),
  failureReasonType: nullableString,
  failureReason: nullableString,
});

export const cursorPageInfoSchema = z.looseObject({
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
  endCursor: z.string().optional(),
  startCursor: z.string().optional(),
  total: z.number().int().optional(),
  currentRequestPagination: z.looseObject({}),
});

/** The page envelope; records are checked one by one so one bad record need not fail the page. */
export const cursorPageSchema = z.object({
  data: z.array(z.unknown()),
  pagination: cursorPageInfoSchema,
});

export const exceptionInfoSchema = z.looseObject({ type: z.string(), message: z.string().optional() });

/** Names the first few problems of a failed parse by path, e.g. `pagination.hasNextPage: expected boolean`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}
