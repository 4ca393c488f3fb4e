// What each failure reason means to the person reading an alert: plain words, who acts, what to do.
import { defang, oneLine } from '../shared/untrusted-text.js';
import type { Category } from './alert.js';

export interface ReasonInfo {
  /** The reason value as given (Pleo's failureReasonType, `unknown`, or the alerter's own). */
  reason: string;
  /** Short plain words, lower case except names, for subjects and headers, e.g. `missing configuration`. */
  title: string;
  /** One or two sentences on what went wrong, for someone who has never read Pleo's API docs. */
  explanation: string;
  category: Category;
  whoActs: string;
  whatToDo: string;
}

type Entry = Omit<ReasonInfo, 'reason'>;

const WHO: Record<Category, string> = {
  accountant: 'The accountant (whoever keeps the books in Pleo).',
  admin: 'A Pleo admin who can manage the accounting integration.',
  integration:
    'Whoever runs the accounting integration (your IT team or the integration provider). The accountant cannot fix this in the books.',
  transient: 'Nobody for now: this is usually temporary.',
  info: 'Nobody: this is for your information.',
  unknown: 'The accountant first; if the cause is unclear, Pleo support.',
};

const FIX_BOOKS =
  'Check the accounts, tax codes, tags and the mapping between Pleo and the accounting system (in the accounting settings in Pleo), fix what is missing or wrong, then export the expenses again.';
const RECONNECT =
  'Reconnect or re-authorise the accounting integration in the accounting settings in Pleo, then export the expenses again.';
const CHECK_INTEGRATION =
  'Check that the integration service is running and reachable. Nothing in the books needs changing; export again once it works.';
const EXPORT_LATER = 'Export the expenses again later. If it keeps happening, contact Pleo support.';

const accountant = (title: string, explanation: string, whatToDo = FIX_BOOKS): Entry => ({
  title,
  explanation,
  category: 'accountant',
  whoActs: WHO.accountant,
  whatToDo,
});
const admin = (title: string, explanation: string, whatToDo = RECONNECT): Entry => ({
  title,
  explanation,
  category: 'admin',
  whoActs: WHO.admin,
  whatToDo,
});
const integration = (title: string, explanation: string, whatToDo = CHECK_INTEGRATION): Entry => ({
  title,
  explanation,
  category: 'integration',
  whoActs: WHO.integration,
  whatToDo,
});
// The alerter's own problems: someone looking after the alerter acts, whatever the category says.
const alerter = (
  category: Category,
  whoActs: string,
  title: string,
  explanation: string,
  whatToDo: string,
): Entry => ({
  title,
  explanation,
  category,
  whoActs,
  whatToDo,
});
const transient = (title: string, explanation: string, whatToDo = EXPORT_LATER): Entry => ({
  title,
  explanation,
  category: 'transient',
  whoActs: WHO.transient,
  whatToDo,
});

