// Failure texts as accountants meet them, per accounting system, for every job and item failure reason type.
import type { ItemFailureReasonType, JobFailureReasonType } from './types.js';

export interface AccountingSystem {
  name: string;
  /** A cost account in that system's usual chart of accounts. */
  account: string;
  taxCode: string;
}

export const ACCOUNTING_SYSTEMS = {
  economic: { name: 'e-conomic', account: '6810', taxCode: 'I25' },
  dinero: { name: 'Dinero', account: '2250', taxCode: 'I25' },
  fortnox: { name: 'Fortnox', account: '5611', taxCode: 'MP1' },
  datev: { name: 'DATEV', account: '4650', taxCode: 'VSt19' },
  xero: { name: 'Xero', account: '429', taxCode: 'INPUT2' },
  quickbooks: { name: 'QuickBooks', account: '7200', taxCode: '20.0% S' },
  tripletex: { name: 'Tripletex', account: '7140', taxCode: '1' },
} as const satisfies Record<string, AccountingSystem>;

type Texts<T extends string> = Record<T, (system: AccountingSystem) => string[]>;

const JOB_TEXTS: Texts<JobFailureReasonType> = {
  invalid_configuration: (s) => [
    `Account ${s.account} is inactive in ${s.name}`,
    `Tax code '${s.taxCode}' not found in ${s.name}`,
    `Bank account 5820 used for card settlements is not a balance account in ${s.name}`,
  ],
  missing_configuration: (s) => [
    "No account mapped for expense category 'Travel'",
    `No default tax code configured for the ${s.name} integration`,
    "Supplier account for vendor 'Uber BV' is not configured",
  ],
  authentication_failure: () => ["Integration service rejected Pleo's webhook signature (HTTP 401)"],
  accounting_system_authentication_failure: (s) => [
    `${s.name} access token expired: reconnect the integration in Pleo`,
    `${s.name} rejected the stored credentials (HTTP 401)`,
  ],
  pleo_rate_limit: () => ['Pleo API rate limit reached while fetching accounting entries'],
  accounting_system_rate_limit: (s) => [`${s.name} API rate limit exceeded (HTTP 429)`],
  service_unreachable: () => ['Integration service could not be reached (connection refused)'],
  accounting_system_unreachable: (s) => [
    `${s.name} API unavailable (HTTP 503)`,
    `Could not connect to ${s.name}: DNS lookup failed`,
  ],
  validation_failure: (s) => [
    `Period 2025-03 is locked in ${s.name}`,
    'Voucher date is outside the open financial year',
    `Supplier 'Office Depot' does not exist in ${s.name}`,
  ],
  authorization_failure: (s) => [
    `The ${s.name} user that connected the integration no longer has access to the company`,
    `Missing permission to post vouchers in ${s.name}`,
  ],
  integration_unusable: (s) => [
    `${s.name} integration is disabled for this company`,
    `${s.name} subscription has expired`,
  ],
  job_expired: () => ['Export job was not updated within 3600 seconds'],
  service_timeout: () => ['Integration service did not answer within 30 seconds'],
  accounting_system_timeout: (s) => [`${s.name} did not respond within 60 seconds`],
  canceled_by_user: () => ['Export canceled by user'],
};

const ITEM_TEXTS: Texts<ItemFailureReasonType> = {
  receipt_upload_failure: (s) => [`Uploading the receipt to ${s.name} failed (HTTP 500)`],
  receipt_download_failure: () => ['Receipt could not be downloaded from Pleo'],
  receipt_file_size_limit_exceeded: (s) => [
    'Receipt exceeds 10 MB limit',
    `Receipt exceeds the ${s.name} attachment limit of 10 MB`,
  ],
  receipt_conversion_failure: () => ['Receipt in HEIC format could not be converted to PDF'],
  unexpected_failure: () => ['Unexpected error while exporting the expense'],
  invalid_configuration: (s) => [
    `Account ${s.account} is inactive in ${s.name}`,
    `Tax code '${s.taxCode}' not found in ${s.name}`,
  ],
  missing_configuration: () => ["No account mapped for expense category 'Meals & Entertainment'"],
  accounting_system_authentication_failure: (s) => [`${s.name} rejected the access token`],
  accounting_system_rate_limit: (s) => [`${s.name} API rate limit exceeded (HTTP 429)`],
  accounting_system_unreachable: (s) => [`${s.name} API unavailable (HTTP 503)`],
  validation_failure: () => ['Amount must not be zero', 'Expense has no account assigned'],
  accounting_system_validation_failure: (s) => [
    `${s.name}: voucher date 2025-03-31 falls in a locked period`,
    `${s.name}: supplier 'Uber BV' does not exist`,
  ],
  authorization_failure: (s) => [`Missing permission to post vouchers in ${s.name}`],
  accounting_system_timeout: (s) => [`${s.name} did not respond within 60 seconds`],
};

// The texts are built once per system and shared, so 100,000 generated jobs hold references, not copies.
const cache = new Map<string, string[]>();

function cached<T extends string>(
  texts: Texts<T>,
  kind: string,
  type: T,
  system: AccountingSystem,
): string[] {
  const key = `${kind}|${type}|${system.name}`;
  let found = cache.get(key);
  if (!found) {
    found = texts[type](system);
    cache.set(key, found);
  }
  return found;
}

export function jobFailureTexts(type: JobFailureReasonType, system: AccountingSystem): string[] {
  return cached(JOB_TEXTS, 'job', type, system);
}

export function itemFailureTexts(type: ItemFailureReasonType, system: AccountingSystem): string[] {
  return cached(ITEM_TEXTS, 'item', type, system);
}
