// The Export API v2 resources as spec/pleo/export-api.v2.openapi.yaml declares them: what the demo server serves.

export const JOB_STATUSES = [
  'pending',
  'in_progress',
  'failed',
  'completed',
  'completed_with_errors',
] as const;
export type ExportJobStatus = (typeof JOB_STATUSES)[number];

export const JOB_FAILURE_REASON_TYPES = [
  'invalid_configuration',
  'missing_configuration',
  'authentication_failure',
  'accounting_system_authentication_failure',
  'pleo_rate_limit',
  'accounting_system_rate_limit',
  'service_unreachable',
  'accounting_system_unreachable',
  'validation_failure',
  'authorization_failure',
  'integration_unusable',
  'job_expired',
  'service_timeout',
  'accounting_system_timeout',
  'canceled_by_user',
] as const;
export type JobFailureReasonType = (typeof JOB_FAILURE_REASON_TYPES)[number];

export const ITEM_STATUSES = ['pending', 'in_progress', 'failed', 'successful', 'abandoned'] as const;
export type ExportJobItemStatus = (typeof ITEM_STATUSES)[number];

export const ITEM_FAILURE_REASON_TYPES = [
  'receipt_upload_failure',
  'receipt_download_failure',
  'receipt_file_size_limit_exceeded',
  'receipt_conversion_failure',
  'unexpected_failure',
  'invalid_configuration',
  'missing_configuration',
  'accounting_system_authentication_failure',
  'accounting_system_rate_limit',
  'accounting_system_unreachable',
  'validation_failure',
  'accounting_system_validation_failure',
  'authorization_failure',
  'accounting_system_timeout',
] as const;
export type ItemFailureReasonType = (typeof ITEM_FAILURE_REASON_TYPES)[number];

export const PAGE_ORDERS = [
  'ASC',
  'ASC_NULLS_FIRST',
  'ASC_NULLS_LAST',
  'DESC',
  'DESC_NULLS_FIRST',
  'DESC_NULLS_LAST',
] as const;
export type PageOrder = (typeof PAGE_ORDERS)[number];

/** Every property the spec lists; the optional ones are always present, as null when unset. */
export interface ExportJob {
  id: string;
  companyId: string;
  status: ExportJobStatus;
  createdAt: string;
  createdBy: string | null;
  startedAt: string | null;
  lastUpdatedAt: string | null;
  completedAt: string | null;
  expiredAt: string | null;
  expiresIn: number;
  failureReason: string | null;
  failureReasonType: JobFailureReasonType | null;
  isInteractive: boolean;
  numberOfItems: number;
  vendorBasedBookkeeping: boolean;
}

export interface ExportJobItem {
  accountingEntryId: string;
  exportJobId: string;
  status: ExportJobItemStatus;
  exportedAt: string | null;
  externalId: string | null;
  externalUrl: string | null;
  failureReason: string | null;
  failureReasonType: ItemFailureReasonType | null;
}

export interface CursorPageCurrentRequestInfo {
  parameters: Record<string, string[]>;
  after?: string;
  before?: string;
  limit?: number;
  offset?: number;
  sortingKeys?: string[];
  sortingOrder?: PageOrder[];
}

export interface CursorPageInfo {
  currentRequestPagination: CursorPageCurrentRequestInfo;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string;
  endCursor?: string;
  total?: number;
}

export interface CursorPaginatedResponse<T> {
  data: T[];
  pagination: CursorPageInfo;
}

export interface ExceptionInfo {
  type: string;
  message?: string;
}
