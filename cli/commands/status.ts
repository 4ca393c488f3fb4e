// `status`: the alerter right now: the last successful poll, open failure groups per company (and whether each is
// acknowledged, snoozed or muted), mutes in force, what waits in the outbox and the dead-letter queues, and who
// receives the topic's messages.
import {
  acknowledgementOf,
  type Controls,
  type Mute,
  muteOf,
  snoozeOf,
} from '../../functions/domain/controls.js';
import type { FailureGroup } from '../../functions/domain/lifecycle.js';
import { describeReason } from '../../functions/domain/reasons.js';
import { formatUtc, plural } from '../../functions/render/text.js';
import { COMMON_USAGE, noPositionals, parseCommand } from '../args.js';
import { queueDepth, type Subscription, stateOf, topicSubscriptions } from '../aws.js';
import type { Command } from '../command.js';
import type { Deployment } from '../deployment.js';

const USAGE = `status ${COMMON_USAGE}`;

export const status: Command = {
  name: 'status',
  usage: USAGE,
  summary: 'the last poll, open failure groups per company, mutes, the outbox, dead letters, subscribers',
  async run({ argv, deployment, now }) {
    const { values, positionals } = parseCommand(argv, {}, USAGE);
    noPositionals(positionals, USAGE);
    const target = await deployment(values.stack);
    const access = stateOf(target);
    try {
      const at = now();
      const [health, groups, outbox, controls, deadLetters, subscriptions] = await Promise.all([
        access.state.pollerHealth(),
        access.state.failureGroups(),
        access.state.outbox(),
        access.controls.controls(),
        deadLettersWaiting(target),
        target.topicArn ? topicSubscriptions(target.topicArn) : Promise.resolve(undefined),
      ]);
      const open = groups.filter((group) => group.state === 'open').sort(byCompanyThenReason);
      const mutes = controls.mutes.filter((mute) => mute.expiresAt > at.toISOString());
      const waiting = countBy(outbox.map((entry) => entry.status));
      const groupsJson = open.map((group) => groupJson(group, controls, at));
      return {
        json: {
          source: target.source,
          tableName: target.tableName,
          lastSuccessfulPoll: health.lastSuccessAt ?? null,
          pollsFailingToReachPleo: health.pleoFailures,
          openGroups: groupsJson,
          mutes,
          outbox: { total: outbox.length, byStatus: waiting },
          deadLetters,
          subscriptions: subscriptions ?? null,
        },
        text: [
          `Alerter: ${target.source} (table ${target.tableName})`,
          `Last successful poll: ${health.lastSuccessAt ? formatUtc(health.lastSuccessAt) : 'none yet'}` +
            (health.pleoFailures > 0
              ? ` (the last ${plural(health.pleoFailures, 'poll')} could not reach Pleo)`
              : ''),
          '',
          ...openGroupLines(open, controls, at),
          '',
          ...muteLines(mutes),
          '',
          outbox.length === 0
            ? 'Outbox: empty'
            : `Outbox: ${plural(outbox.length, 'message')} waiting (${Object.entries(waiting)
                .map(([key, count]) => `${count} ${key}`)
                .join(', ')})`,
          deadLetterLine(deadLetters),
          ...subscriptionLines(subscriptions),
        ],
      };
    } finally {
      access.close();
    }
  },
};

function openGroupLines(open: readonly FailureGroup[], controls: Controls, now: Date): string[] {
  if (open.length === 0) return ['Open failure groups: none'];
  const lines = [`Open failure groups: ${open.length}`];
  let company: string | undefined;
  for (const group of open) {
    if (group.companyId !== company) {
      company = group.companyId;
      lines.push(`  ${group.companyName ? `${group.companyName} (${group.companyId})` : group.companyId}`);
    }
    const said = saidAbout(group, controls, now);
    lines.push(
      `    ${describeReason(group.reason).title} [${group.reason}]: since ${formatUtc(group.openedAt)}, ` +
        `${plural(group.totals.jobs, 'export')}, ${plural(group.remindersSent, 'reminder')} sent` +
        (said.length > 0 ? `; ${said.join('; ')}` : ''),
    );
  }
  return lines;
}

/** What people said about a group that holds now: acknowledged, snoozed, muted. */
function saidAbout(group: FailureGroup, controls: Controls, now: Date): string[] {
  const ack = acknowledgementOf(group, controls);
  const snooze = snoozeOf(group, controls, now);
  const mute = muteOf(group, controls, now);
  return [
    ...(ack ? [`acknowledged by ${ack.author} at ${formatUtc(ack.at)}`] : []),
    ...(snooze ? [`snoozed until ${formatUtc(snooze.until)} by ${snooze.author}`] : []),
    ...(mute ? [`muted until ${formatUtc(mute.expiresAt)} (mute ${mute.id})`] : []),
  ];
}

function muteLines(mutes: readonly Mute[]): string[] {
  if (mutes.length === 0) return ['Mutes in force: none'];
  return [
    `Mutes in force: ${mutes.length}`,
    ...mutes.map(
      (mute) =>
        `  ${mute.id}  ${mute.companyId}${mute.reason ? ` ${mute.reason}` : ''}${mute.category ? ` (${mute.category})` : ''} ` +
        `until ${formatUtc(mute.expiresAt)}: ${plural(mute.mutedExports, 'failed export')} kept quiet`,
    ),
  ];
}

type DeadLetters = Record<'poll' | 'delivery', number | null>;

async function deadLettersWaiting(target: Deployment): Promise<DeadLetters> {
  const depth = (url: string | undefined) => (url ? queueDepth(url) : Promise.resolve(null));
  const [poll, delivery] = await Promise.all([
    depth(target.pollDeadLetterQueueUrl),
    depth(target.deliveryDeadLetterQueueUrl),
  ]);
  return { poll, delivery };
}

function deadLetterLine(deadLetters: DeadLetters): string {
  const known = Object.entries(deadLetters).filter(([, count]) => count !== null);
  if (known.length === 0) return 'Dead letters: queues not known here (give --stack)';
  return `Dead letters: ${known.map(([queue, count]) => `${count} ${queue}`).join(', ')}`;
}

function subscriptionLines(subscriptions: Subscription[] | undefined): string[] {
  if (subscriptions === undefined) return ['Subscriptions: topic not known here (give --stack)'];
  if (subscriptions.length === 0) return ['Subscriptions: none: nobody receives the alerts'];
  return [
    `Subscriptions: ${subscriptions.length}`,
    ...subscriptions.map(
      (s) => `  ${s.protocol} ${s.endpoint}: ${s.confirmed ? 'confirmed' : 'pending confirmation'}`,
    ),
  ];
}

function groupJson(group: FailureGroup, controls: Controls, now: Date) {
  return {
    companyId: group.companyId,
    companyName: group.companyName,
    reason: group.reason,
    category: group.category,
    openedAt: group.openedAt,
    lastFailureAt: group.lastFailureAt,
    exports: group.totals.jobs,
    remindersSent: group.remindersSent,
    acknowledged: acknowledgementOf(group, controls) ?? null,
    snoozed: snoozeOf(group, controls, now) ?? null,
    muted: muteOf(group, controls, now) ?? null,
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
