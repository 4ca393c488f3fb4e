// What the stack and the poller Lambda agree on: the event its digest schedule sends, and the metrics the poller
// writes that the stack's alarms watch. Both sides import these; renaming one renames both.

/** The event the digest schedule invokes the poller with; any other event is a poll. */
export const DIGEST_EVENT = { task: 'digest' } as const;

export function isDigestEvent(event: unknown): boolean {
  return (event as { task?: unknown } | null | undefined)?.task === DIGEST_EVENT.task;
}

/** The CloudWatch namespace of the poller's metrics (Powertools' POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'PleoExportAlerts';

/** The metric a poll that finished writes, which the stack's "Alerter down" alarm watches. */
export const SUCCESSFUL_POLLS_METRIC = 'SuccessfulPolls';
