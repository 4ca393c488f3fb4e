// Fits the structured copy of a message into one SNS publish: digest lines beyond the room are left out, job
// texts are cut, late jobs are reduced to their ids. Pure arithmetic on the JSON that will be sent.

import type { SlackMessage } from '../contracts/slack-message.js';
import {
  messageHeader,
  STRUCTURED_PROTOCOLS,
  STRUCTURED_SCHEMA_VERSION,
} from '../contracts/structured-header.js';
import type { StructuredMessage } from '../contracts/structured-message.js';
import { type AlertJob, alertsOf, type DigestLine, isCombined, type Message } from '../domain/alert.js';
import type { EmailMessage } from './email/email.js';
import { cap } from './text.js';

/** The renderings that travel beside the alert data. */
export interface Rendered {
  email: EmailMessage;
  slack: SlackMessage;
}

/** What the structured copy carries once fitted: the message, its alerts' jobs (or digest lines) cut to fit. */
export interface Fitted {
  message: Message;
  overflow: StructuredMessage['overflow'];
}

// Failure-text caps tried in turn while every job still fits in full.
const REASON_CAPS = [2000, 500, 200, 50, 1];
// Failure-text cap for the jobs kept in full once later jobs go to `overflow`.
const OVERFLOW_REASON_CAP = 200;

/** The publish's `Message`: the email text for `default` and `email`, the structured JSON for the rest. */
export function publishMessage(fitted: Fitted, rendered: Rendered): string {
  const value: StructuredMessage = {
    schemaVersion: STRUCTURED_SCHEMA_VERSION,
    ...messageHeader(fitted.message),
    alerts: [...alertsOf(fitted.message)],
    overflow: fitted.overflow,
    ...rendered,
  };
  const structuredJson = JSON.stringify(value);
  const byProtocol: Record<string, string> = { default: rendered.email.body, email: rendered.email.body };
  for (const protocol of STRUCTURED_PROTOCOLS) byProtocol[protocol] = structuredJson;
  return JSON.stringify(byProtocol);
}

/**
 * A digest's lines, open first, as many as fit in `budget` bytes beside its jobs; the rest are counted in
 * `droppedDigestLines`. Other messages pass unchanged. Undefined when not even an empty digest fits.
 */
export function fitDigest(message: Message, rendered: Rendered, budget: number): Fitted | undefined {
  const digest = isCombined(message) ? undefined : message.digest;
  if (isCombined(message) || digest === undefined) return { message, overflow: { alerts: [] } };
  const { open, resolvedSinceYesterday } = digest;
  const withLines = (keptOpen: number, keptResolved: number): Fitted => ({
    message: {
      ...message,
      digest: {
        ...digest,
        open: open.slice(0, keptOpen),
        resolvedSinceYesterday: resolvedSinceYesterday.slice(0, keptResolved),
      },
    },
    overflow: {
      alerts: [],
      droppedDigestLines: {
        open: open.length - keptOpen,
        resolvedSinceYesterday: resolvedSinceYesterday.length - keptResolved,
      },
    },
  });
  // The jobs stay in full; the bytes that fitting them may add to `overflow`, one separator per job and a byte for
  // rounding are left for fitting them afterwards.
  const jobsOverflow = doubleEscapedBytes({
    alertId: message.alertId,
    jobIds: [],
    droppedJobs: message.jobs.length,
  });
  let room = perCopyRoom(budget, withLines(0, 0), rendered) - jobsOverflow - message.jobs.length - 1;
  if (room < 0) return undefined;
  const take = (lines: readonly DigestLine[]) => {
    let kept = 0;
    for (const line of lines) {
      // One array separator per line.
      const size = doubleEscapedBytes(line) + 1;
      if (size > room) break;
      room -= size;
      kept += 1;
    }
    return kept;
  };
  const keptOpen = take(open);
  const keptResolved = keptOpen === open.length ? take(resolvedSinceYesterday) : 0;
  return withLines(keptOpen, keptResolved);
}

/**
 * The jobs of the message's alerts within `budget` bytes: failure texts cut first, then late jobs as ids in
 * `overflow`, then (only when `mayDrop`) the ids that still do not fit dropped and counted. Undefined when they do
 * not fit. Jobs are taken every alert's newest first, then every alert's second, and so on: each alert of a combined
 * message keeps its newest jobs.
 */
