// Records everything a test run writes: process.stdout/stderr (where Powertools' Logger writes) and the console,
// so a test can assert that a secret never reached the logs.
import { format } from 'node:util';

type Write = typeof process.stdout.write;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export interface CapturedOutput {
  /** Everything written so far, in order. */
  text(): string;
  restore(): void;
}

/** Starts recording (and silencing) the process's output until `restore()`. */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  };
  const originals = {
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    console: CONSOLE_METHODS.map((name) => [name, console[name]] as const),
  };
  const swallow = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as Write;
  process.stdout.write = swallow;
  process.stderr.write = swallow;
  for (const name of CONSOLE_METHODS) {
    console[name] = (...args: unknown[]) => record(`${format(...args)}\n`);
  }
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
      for (const [name, method] of originals.console) console[name] = method;
    },
  };
}

/** Every text an error carries: messages, stacks, own properties, down its `cause` chain. */
export function errorTexts(error: unknown, depth = 0): string[] {
  if (depth > 10 || error === undefined || error === null) return [];
  if (!(error instanceof Error)) return [typeof error === 'string' ? error : format('%o', error)];
  const own = Object.entries(error).map(([key, value]) => `${key}: ${format('%o', value)}`);
  return [error.message, error.stack ?? '', ...own, ...errorTexts(error.cause, depth + 1)];
}
