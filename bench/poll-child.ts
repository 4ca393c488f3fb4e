// One poll in a fresh process, as a Lambda invocation runs it: imports the bundled poller handler, invokes it
// once and sends the parent what it cost. Built with esbuild and run on plain node (no tsx in the process whose
// memory is measured). Usage: node poll-child.mjs <bundle.mjs> [remaining ms]; the poller's environment comes from
// the parent.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { PollOutcome } from '../functions/handlers/poller/compose.js';

/** What the child reports to the parent over IPC. */
export type PollChildMessage =
  | {
      ok: true;
      outcome: PollOutcome;
      /** Importing the bundle: module loading plus the handler's top-level setup. */
      initMs: number;
      /** The handler call: one poll. */
      pollMs: number;
      /** The process's peak RSS (Linux VmHWM), in KB. */
      peakRssKb: number;
      /** RSS once the bundle is loaded, before the poll. */
      initRssKb: number;
      /** The largest of each figure during the poll, sampled every 20 ms: where the memory went. */
      peakMemory: NodeJS.MemoryUsage;
    }
  | { ok: false; error: string };

const FIFTEEN_MINUTES_MS = 15 * 60_000;

/** An invocation with `remainingMs` left, as getRemainingTimeInMillis reports it (default: Lambda's longest). */
function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'pleo-export-alerts-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:pleo-export-alerts-bench',
    memoryLimitInMB: '256',
    awsRequestId: 'bench',
    logGroupName: '/aws/lambda/pleo-export-alerts-bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * The high-water mark of this process image's RSS. On Linux not ru_maxrss: a child forked from a large parent keeps
 * the parent's mark across exec, so the benchmark's own data would count against the poller.
 */
function peakRssKb(): number {
  const status = process.platform === 'linux' ? readFileSync('/proc/self/status', 'utf8') : '';
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return hwm === undefined ? process.resourceUsage().maxRSS : Number(hwm);
}

function trackPeakMemory() {
  const peak = process.memoryUsage();
  const sample = () => {
    const now = process.memoryUsage();
    for (const key of Object.keys(peak) as Array<keyof NodeJS.MemoryUsage>)
      peak[key] = Math.max(peak[key], now[key]);
  };
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function main(bundlePath: string, remainingMs: number): Promise<PollChildMessage> {
  const importStarted = performance.now();
  const { handler } = (await import(pathToFileURL(bundlePath).href)) as {
    handler: (event: unknown, context: Context) => Promise<PollOutcome>;
  };
  const initRssKb = process.memoryUsage().rss / 1024;
  const peak = trackPeakMemory();
  const pollStarted = performance.now();
  const outcome = await handler({}, lambdaContext(remainingMs));
  const pollEnded = performance.now();
  const peakMemory = peak.stop();
  return {
    ok: true,
    outcome,
    initMs: pollStarted - importStarted,
    pollMs: pollEnded - pollStarted,
    peakRssKb: peakRssKb(),
    initRssKb,
    peakMemory,
  };
}

const [bundlePath, remaining] = process.argv.slice(2);
const message: PollChildMessage = bundlePath
  ? await main(bundlePath, remaining ? Number(remaining) : FIFTEEN_MINUTES_MS).catch((error: unknown) => ({
      ok: false as const,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }))
  : { ok: false, error: 'usage: node poll-child.mjs <bundle.mjs> [remaining ms]' };
// Open keep-alive sockets would hold the process: leave once the parent has the message.
process.send?.(message, () => process.exit(message.ok ? 0 : 1));
