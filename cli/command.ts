// What a command is to the CLI's entry point: its name and usage line, and how it runs.
import type { Deployment } from './deployment.js';

export interface Io {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** A secret typed or piped in (standard input, or a prompt that does not echo it); never an argument. */
  readSecret?: (prompt: string) => Promise<string>;
}

/** What a command found: shown as text, or as JSON with --json. Problems make the exit code 1. */
export interface Report {
  text: string[];
  json: unknown;
  /** What is wrong, each named in one line (exit code 1). */
  problems?: string[];
}

export interface CommandContext {
  argv: readonly string[];
  io: Io;
  /** The alerter: the stack --stack names, else the environment's. Called once the arguments are checked. */
  deployment: (stack: string | undefined) => Promise<Deployment>;
  now: () => Date;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(context: CommandContext): Promise<Report>;
}