// Job-level reasons (ExportJob.failureReasonType), item-level ones (ExportJobItem.failureReasonType),
// `unknown` for "Pleo gave none", and the alerter's own reasons about itself.
const REASONS: Record<string, Entry> = {
  invalid_configuration: accountant(
    'invalid configuration',
    'The export settings contain something the accounting system does not accept, such as an inactive account or a wrong tax code.',
  ),
  missing_configuration: accountant(
    'missing configuration',
    'Something the export needs is not set up, such as an account, tax code, tag or supplier mapping.',
  ),
  validation_failure: accountant(
    'validation failed',
    'Some expenses did not pass validation, so the export could not go through.',
  ),
  accounting_system_validation_failure: accountant(
    'rejected by the accounting system',
    'The accounting system refused the entry, for example because of an inactive account, a locked period or a missing supplier. Its message is shown with each export.',
    "Read the accounting system's message below, fix that in Pleo or in the accounting system (accounts, periods, suppliers, tax codes), then export the expenses again.",
  ),
  receipt_file_size_limit_exceeded: accountant(
    'receipt too large',
    "A receipt is bigger than the accounting system's file size limit.",
    'Make the receipt smaller (compress the image or PDF, or split a long PDF), replace it on the expense in Pleo, then export again.',
  ),
  receipt_conversion_failure: accountant(
    'receipt could not be converted',
    'Pleo could not convert a receipt file into a format the accounting system accepts.',
    'Replace the receipt on the expense in Pleo with a plain PDF, JPEG or PNG file, then export again.',
  ),
  accounting_system_authentication_failure: admin(
    'accounting system login failed',
    'The integration could not log in to the accounting system. The connection has usually expired (for example after a month without exports) or its password changed.',
  ),
  authorization_failure: admin(
    'access to the accounting system revoked',
    'The access Pleo was given to the accounting system was revoked, or the user who connected it no longer has access.',
  ),
  integration_unusable: admin(
    'accounting integration unusable',
    'The accounting integration is blocked or can no longer be used for this company.',
    'Open the accounting integration in the accounting settings in Pleo, follow what it says, reconnect it if needed, then export again. Contact Pleo support if it stays blocked.',
  ),
  pleo_api_key_invalid: alerter(
    'admin',
    'A Pleo admin who can create API keys, with whoever runs this alerter.',
    'Pleo API key not accepted',
    'Pleo refused the API key this alerter uses, so it cannot see your exports and will not report new failures until this is fixed.',
    "The Pleo API key is invalid, expired, or lacks the export-jobs:read scope. Create a new key in Pleo (Settings → API keys) with that scope and put it where the alerter reads it: the stack's secret, or `npx pleo-export-alerts connections add` for a connection.",
  ),
  pleo_api_key_expiring: alerter(
    'admin',
    'A Pleo admin who can create API keys, with whoever runs this alerter.',
    'Pleo API key expires soon',
    'The API key this alerter uses for these companies expires soon; from that day Pleo refuses it and new export failures are not reported.',
    "Create a new key in Pleo (Settings → API keys) with the export-jobs:read scope before then, put it where the alerter reads it (the stack's secret, or `npx pleo-export-alerts connections add` for a connection) and record its expiry date.",
  ),
  pleo_api_key_expiry_unknown: alerter(
    'admin',
    'Whoever runs this alerter.',
    'Pleo API key expiry not recorded',
    'Pleo API keys expire (Open API tokens after a year, and are not renewed), and nothing in the API tells when: the alerter cannot warn before this key stops working.',
    "Look up the key's expiry date in Pleo (Settings → API keys) and record it: the stack's `pleoApiKeyExpiresOn` setting, or the connection's expiry date (`connections add … --expires YYYY-MM-DD`).",
  ),
  authentication_failure: integration(
    'integration service login failed',
    'Pleo could not log in to the integration service that talks to the accounting system.',
  ),
  service_unreachable: integration(
    'integration service unreachable',
    'Pleo could not reach the integration service that talks to the accounting system.',
  ),
  service_timeout: integration(
    'integration service timed out',
    'The integration service that talks to the accounting system did not answer Pleo in time.',
  ),
  pleo_rate_limit: integration(
    'too many requests to Pleo',
    'The integration sent Pleo more requests than allowed and could not finish.',
    'Check how often the integration exports and whether something else uses the same Pleo credentials. Export again once it has calmed down.',
  ),
  unexpected_failure: integration(
    'unexpected error',
    'Something went wrong that Pleo did not classify.',
    'Export the expenses again once. If it fails again, contact Pleo support with the job ids below.',
  ),
  pleo_api_unreachable: alerter(
    'integration',
    'Whoever runs this alerter. The accountant need not do anything.',
    'Pleo API not answering',
    "Pleo's API has not answered the alerter for several polls in a row, so new export failures are not being reported.",
    "Check Pleo's status page and the alerter's logs (network, API address). Nothing is lost: missed failures are reported once the API answers again.",
  ),
  accounting_system_unreachable: transient(
    'accounting system unreachable',
    'The integration could not reach the accounting system; it may have been down or under maintenance.',
  ),
  accounting_system_timeout: transient(
    'accounting system timed out',
    'The accounting system did not answer in time.',
  ),
  accounting_system_rate_limit: transient(
    'accounting system busy',
    'The accounting system refused more requests for a while (rate limit).',
  ),
  job_expired: transient(
    'export stalled and expired',
    'The export made no progress within its time limit and was stopped.',
  ),
  receipt_upload_failure: transient(
    'receipt upload failed',
    'A receipt could not be uploaded to the accounting system.',
    'Export the expenses again later. If the same receipt keeps failing, open it in Pleo to check it is readable, replace it if needed, and contact Pleo support if that does not help.',
  ),
  receipt_download_failure: transient(
    'receipt download failed',
    'Pleo could not fetch a receipt file to send it to the accounting system.',
    'Export the expenses again later. If the same receipt keeps failing, upload the receipt to the expense in Pleo again.',
  ),
  canceled_by_user: {
    title: 'export cancelled by a user',
    explanation: 'Someone cancelled the export in Pleo.',
    category: 'info',
    whoActs: WHO.info,
    whatToDo: 'Nothing, unless the cancellation was a mistake: then start the export again in Pleo.',
  },
  unknown: {
    title: 'no reason given',
    explanation: 'The export failed and Pleo did not say why.',
    category: 'unknown',
    whoActs: WHO.unknown,
    whatToDo:
      'Open the export in Pleo and read the error shown there, fix what it points to, then export again. Contact Pleo support if the cause is unclear.',
  },
};

/** Pleo's reason codes this table knows. */
export const KNOWN_REASONS: readonly string[] = Object.keys(REASONS);

/** Reasons that usually clear by themselves: candidates for waiting a poll before alerting. */
export const TRANSIENT_REASONS: readonly string[] = Object.entries(REASONS)
  .filter(([, entry]) => entry.category === 'transient')
  .map(([reason]) => reason);

const RAW_SHOWN = 100;

/** Describes any reason value; a value this table does not know gets generic advice naming it. Never throws. */
export function describeReason(reason: string): ReasonInfo {
  const entry = Object.hasOwn(REASONS, reason) ? REASONS[reason] : undefined;
  if (entry) return { reason, ...entry };
  // A new Pleo value: show it (sanitised, bounded) so the reader can look it up.
  const raw = defang(oneLine(reason)).slice(0, RAW_SHOWN) || '(empty)';
  return {
    reason,
    title: `unrecognised reason "${raw}"`,
    explanation: `The export failed with a reason this alerter does not know yet: "${raw}".`,
    category: 'unknown',
    whoActs: WHO.unknown,
    whatToDo: `Look up "${raw}" in Pleo's export page and help centre, fix what it points to, then export again. Contact Pleo support if the cause is unclear.`,
  };
}
