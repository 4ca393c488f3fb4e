// Runs one poll in a fresh node process (bench/poll-child.ts) and returns what it reported.
import { spawn } from 'node:child_process';
import { nodeOptions } from '../lib/node-options.js';
import type { PollChildMessage } from './poll-child.js';

export type PollRun = Extract<PollChildMessage, { ok: true }>;

export interface PollProcessOptions {
  /** The built poll child (.mjs). */
  child: string;
  /** The built poller bundle (.mjs). */
  bundle: string;
  /** The whole environment of the child: nothing leaks in from the benchmark's own. */
  env: Record<string, string>;
  /** The function's memory: the heap limits follow it as Lambda's Node.js bootstrap sets them. */
  memoryMb: number;
  /** The time the invocation has left when the handler is called (default: Lambda's longest, 15 minutes). */
  remainingMs?: number | undefined;
}

const STDERR_KEPT = 4_000;

/** The poll needed more heap than the function's memory gives it. */
export class PollOutOfMemoryError extends Error {
  override readonly name = 'PollOutOfMemoryError';
  constructor(
    readonly memoryMb: number,
    /** From spawn to the crash. */
    readonly afterMs: number,
    /** Which poll of a scenario, once the scenario knows. */
    readonly phase?: 'cold' | 'warm',
  ) {
    super(`The poll ran out of memory at ${memoryMb} MB after ${Math.round(afterMs)} ms`);
  }
}

export function runPollProcess({
  child,
  bundle,
  env,
  memoryMb,
  remainingMs,
}: PollProcessOptions): Promise<PollRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // stdout (the handler's JSON logs and metrics) is dropped, as CloudWatch would take it off the process.
    // The options the stack deploys with; like Lambda's bootstrap, heap flags of its own only when they set none.
    const options = nodeOptions(memoryMb);
    const heapFlags = /max[-_](old|semi)[-_]space/.test(options) ? [] : lambdaHeapFlags(memoryMb);
    const remaining = remainingMs === undefined ? [] : [String(Math.round(remainingMs))];
    const proc = spawn(process.execPath, [...heapFlags, child, bundle, ...remaining], {
      env: { ...env, NODE_OPTIONS: options, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let message: PollChildMessage | undefined;
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    proc.on('message', (received) => {
      message = received as PollChildMessage;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (message?.ok) resolve(message);
      else if (stderr.includes('JavaScript heap out of memory')) {
        reject(new PollOutOfMemoryError(memoryMb, performance.now() - started));
      } else {
        const why = message ? message.error : `exited with ${signal ?? code} before reporting`;
        reject(new Error(`The poll failed: ${why}${stderr ? `\n--- stderr ---\n${stderr}` : ''}`));
      }
    });
  });
}

/**
 * Unless NODE_OPTIONS sets them, Lambda's Node.js bootstrap sizes V8's heap from the function's memory: a tenth for the young generation (half
 * of it per semi-space), the rest for the old generation. Without these, V8 on a large machine lets garbage pile
 * up far past what the function has.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}