export function fitJobs(
  fitted: Fitted,
  rendered: Rendered,
  budget: number,
  mayDrop: boolean,
): Fitted | undefined {
  const alerts = alertsOf(fitted.message);
  const all = newestOfEachFirst(alerts.map((alert) => alert.jobs));
  const n = all.length;
  /** The first jobs of `all` as `full` gives them, the next `ids` as ids, the rest dropped. */
  const result = (full: readonly AlertJob[], ids: number): Fitted => {
    const jobs = alerts.map((): AlertJob[] => []);
    const jobIds = alerts.map((): string[] => []);
    for (const [index, { owner, job }] of all.entries()) {
      if (index < full.length) jobs[owner]?.push(full[index] ?? job);
      else if (index < full.length + ids) jobIds[owner]?.push(job.jobId);
    }
    const cut = alerts.flatMap((alert, owner) => {
      const ids = jobIds[owner] ?? [];
      const droppedJobs = alert.jobs.length - (jobs[owner]?.length ?? 0) - ids.length;
      return ids.length > 0 || droppedJobs > 0 ? [{ alertId: alert.alertId, jobIds: ids, droppedJobs }] : [];
    });
    return { message: withJobs(fitted.message, jobs), overflow: { ...fitted.overflow, alerts: cut } };
  };
  // Less one array separator per job.
  const room = perCopyRoom(budget, result([], 0), rendered) - n;
  if (room < 0) return undefined;
  const idBytes = all.map(({ job }) => doubleEscapedBytes(job.jobId));
  const idTotal = sum(idBytes);

  for (const limit of REASON_CAPS) {
    // A job takes more bytes than its id plus one per code unit of its cut text: skip hopeless caps unmeasured.
    const lowerBound =
      idTotal + sum(all.map(({ job }) => Math.min(job.failureReason?.length ?? 0, limit - 1)));
    if (lowerBound > room) continue;
    const jobs = all.map(({ job }) => capReason(job, limit));
    if (sum(jobs.map(doubleEscapedBytes)) <= room) return result(jobs, 0);
  }

  if (idTotal <= room) {
    // Every id fits: upgrade jobs to full entries, in turn, while room lasts.
    let used = idTotal;
    const jobs: AlertJob[] = [];
    for (const [index, { job }] of all.entries()) {
      const full = capReason(job, OVERFLOW_REASON_CAP);
      const extra = doubleEscapedBytes(full) - (idBytes[index] ?? 0);
      if (used + extra > room) break;
      used += extra;
      jobs.push(full);
    }
    return result(jobs, n - jobs.length);
  }
  if (!mayDrop) return undefined;
  // Last resort: as many ids as fit, in turn.
  let kept = 0;
  let used = 0;
  while (kept < n && used + (idBytes[kept] ?? 0) <= room) {
    used += idBytes[kept] ?? 0;
    kept += 1;
  }
  return result([], kept);
}

/** Every list's first item, then every list's second, and so on, each with the list it came from. */
function newestOfEachFirst(lists: readonly (readonly AlertJob[])[]): Array<{ owner: number; job: AlertJob }> {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  const taken: Array<{ owner: number; job: AlertJob }> = [];
  for (let rank = 0; rank < longest; rank++) {
    for (const [owner, list] of lists.entries()) {
      const job = list[rank];
      if (job !== undefined) taken.push({ owner, job });
    }
  }
  return taken;
}

/** The message with each alert's jobs replaced, in the order of `alertsOf`. */
function withJobs(message: Message, jobs: readonly AlertJob[][]): Message {
  if (!isCombined(message)) return { ...message, jobs: jobs[0] ?? [] };
  return {
    ...message,
    sections: message.sections.map((section, index) => ({ ...section, jobs: jobs[index] ?? [] })),
  };
}

/** Bytes left for each copy of the structured JSON once `base` (without what is being fitted) is sent. */
function perCopyRoom(budget: number, base: Fitted, rendered: Rendered): number {
  return Math.floor((budget - bytes(publishMessage(base, rendered))) / STRUCTURED_PROTOCOLS.length);
}

function capReason(job: AlertJob, limit: number): AlertJob {
  return job.failureReason === null ? job : { ...job, failureReason: cap(job.failureReason, limit) };
}

/** Bytes a value adds once it is JSON inside a JSON string inside the JSON message (escaped twice). */
function doubleEscapedBytes(value: unknown): number {
  return bytes(JSON.stringify(JSON.stringify(value))) - 2;
}

export function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
