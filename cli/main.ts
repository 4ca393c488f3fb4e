// `npx pleo-export-alerts <command>`: picks the command, runs it, prints its report as text or JSON, and answers
// with the exit code: 0 fine, 1 something wrong (named), 2 bad usage (with the usage line).
import { ConnectionRequestError, ControlRequestError } from '../functions/app/errors.js';
import { COMMON_USAGE, CommandError, UsageError } from './args.js';
import type { Command, Io, Report } from './command.js';
import { check } from './commands/check.js';
import { connections } from './commands/connections.js';
import { ack, mute, snoozeCommand } from './commands/controls.js';
import { deadLetters } from './commands/dead-letters.js';
import { status } from './commands/status.js';
import { test } from './commands/test.js';
import { resolveDeployment } from './deployment.js';

export const PROGRAM = 'pleo-export-alerts';

const COMMANDS: readonly Command[] = [
  status,
  check,
  test,
  connections,
  mute,
  ack,
  snoozeCommand,
  deadLetters,
];

const USAGE = `<command> [options] ${COMMON_USAGE}`;

export interface RunOptions {
  now?: () => Date;
  /** Stands in for CloudFormation in tests. */
  describeStack?: (name: string) => Promise<Record<string, string>>;
}

export async function run(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name !== undefined) {
      io.stdout(`${help()}\n`);
      return 0;
    }
    io.stderr(`${help()}\n`);
    return 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`, USAGE);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`usage: ${PROGRAM} ${command.usage}\n${command.summary}\n`);
      return 0;
    }
    const report = await command.run({
      argv: rest,
      io,
      now: options.now ?? (() => new Date()),
      deployment: (stack) => resolveDeployment(stack, io.env, options.describeStack),
    });
    print(report, json, io);
    return report.problems?.length ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${PROGRAM}: ${error.message}\nusage: ${PROGRAM} ${error.usage ?? USAGE}\n`);
      return 2;
    }
    io.stderr(`${PROGRAM}: ${describe(error)}\n`);
    return 1;
  }
}

function print(report: Report, json: boolean, io: Io): void {
  if (json) io.stdout(`${JSON.stringify(report.json, null, 2)}\n`);
  else io.stdout(`${report.text.join('\n')}\n`);
  for (const problem of report.problems ?? []) io.stderr(`${PROGRAM}: ${problem}\n`);
}

/** One line: ours as they are, an AWS or network error with its name, so "AccessDenied" or "ECONNREFUSED" shows. */
function describe(error: unknown): string {
  if (
    error instanceof CommandError ||
    error instanceof ControlRequestError ||
    error instanceof ConnectionRequestError
  )
    return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const name = typeof code === 'string' ? code : error.name;
    return `${name}: ${error.message.split('\n')[0]}`;
  }
  return String(error);
}

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `usage: ${PROGRAM} ${USAGE}`,
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options every command takes:',
    `  --stack <name>  the deployed stack (its outputs name the table, topic and queues); without it, the`,
    '                  environment npm start uses: TABLE_NAME, ALERT_TOPIC_ARN, AWS_ENDPOINT_URL_DYNAMODB/_SNS',
    '  --json          machine-readable output',
    '',
    'Exit codes: 0 fine, 1 something wrong (named), 2 bad usage.',
    `Durations: 30m, 12h, 7d. ${PROGRAM} <command> --help for its options.`,
  ].join('\n');
}
