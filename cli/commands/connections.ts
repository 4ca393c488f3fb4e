// `connections add|list|verify|remove`: the Pleo keys the alerter polls with, one per client company, changed
// without a redeploy through the connection use cases (functions/app/connections.ts).
import {
  addConnection,
  listConnections,
  removeConnection,
  verifyConnections,
} from '../../functions/app/connections.js';
import type { ConnectionRecord } from '../../functions/contracts/connection.js';
import { formatUtc } from '../../functions/render/text.js';
import { COMMON_USAGE, CommandError, noPositionals, parseCommand, UsageError } from '../args.js';
import { connectionDeps } from '../aws.js';
import type { Command, CommandContext, Report } from '../command.js';

const ADD_USAGE = `connections add <name> (--company <uuid> | --companies <uuid>[=<name>],…) [--expires YYYY-MM-DD] [--bearer] ${COMMON_USAGE}  (the key on standard input, or typed at the prompt)`;
const LIST_USAGE = `connections list ${COMMON_USAGE}`;
const VERIFY_USAGE = `connections verify ${COMMON_USAGE}`;
const REMOVE_USAGE = `connections remove <name> ${COMMON_USAGE}`;
const USAGE = 'connections add|list|verify|remove … (connections <subcommand> --help)';

export const connections: Command = {
  name: 'connections',
  usage: USAGE,
  summary:
    'the Pleo keys polled, one per client company: add (checked with Pleo first), list, verify, remove',
  async run(context) {
    const [subcommand, ...rest] = context.argv;
    const sub = { ...context, argv: rest };
    switch (subcommand) {
      case 'add':
        return add(sub);
      case 'list':
        return list(sub);
      case 'verify':
        return verify(sub);
      case 'remove':
        return remove(sub);
      default:
        throw new UsageError(
          subcommand === undefined
            ? 'connections needs a subcommand'
            : `unknown subcommand "connections ${subcommand}"`,
          USAGE,
        );
    }
  },
};

async function add({ argv, io, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(
    argv,
    {
      company: { type: 'string' },
      companies: { type: 'string' },
      expires: { type: 'string' },
      bearer: { type: 'boolean' },
    },
    ADD_USAGE,
  );
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError('connections add needs a name for the connection', ADD_USAGE);
  noPositionals(extra, ADD_USAGE);
  if (!io.readSecret) throw new CommandError('no standard input to read the key from');
  const target = await deployment(values.stack);
  const key = await io.readSecret(`Pleo ${values.bearer ? 'bearer token' : 'API key'} for ${name}: `);
  const deps = await connectionDeps(target, io.env, now);
  try {
    const { connection, found } = await addConnection(deps, {
      name,
      companyId: values.company,
      companies: values.companies === undefined ? undefined : companyList(values.companies),
      expiresOn: values.expires,
      key,
      bearer: values.bearer,
    });
    const expiry = connection.expiresOn
      ? `; it expires on ${connection.expiresOn}`
      : '; no expiry date given (--expires)';
    return { json: { connection, found }, text: [`Added ${connection.name}: ${found}${expiry}`] };
  } finally {
    deps.close();
  }
}

async function list({ argv, io, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(argv, {}, LIST_USAGE);
  noPositionals(positionals, LIST_USAGE);
  const deps = await connectionDeps(await deployment(values.stack), io.env, now);
  try {
    const { connections, malformed } = await listConnections(deps);
    const rows = connections.map((c) => [c.name, covered(c), c.expiresOn ?? '-', formatUtc(c.addedAt)]);
    return {
      json: { connections, malformed },
      text:
        rows.length === 0
          ? ['No connections: connections add <name> --company <uuid> adds one']
          : table([['NAME', 'COMPANY', 'EXPIRES', 'ADDED'], ...rows]),
      problems: malformed.map((m) => `connection ${m.name}: its record is malformed (${m.problem})`),
    };
  } finally {
    deps.close();
  }
}

async function verify({ argv, io, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(argv, {}, VERIFY_USAGE);
  noPositionals(positionals, VERIFY_USAGE);
  const deps = await connectionDeps(await deployment(values.stack), io.env, now);
  try {
    const checks = await verifyConnections(deps);
    return {
      json: { ok: checks.every((c) => c.ok), connections: checks },
      text:
        checks.length === 0
          ? ['No connections to verify']
          : checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`),
      problems: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
    };
  } finally {
    deps.close();
  }
}

async function remove({ argv, io, deployment, now }: CommandContext): Promise<Report> {
  const { values, positionals } = parseCommand(argv, {}, REMOVE_USAGE);
  const [name, ...extra] = positionals;
  if (name === undefined)
    throw new UsageError('connections remove needs the name of a connection', REMOVE_USAGE);
  noPositionals(extra, REMOVE_USAGE);
  const deps = await connectionDeps(await deployment(values.stack), io.env, now);
  try {
    const removed = await removeConnection(deps, name);
    const key = removed.credential.kind === 'parameter' ? `, and its key (${removed.credential.name})` : '';
    return {
      json: removed,
      text: [`Removed ${removed.name} (${covered(removed)})${key}: it is polled no more`],
    };
  } finally {
    deps.close();
  }
}

/** `<uuid>[=<name>],…` as companies. */
function companyList(given: string): Array<{ id: string; name?: string }> {
  return given
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id = '', ...name] = entry.split('=');
      return name.length > 0 ? { id, name: name.join('=').trim() } : { id };
    });
}

function covered(connection: ConnectionRecord): string {
  if (connection.companyId) return connection.companyId;
  const count = connection.companies?.length ?? 0;
  return count > 0 ? `organisation key, ${count} companies` : 'organisation key';
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
