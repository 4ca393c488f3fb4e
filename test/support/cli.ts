// Runs the CLI in-process, as `npx pleo-export-alerts` would, and keeps what it printed.
import type { RunOptions } from '../../cli/main.js';
import { run } from '../../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI on `argv`, over the environment `env` (the process's own by default, as the tests' parts set it). */
export async function cli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: RunOptions = {},
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
    },
    options,
  );
  return { code, stdout, stderr };
}
