// The lists subscribers filter alerts on (SNS message attributes `category` and `kind`): the domain's types, the
// structured message's schema and the stack's subscription settings all come from these.

/** Who can act on a failure reason. */
export const CATEGORIES = ['accountant', 'admin', 'integration', 'transient', 'info', 'unknown'] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a message is about. */
export const ALERT_KINDS = ['alert', 'resolved', 'reminder', 'digest', 'test'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
