// Command-line arguments, read with node:util's parseArgs: every command shares --stack, --json and --help, and
// adds its own options. Anything it does not know is a usage error (exit 2).
import { userInfo } from 'node:os';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Bad usage: said in one line, with the command's usage line after it; exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something wrong that the user should know by name (a missing stack, an unknown company); exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every command takes. */
export const COMMON_OPTIONS = {
  stack: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const COMMON_USAGE = '[--stack <name>] [--json]';

/** Parses one command's arguments; an unknown option, a missing value or a stray argument is a UsageError. */
export function parseCommand<const O extends Options>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? oneLine(error.message) : String(error), usage);
  }
}

/** A required string option, or a UsageError naming it. */
export function required(value: string | boolean | undefined, name: string, usage: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`, usage);
  return value.trim();
}

/** A command that takes no arguments besides its options: a stray word is a UsageError. */
export function noPositionals(positionals: readonly string[], usage: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, usage);
}

/** parseArgs' messages run to several lines of advice; the first says what is wrong. */
function oneLine(message: string): string {
  return message.split(/\n|\. (?=[A-Z])/)[0] ?? message;
}

/** --author as given, else the OS user, as amtool does. */
export function authorOf(given: string | undefined): string {
  if (given !== undefined) return given;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
