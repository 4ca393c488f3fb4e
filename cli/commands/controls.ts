// `mute add|list|expire`, `ack`, `snooze`: what an operator says about failure groups, through the same use cases
// the actions Lambda calls (functions/app/controls.ts).
import { acknowledge, addMute, expireMute, snooze } from '../../functions/app/controls.js';
import type { Mute } from '../../functions/domain/controls.js';
import { parseDuration } from '../../functions/domain/duration.js';
import { describeReason } from '../../functions/domain/reasons.js';
import { formatUtc, plural } from '../../functions/render/text.js';
import {
  authorOf,
  COMMON_USAGE,
  CommandError,
  noPositionals,
  parseCommand,
  required,
  UsageError,
} from '../args.js';
import { controlDeps, stateOf } from '../aws.js';
import type { Command, CommandContext, Report } from '../command.js';

const MUTE_ADD_USAGE = `mute add --company <id|name> [--reason <reason>] [--category <category>] --for <duration> --comment <text> [--author <name>] ${COMMON_USAGE}`;
const MUTE_LIST_USAGE = `mute list ${COMMON_USAGE}`;
const MUTE_EXPIRE_USAGE = `mute expire <id> ${COMMON_USAGE}`;
const MUTE_USAGE = `mute add|list|expire … (mute <subcommand> --help)`;
const ACK_USAGE = `ack --company <id|name> --reason <reason> [--comment <text>] [--author <name>] ${COMMON_USAGE}`;
const SNOOZE_USAGE = `snooze --company <id|name> --reason <reason> --for <duration> [--comment <text>] [--author <name>] ${COMMON_USAGE}`;

const WHO = { author: { type: 'string' }, comment: { type: 'string' } } as const;
const GROUP = { company: { type: 'string' }, reason: { type: 'string' } } as const;

export const mute: Command = {
  name: 'mute',
  usage: MUTE_USAGE,
  summary: "keep a company's new failures quiet for a while (add, list, expire)",
  async run(context) {
    const [subcommand, ...rest] = context.argv;
    switch (subcommand) {
      case 'add':
        return muteAdd({ ...context, argv: rest });
      case 'list':
        return muteList({ ...context, argv: rest });
      case 'expire':
        return muteExpire({ ...context, argv: rest });
      default:
        throw new UsageError(
          subcommand === undefined ? 'mute needs a subcommand' : `unknown subcommand "mute ${subcommand}"`,
          MUTE_USAGE,
        );
    }
  },
};

async function muteAdd({ argv, io, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(
    argv,
    {
      ...WHO,
      company: { type: 'string' },
      reason: { type: 'string' },
      category: { type: 'string' },
      for: { type: 'string' },
    },
    MUTE_ADD_USAGE,
  );
  noPositionals(positionals, MUTE_ADD_USAGE);
  const company = required(values.company, 'company', MUTE_ADD_USAGE);
  const durationMs = duration(required(values.for, 'for', MUTE_ADD_USAGE));
  const comment = required(values.comment, 'comment', MUTE_ADD_USAGE);
  const target = await deployment(values.stack);
  const access = stateOf(target);
  try {
    const added = await addMute(controlDeps(access, target, io.env, now), {
      company,
      reason: values.reason,
      category: values.category,
      durationMs,
      comment,
      author: authorOf(values.author),
    });
    return {
      json: added,
      text: [`Muted ${describeMute(added)}`, `id ${added.id}: mute expire ${added.id} ends it`],
    };
  } finally {
    access.close();
  }
}

async function muteList({ argv, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(argv, {}, MUTE_LIST_USAGE);
  noPositionals(positionals, MUTE_LIST_USAGE);
  const access = stateOf(await deployment(values.stack));
  try {
    const { mutes } = await access.controls.controls();
    const at = now().toISOString();
    const inForce = mutes
      .filter((m) => m.expiresAt > at)
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
    const ended = mutes
      .filter((m) => m.expiresAt <= at)
      .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));
    return {
      json: { inForce, ended },
      text: [
        inForce.length === 0 ? 'Mutes in force: none' : `Mutes in force: ${inForce.length}`,
        ...inForce.map((m) => `  ${m.id}  ${describeMute(m)}`),
        ...(ended.length === 0
          ? []
          : ['Ended in the last 7 days:', ...ended.map((m) => `  ${m.id}  ${describeMute(m)}`)]),
      ],
    };
  } finally {
    access.close();
  }
}

async function muteExpire({ argv, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(argv, {}, MUTE_EXPIRE_USAGE);
  const [id, ...extra] = positionals;
  if (id === undefined)
    throw new UsageError('mute expire needs the id of a mute (mute list shows them)', MUTE_EXPIRE_USAGE);
  noPositionals(extra, MUTE_EXPIRE_USAGE);
  const access = stateOf(await deployment(values.stack));
  try {
    const ended = await expireMute({ controls: access.controls, now }, id);
    return { json: ended, text: [`Ended mute ${ended.id}: ${describeMute(ended)}`] };
  } finally {
    access.close();
  }
}

export const ack: Command = {
  name: 'ack',
  usage: ACK_USAGE,
  summary: "stop a failure group's reminders until it fails again",
  async run({ argv, io, deployment, now }) {
    const { values, positionals } = parseCommand(argv, { ...WHO, ...GROUP }, ACK_USAGE);
    noPositionals(positionals, ACK_USAGE);
    const company = required(values.company, 'company', ACK_USAGE);
    const reason = required(values.reason, 'reason', ACK_USAGE);
    const target = await deployment(values.stack);
    const access = stateOf(target);
    try {
      const done = await acknowledge(controlDeps(access, target, io.env, now), {
        company,
        reason,
        comment: values.comment,
        author: authorOf(values.author),
      });
      return {
        json: done,
        text: [
          `Acknowledged ${describeReason(done.reason).title} at ${done.companyId}: no more reminders until it fails again`,
        ],
      };
    } finally {
      access.close();
    }
  },
};

export const snoozeCommand: Command = {
  name: 'snooze',
  usage: SNOOZE_USAGE,
  summary: "delay a failure group's reminders for a while",
  async run({ argv, io, deployment, now }) {
    const { values, positionals } = parseCommand(
      argv,
      { ...WHO, ...GROUP, for: { type: 'string' } },
      SNOOZE_USAGE,
    );
    noPositionals(positionals, SNOOZE_USAGE);
    const company = required(values.company, 'company', SNOOZE_USAGE);
    const reason = required(values.reason, 'reason', SNOOZE_USAGE);
    const durationMs = duration(required(values.for, 'for', SNOOZE_USAGE));
    const target = await deployment(values.stack);
    const access = stateOf(target);
    try {
      const done = await snooze(controlDeps(access, target, io.env, now), {
        company,
        reason,
        durationMs,
        comment: values.comment,
        author: authorOf(values.author),
      });
      return {
        json: done,
        text: [
          `Snoozed ${describeReason(done.reason).title} at ${done.companyId} until ${formatUtc(done.until)}`,
        ],
      };
    } finally {
      access.close();
    }
  },
};

function describeMute(m: Mute): string {
  const what = [m.reason && describeReason(m.reason).title, m.category && `${m.category} reasons`]
    .filter(Boolean)
    .join(', ');
  return (
    `${m.companyId}${what ? ` (${what})` : ' (every reason)'} until ${formatUtc(m.expiresAt)}, by ${m.author}: ` +
    `"${m.comment}"${m.mutedExports > 0 ? `, ${plural(m.mutedExports, 'failed export')} kept quiet` : ''}`
  );
}

function duration(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new CommandError(`--for ${(error as Error).message}`);
  }
}
