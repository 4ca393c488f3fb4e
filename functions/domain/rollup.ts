// Roll-up: when one poll has many messages of one kind for one company, they go out as one message with a section
// per reason, so that a storm (or the first poll of a new deployment) does not bury the reader. Each section is the
// message it replaces, unchanged. Pure: the same messages always combine the same way, under the same id.
import { createHash } from 'node:crypto';
import type { Alert, AlertJob, CombinableKind, CombinedAlert, Message } from './alert.js';
import { isIncident } from './incidents.js';
import { describeReason } from './reasons.js';

export interface RollupOptions {
  /** More messages than this of one kind for one company go out as one; 0 sends each on its own. */
  rollupAbove: number;
  /**
   * The first poll of a deployment: each company's alerts go out as one message, whatever `rollupAbove`, told as
   * the problems open when watching began rather than as news.
   */
  currentState?: boolean | undefined;
}

/**
 * One poll's messages as they are to be sent: per company and kind, either each on its own or, beyond the
 * threshold, one combined message in the place of the first. Kinds never mix; the alerter's own incidents and the
 * digest are never combined.
 */
export function rollUp(messages: readonly Alert[], options: RollupOptions): Message[] {
  const buckets = new Map<string, number[]>();
  for (const [index, message] of messages.entries()) {
    if (combinableKind(message) === undefined) continue;
    const key = `${message.companyId}\u0000${message.kind}`;
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [index]);
    else bucket.push(index);
  }
  const combinedAt = new Map<number, CombinedAlert>();
  const inCombined = new Set<number>();
  for (const bucket of buckets.values()) {
    const sections = bucket.flatMap((index) => messages[index] ?? []);
    const asState = options.currentState === true && sections[0]?.kind === 'alert';
    const tooMany = options.rollupAbove > 0 && sections.length > options.rollupAbove;
    if (!asState && !tooMany) continue;
    const combined = combine(sections, asState ? 'current-state' : 'rollup');
    if (combined === undefined) continue;
    combinedAt.set(bucket[0] ?? 0, combined);
    for (const index of bucket) inCombined.add(index);
  }
  return messages.flatMap((message, index): Message[] => {
    const combined = combinedAt.get(index);
    if (combined !== undefined) return [combined];
    return inCombined.has(index) ? [] : [message];
  });
}

/** The kind a message is combined under; undefined for what is never combined (the digest, the alerter's own). */
function combinableKind(message: Alert): CombinableKind | undefined {
  return message.kind === 'digest' || message.kind === 'test' || isIncident(message)
    ? undefined
    : message.kind;
}

/** Messages of one company and kind as one; undefined for none. */
function combine(messages: readonly Alert[], combined: CombinedAlert['combined']): CombinedAlert | undefined {
  // In the order a reader looks them up: by the reason's name.
  const title = (alert: Alert) => describeReason(alert.reason).title;
  const sections = [...messages].sort(
    (a, b) => title(a).localeCompare(title(b)) || a.alertId.localeCompare(b.alertId),
  );
  const first = sections[0];
  const kind = first && combinableKind(first);
  if (first === undefined || kind === undefined) return undefined;
  return {
    alertId: combinedIdOf(combined, kind, first.companyId, sections),
    kind,
    combined,
    companyId: first.companyId,
    companyName: sections.find((section) => section.companyName !== null)?.companyName ?? null,
    sections,
    totals: combinedTotals(sections),
    detectedAt:
      sections
        .map((section) => section.detectedAt)
        .sort()
        .at(-1) ?? first.detectedAt,
    possibleRedelivery: sections.some((section) => section.possibleRedelivery),
  };
}

/** The same sections always give the same id, whatever their order, so a retried delivery can be recognised. */
function combinedIdOf(
  combined: CombinedAlert['combined'],
  kind: CombinableKind,
  companyId: string,
  sections: readonly Alert[],
): string {
  const hash = createHash('sha256').update(`${combined}\n${kind}\n${companyId}`);
  for (const id of sections.map((section) => section.alertId).sort()) hash.update(`\n${id}`);
  return `${combined === 'current-state' ? 'state' : 'rollup'}-${hash.digest('hex').slice(0, 24)}`;
}

/**
 * Totals over the sections, each export counted once: an export whose expenses failed for two reasons is listed in
 * both sections. Exports a section counts but no longer lists (a reminder lists the newest) cannot be matched, so
 * they are added as they are. Failed expenses differ by reason, so they add up.
 */
function combinedTotals(sections: readonly Alert[]): Alert['totals'] {
  const listed = new Map<string, AlertJob>();
  let unlistedJobs = 0;
  let unlistedItems = 0;
  let failedItems = 0;
  let uncounted = 0;
  for (const section of sections) {
    for (const job of section.jobs) listed.set(job.jobId, job);
    const listedItems = section.jobs.reduce((sum, job) => sum + job.numberOfItems, 0);
    unlistedJobs += Math.max(0, section.totals.jobs - section.jobs.length);
    unlistedItems += Math.max(0, section.totals.items - listedItems);
    failedItems += section.totals.failedItems;
    uncounted += section.totals.uncounted ?? 0;
  }
  const listedItems = [...listed.values()].reduce((sum, job) => sum + job.numberOfItems, 0);
  return {
    jobs: listed.size + unlistedJobs,
    items: listedItems + unlistedItems,
    failedItems,
    uncounted: uncounted || undefined,
  };
}
