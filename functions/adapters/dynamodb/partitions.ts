// The table's partition keys, one family per kind of item. The adapters build their keys here, and the stack lets
// each function use only its own families (IAM's dynamodb:LeadingKeys), so both sides read the same names.
// Plain string constants: the bundler inlines them, so the Lambda carries no more bytes than with literals.

/** The alert state's partitions (alert-state.ts), the poller's: each connection has its own. */
const LEASE_PARTITION = 'LEASE';
const OUTBOX_PARTITION = 'OUTBOX';
const SEAL_PARTITION = 'SEAL';
const GROUP_PARTITION = 'GROUP';
/** Between a partition's family and the connection it belongs to: `LEASE#acme`. */
const CONNECTION_SEPARATOR = '#';

export interface StatePartitions {
  /** The lease item, with the connection's health and where its listing stopped. */
  lease: string;
  outbox: string;
  seal: string;
  group: string;
}

/**
 * A connection's partitions: `LEASE#<name>`, `OUTBOX#<name>`, …; the stack's own connection (no name given) keeps
 * the unprefixed ones the single-key alerter wrote, so an upgraded deployment finds its state where it left it. Job
 * records (JOB#<id>) are shared by every connection: a job is alerted once, whichever connection sees it.
 */
export function statePartitions(connection?: string): StatePartitions {
  const of = (family: string) =>
    connection === undefined ? family : `${family}${CONNECTION_SEPARATOR}${connection}`;
  return {
    lease: of(LEASE_PARTITION),
    outbox: of(OUTBOX_PARTITION),
    seal: of(SEAL_PARTITION),
    group: of(GROUP_PARTITION),
  };
}
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
  ...Object.values(statePartitions()),
  ...Object.values(statePartitions('*')),
  CONTROL_PARTITION,
  `${JOB_PARTITION_PREFIX}*`,
];

/** One channel's delivery records, as an IAM StringLike pattern. */
export const deliveredPartitionPattern = (channel: string): string => deliveredPartition(channel, '*');
