// Runs the CLI in-process, as `npx pleo-export-alerts` would, and keeps what it printed.
import type { RunOptions } from '../../cli/main.js';
import { run } from '../../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI on `argv`, over the environment `env` (the process's own by default, as the tests' parts set it), with
 * `input` on its standard input (none: nothing to read).
 */
export async function cli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: RunOptions = {},
  input?: string,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    argv,
    {
      env,
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      ...(input !== undefined && { readSecret: async () => input }),
    },
    options,
  );
  return { code, stdout, stderr };
}
