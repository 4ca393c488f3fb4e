// Pleo's export job and job item, reduced to what the alerter reads. Enum-like fields are plain strings:
// Pleo adds new statuses and failure reasons, and an unknown value must be carried through, not rejected.

export interface ExportJob {
  id: string;
  companyId: string;
  status: string;
  createdAt: string;
  completedAt?: string | null | undefined;
  lastUpdatedAt?: string | null | undefined;
  numberOfItems: number;
  failureReasonType?: string | null | undefined;
  failureReason?: string | null | undefined;
}

export interface ExportJobItem {
  accountingEntryId: string;
  exportJobId: string;
  status: string;
  failureReasonType?: string | null | undefined;
  failureReason?: string | null | undefined;
}

export const ALERTING_STATUSES = ['failed', 'completed_with_errors'] as const;
