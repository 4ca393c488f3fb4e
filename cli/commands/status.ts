// `status`: what the alerter holds right now: the open failure groups per company and what waits in the outbox.

import type { FailureGroup } from '../../functions/domain/lifecycle.js';
import { describeReason } from '../../functions/domain/reasons.js';
import { formatUtc, plural } from '../../functions/render/text.js';
import { COMMON_USAGE, noPositionals, parseCommand } from '../args.js';
import { stateOf } from '../aws.js';
import type { Command } from '../command.js';

const USAGE = `status ${COMMON_USAGE}`;

export const status: Command = {
  name: 'status',
  usage: USAGE,
  summary: 'open failure groups per company, and what waits in the outbox',
  async run({ argv, deployment }) {
    const { values, positionals } = parseCommand(argv, {}, USAGE);
    noPositionals(positionals, USAGE);
    const target = await deployment(values.stack);
    const { state, close } = stateOf(target);
    try {
      const [groups, outbox] = await Promise.all([state.failureGroups(), state.outbox()]);
      const open = groups.filter((group) => group.state === 'open').sort(byCompanyThenReason);
      const waiting = countBy(outbox.map((entry) => entry.status));
      return {
        json: {
          source: target.source,
          tableName: target.tableName,
          openGroups: open.map(groupJson),
          outbox: { total: outbox.length, byStatus: waiting },
        },
        text: [
          `Alerter: ${target.source} (table ${target.tableName})`,
          '',
          ...openGroupLines(open),
          '',
          outbox.length === 0
            ? 'Outbox: empty'
            : `Outbox: ${plural(outbox.length, 'message')} waiting (${Object.entries(waiting)
                .map(([key, count]) => `${count} ${key}`)
                .join(', ')})`,
        ],
      };
    } finally {
      close();
    }
  },
};

function openGroupLines(open: readonly FailureGroup[]): string[] {
  if (open.length === 0) return ['Open failure groups: none'];
  const lines = [`Open failure groups: ${open.length}`];
  let company: string | undefined;
  for (const group of open) {
    if (group.companyId !== company) {
      company = group.companyId;
      lines.push(`  ${group.companyName ? `${group.companyName} (${group.companyId})` : group.companyId}`);
    }
    lines.push(
      `    ${describeReason(group.reason).title} [${group.reason}]: since ${formatUtc(group.openedAt)}, ` +
        `${plural(group.totals.jobs, 'export')}, ${plural(group.remindersSent, 'reminder')} sent`,
    );
  }
  return lines;
}

function groupJson(group: FailureGroup) {
  return {
    companyId: group.companyId,
    companyName: group.companyName,
    reason: group.reason,
    category: group.category,
    openedAt: group.openedAt,
    lastFailureAt: group.lastFailureAt,
    exports: group.totals.jobs,
    remindersSent: group.remindersSent,
  };
}

const byCompanyThenReason = (a: FailureGroup, b: FailureGroup) =>
  (a.companyName ?? a.companyId).localeCompare(b.companyName ?? b.companyId) ||
  a.reason.localeCompare(b.reason);

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
