// The table's partition keys, one family per kind of item. The adapters build their keys here, and the stack lets
// each function use only its own families (IAM's dynamodb:LeadingKeys), so both sides read the same names.
// Plain string constants: the bundler inlines them, so the Lambda carries no more bytes than with literals.

/** The alert state's partitions (alert-state.ts), the poller's. */
export const LEASE_PARTITION = 'LEASE';
export const OUTBOX_PARTITION = 'OUTBOX';
export const SEAL_PARTITION = 'SEAL';
export const GROUP_PARTITION = 'GROUP';
/** Mutes, acknowledgements and snoozes (controls.ts): people write them, the poller reads and counts on them. */
export const CONTROL_PARTITION = 'CONTROL';
/** The connections (connections.ts), one item each under its name: the CLI writes them, the dispatcher lists them. */
export const CONNECTION_PARTITION = 'CONNECTION';
/** Followed by the job id: a job already alerted. */
export const JOB_PARTITION_PREFIX = 'JOB#';

/** The partition recording that one alert was delivered to a channel (post-ledger.ts). */
export const deliveredPartition = (channel: string, alertId: string): string =>
  `DELIVERED#${channel}#${alertId}`;

/** The channel the Slack notifier records its posts under. */
export const SLACK_CHANNEL = 'slack';

/** Followed by what was used: a Slack request seen, an email action link used (once-ledger.ts). */
export const ONCE_PARTITION_PREFIX = 'ONCE#';

/** The poller's partition keys, as IAM StringLike patterns. */
export const STATE_PARTITION_PATTERNS: readonly string[] = [
  LEASE_PARTITION,
  OUTBOX_PARTITION,
  SEAL_PARTITION,
  GROUP_PARTITION,
  CONTROL_PARTITION,
  `${JOB_PARTITION_PREFIX}*`,
];

/** One channel's delivery records, as an IAM StringLike pattern. */
export const deliveredPartitionPattern = (channel: string): string => deliveredPartition(channel, '*');
