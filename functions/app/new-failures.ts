// Finds the failures no earlier poll handled: pages through Pleo, asks DynamoDB about each page while the next
// one loads, and fetches the failed items of the jobs whose reasons live on their items.

import { ALERTING_STATUSES, type ExportJob } from '../domain/export-job.js';
import { foldItemReasons, type ItemReason, type NewFailure, needsItems } from '../domain/group.js';
import type { CompletedExport } from '../domain/lifecycle.js';
import { createLimiter, forEachLimited } from '../shared/concurrency.js';
import {
  OrganisationListingRefusedError,
  PleoCredentialsError,
  PleoRequestError,
  PleoUnavailableError,
} from './errors.js';
import type { AlertHistory, ListingCheckpoint, ListingCheckpoints, Log, PleoExports } from './ports.js';

export interface Scope {
  pleo: PleoExports;
  state: AlertHistory;
  log: Log;
  /** Company ids to list one by one; empty: organisation-wide. */
  companyIds: readonly string[];
  signal?: AbortSignal | undefined;
}

export interface NewJobs {
  jobsSeen: number;
  /** Newest first, scope by scope. */
  newJobs: ExportJob[];
  /** The listing stopped at its deadline: some pages wait for the next poll. */
  stoppedEarly: boolean;
  /**
   * Where each scope's listing stands once the poll is over: the jobs in `unhandled` (new, but not alerted this
   * poll) are listed again by the next poll, which goes on from the page that held the first of them.
   */
  checkpoints: (unhandled: ReadonlySet<string>) => ListingCheckpoints;
}

export interface ListingOptions {
  /** The lookback's start: older jobs are not wanted. */
  horizon: Date;
  now: Date;
  /** How often the whole lookback is listed again, for exports that failed long after they started. */
  sweepEveryMs: number;
  /** Jobs in the outbox: no new alert may repeat them. */
  inFlight: ReadonlySet<string>;
  /** DynamoDB lookups in flight at once. */
  concurrency: number;
  /** Where earlier polls stopped. */
  checkpoints: ListingCheckpoints;
  /** When the listing stops (a `performance.now()` time, its share of the poll's time): what was found goes on. */
  deadline: number;
}

/** The key of the organisation-wide listing among the checkpoints; company ids key the others. */
const ORGANISATION = '*';
/** A scope with more segments than this (new jobs outrunning every poll) starts over with one listing of it all. */
const MAX_SEGMENTS = 20;

/** A run of pages in one scope: from Pleo's cursor (none: the newest job) down to `floor`. */
interface Segment {
  after?: string | undefined;
  /** createdAt it lists down to; none: the lookback's start (a sweep). */
  floor?: string | undefined;
  /** The jobs created since the top: listed first, every poll. */
  head: boolean;
}

/** What one segment came to this poll. */
interface SegmentRun {
  segment: Segment;
  /** Its place in the poll's listing. */
  order: number;
  /** The cursor each listed page was asked with, in order. */
  pageCursors: Array<string | undefined>;
  /** Stopped at the deadline: the cursor of the page it would have asked for next. Absent: it ran to its end. */
  stoppedAt?: { after: string | undefined };
  /** The newest createdAt listed. */
  newest?: string;
}

interface ScopeListing {
  key: string;
  companyId: string | undefined;
  checkpoint: ListingCheckpoint | undefined;
  planned: Segment[];
  sweptAt: string | undefined;
  runs: SegmentRun[];
  unordered: boolean;
  /** The scope's listing starts over next poll (Pleo refused a stored cursor, or too many segments piled up). */
  restart: boolean;
}

/**
 * What a scope lists this poll, in order: the jobs created since the newest it listed (down to that job), then
 * what earlier polls left (from Pleo's cursor), then, when one is due, a sweep of the whole lookback. Without a
 * checkpoint, one sweep from the newest job does it all.
 */
function plan(companyId: string | undefined, options: ListingOptions): ScopeListing {
  const key = companyId ?? ORGANISATION;
  const checkpoint = options.checkpoints[key];
  const listing = { key, companyId, checkpoint, runs: [], restart: false };
  const now = options.now.toISOString();
  if (checkpoint === undefined) {
    return { ...listing, planned: [{ head: true }], sweptAt: now, unordered: false };
  }
  const unordered = checkpoint.unordered ?? false;
  const planned: Segment[] = [
    // Where Pleo ignores the order, jobs created since can be on any page: only a sweep finds them.
    ...(unordered ? [] : [{ floor: checkpoint.top, head: true }]),
    ...checkpoint.segments.map((segment) => ({ ...segment, head: false })),
  ];
  let sweptAt = checkpoint.sweptAt;
  const sweeping = checkpoint.segments.some((segment) => segment.floor === undefined);
  const sweepDue =
    unordered || sweptAt === undefined || options.now.getTime() - Date.parse(sweptAt) >= options.sweepEveryMs;
  if (!sweeping && sweepDue) {
    // With nothing else left, the sweep lists from the newest job: the jobs created since come first all the same.
    if (checkpoint.segments.length === 0) planned.length = 0;
    planned.push({ head: false });
    sweptAt = now;
  }
  return { ...listing, planned, sweptAt, unordered };
}

/**
 * Lists the failed jobs no earlier poll handled, scope by scope, until the deadline: what was created since the
 * last poll first, down to the newest job it listed, so a backlog of any size drains over successive polls, each
 * going on from Pleo's cursor where the one before stopped, without paging again through what was listed. Every
 * scope's newest jobs come before any scope's older pages; a periodic sweep of the lookback, last, finds exports
 * that failed long after they started.
 */
export async function listNewJobs(scope: Scope, options: ListingOptions): Promise<NewJobs> {
  const seen = new Set<string>();
  const shared = new Map<string, string>();
  const found: Array<{ job: ExportJob; run: SegmentRun; page: number }> = [];
  const limit = createLimiter(options.concurrency);
  const lookups: Promise<void>[] = [];
  let lookupError: { error: unknown } | undefined;
  let runs = 0;
  let stopped = false;
  const scopes = scopesOf(scope.companyIds).map((companyId) => plan(companyId, options));

  /** Lists one segment until `untilMs` (a `performance.now()` time). */
  const listSegment = async (listing: ScopeListing, segment: Segment, untilMs: number) => {
    const timer = AbortSignal.timeout(Math.max(0, Math.ceil(untilMs - performance.now())));
    const signal = scope.signal ? AbortSignal.any([scope.signal, timer]) : timer;
    const run: SegmentRun = { segment, order: runs++, pageCursors: [] };
    listing.runs.push(run);
    let after = segment.after;
    const since = new Date(Math.max(options.horizon.getTime(), Date.parse(segment.floor ?? '') || 0));
    const stop = () => {
      run.stoppedAt = { after };
      stopped = true;
    };
    try {
      for await (const page of failedJobs(scope, listing.companyId, since, after, signal)) {
        if (lookupError) throw lookupError.error;
        run.pageCursors.push(after);
        after = page.next;
        listing.unordered ||= !page.newestFirst;
        lookups.push(lookUp(page.jobs, run));
        if (timer.aborted && after !== undefined) return stop();
      }
    } catch (error) {
      if (timer.aborted && !scope.signal?.aborted) return stop();
      // A cursor kept from an earlier poll that Pleo no longer takes: the pass starts over next poll.
      if (error instanceof PleoRequestError && segment.after !== undefined && run.pageCursors.length === 0) {
        scope.log.warn(
          'Pleo refused where the last poll stopped listing; the next poll lists from the start',
          {
            error: error.message,
          },
        );
        listing.restart = true;
        return;
      }
      throw error;
    }
  };

  /** Asks DynamoDB which of a page's jobs are new, while the next page loads. */
  const lookUp = (jobs: readonly ExportJob[], run: SegmentRun): Promise<void> => {
    const page = run.pageCursors.length - 1;
    // Pages can shift while we walk them: a job seen twice counts once.
    const fresh: ExportJob[] = [];
    for (const job of jobs) {
      if (run.newest === undefined || job.createdAt > run.newest) run.newest = job.createdAt;
      if (!ALERTING_STATUSES.includes(job.status as never) || seen.has(job.id)) continue;
      seen.add(job.id);
      fresh.push(essentials(job, shared));
    }
    if (fresh.length === 0) return Promise.resolve();
    return limit(async () => {
      const known = await scope.state.knownJobIds(fresh.map((job) => job.id));
      for (const job of fresh) {
        if (!known.has(job.id) && !options.inFlight.has(job.id)) found.push({ job, run, page });
      }
    }).catch((error: unknown) => {
      lookupError ??= { error };
    });
  };

  // The newest first: each scope's first segment, with an equal share of the time left, then the rest.
  const first = scopes.flatMap((listing) =>
    listing.planned.slice(0, 1).map((segment) => ({ listing, segment })),
  );
  const rest = scopes.flatMap((listing) => listing.planned.slice(1).map((segment) => ({ listing, segment })));
  for (const [index, { listing, segment }] of [...first, ...rest].entries()) {
    const left = options.deadline - performance.now();
    if (left <= 0) {
      stopped = true;
      break;
    }
    const share = index < first.length ? left / (first.length - index) : left;
    if (!listing.restart) await listSegment(listing, segment, performance.now() + share);
  }
  await Promise.all(lookups);
  if (lookupError) throw lookupError.error;
  if (stopped) {
    scope.log.warn('Listing time reached: the next poll goes on where this one stopped', {
      jobsSeen: seen.size,
    });
  }
  // Found out of order (lookups overlap): back in listing order, the newest first.
  found.sort((a, b) => a.run.order - b.run.order || a.page - b.page);
  return {
    jobsSeen: seen.size,
    newJobs: found.map((entry) => entry.job),
    stoppedEarly: stopped,
    checkpoints: (unhandled) => {
      const pins = new Map<SegmentRun, Pin>();
      for (const { job, run, page } of found) {
        if (!unhandled.has(job.id)) continue;
        const pin = pins.get(run);
        pins.set(run, {
          page: Math.min(page, pin?.page ?? page),
          oldest: pin && pin.oldest < job.createdAt ? pin.oldest : job.createdAt,
        });
      }
      const checkpoints: ListingCheckpoints = {};
      for (const listing of scopes) {
        const checkpoint = nextCheckpoint(listing, pins);
        if (checkpoint) checkpoints[listing.key] = checkpoint;
      }
      return checkpoints;
    },
  };
}

/** The jobs of a run left unhandled: the page of the first, and the createdAt of the oldest. */
interface Pin {
  page: number;
  oldest: string;
}

/** Where a scope's listing stands after this poll; undefined when it starts over. */
function nextCheckpoint(
  listing: ScopeListing,
  pins: ReadonlyMap<SegmentRun, Pin>,
): ListingCheckpoint | undefined {
  if (listing.restart) return undefined;
  let top = listing.checkpoint?.top;
  // A run from the newest job (not from a cursor) moves the top up to the newest it listed.
  const raise = (run: SegmentRun) => {
    if (run.segment.after !== undefined || run.newest === undefined) return;
    if (top === undefined || run.newest > top) top = run.newest;
  };
  const segments: ListingCheckpoint['segments'] = [];
  for (const run of listing.runs) {
    const { segment, stoppedAt } = run;
    const pin = pins.get(run);
    if (stoppedAt === undefined && pin === undefined) {
      raise(run);
      continue;
    }
    // Stopped before its first page came back: as it was (a head is listed again next poll anyway).
    if (run.pageCursors.length === 0) {
      if (!segment.head) segments.push(stored(segment.after, segment.floor));
      continue;
    }
    // From the page of the first job left unhandled down to the last, then the rest from where it stopped: only
    // those pages are listed again, however long a job waits.
    if (pin !== undefined) segments.push(stored(run.pageCursors[pin.page], pin.oldest));
    if (stoppedAt !== undefined) segments.push(stored(stoppedAt.after, segment.floor));
    raise(run);
  }
  const visited = new Set(listing.runs.map((run) => run.segment));
  for (const segment of listing.planned) {
    if (!segment.head && !visited.has(segment)) segments.push(stored(segment.after, segment.floor));
  }
  if (segments.length > MAX_SEGMENTS) return undefined;
  return {
    top,
    sweptAt: listing.sweptAt,
    segments,
    ...(listing.unordered ? { unordered: true } : {}),
  };
}

function stored(after: string | undefined, floor: string | undefined): ListingCheckpoint['segments'][number] {
  return { ...(after === undefined ? {} : { after }), ...(floor === undefined ? {} : { floor }) };
}

/**
 * A recent job whose items Pleo could not list for now (429s, 5xx, timeouts past the retry budget) waits for the
 * next poll, which asks again; an older one, or one whose items cannot be listed at all, is alerted under its own
 * reason: a coarse alert beats none. Kept well inside the shortest lookback, so a waiting job is still listed.
 */
const ITEMS_PATIENCE_MS = 6 * 3_600_000;

/** One listing of failed jobs; a refused organisation-wide one says what a multi-entity organisation needs. */
async function* failedJobs(
  scope: Scope,
  companyId: string | undefined,
  since: Date,
  after: string | undefined,
  signal: AbortSignal,
) {
  try {
    yield* scope.pleo.listJobs({ statuses: ALERTING_STATUSES, companyId, since, after, signal });
  } catch (error) {
    if (after !== undefined || companyId !== undefined || !(error instanceof PleoRequestError)) throw error;
    throw new OrganisationListingRefusedError(error);
  }
}

/**
 * Fetches the failed items of the jobs that need them. After `deadline` (a `performance.now()` time) no new
 * listing starts: those jobs are left out (returned as `deferred`) for the next poll, so a large backlog makes
 * progress in every invocation. So are recent jobs whose items Pleo could not list for now.
 */
export async function withFailedItems(
  scope: Scope,
  newJobs: readonly ExportJob[],
  { concurrency, deadline, now }: { concurrency: number; deadline: number; now: Date },
): Promise<{ failures: NewFailure[]; deferred: Set<string> }> {
  const failures: NewFailure[] = newJobs.map((job) => ({ job, failedItems: null }));
  const deferred = new Set<NewFailure>();
  let outOfTime = 0;
  await forEachLimited(
    failures.filter((failure) => needsItems(failure.job)),
    concurrency,
    async (failure) => {
      if (performance.now() >= deadline) {
        deferred.add(failure);
        outOfTime++;
        return;
      }
      try {
        const reasons: ItemReason[] = [];
        for await (const page of scope.pleo.listFailedItems(failure.job.id, scope.signal)) {
          foldItemReasons(reasons, page);
        }
        failure.failedItems = reasons;
      } catch (error) {
        if (error instanceof PleoCredentialsError || scope.signal?.aborted) throw error;
        const recent = Date.parse(failure.job.createdAt) > now.getTime() - ITEMS_PATIENCE_MS;
        if (error instanceof PleoUnavailableError && recent) {
          deferred.add(failure);
          scope.log.warn('Pleo could not list the failed items of a job for now; the next poll asks again', {
            jobId: failure.job.id,
            error: error.message,
          });
          return;
        }
        scope.log.warn('Could not fetch the failed items of a job; it is alerted under its own reason', {
          jobId: failure.job.id,
          error: String(error),
        });
      }
    },
  );
  if (outOfTime > 0) {
    scope.log.warn('Time budget reached: some new failures are left for the next poll', {
      deferred: outOfTime,
    });
  }
  return {
    failures: failures.filter((failure) => !deferred.has(failure)),
    deferred: new Set([...deferred].map((failure) => failure.job.id)),
  };
}

/**
 * The newest completed export of each company among `companyIds` created after `since`, listed until `until` fires;
 * `complete` says whether the listing got to its end.
 */
export async function latestCompletedExports(
  scope: Scope,
  companyIds: readonly string[],
  since: Date,
  until: AbortSignal,
): Promise<{ latest: Map<string, CompletedExport>; complete: boolean }> {
  const latest = new Map<string, CompletedExport>();
  const wanted = new Set(companyIds);
  if (wanted.size === 0) return { latest, complete: true };
  const signal = scope.signal ? AbortSignal.any([scope.signal, until]) : until;
  // Configured companies are listed one by one, only those that matter; otherwise one organisation-wide listing.
  const scopes = scope.companyIds.length > 0 ? scope.companyIds.filter((id) => wanted.has(id)) : [undefined];
  const list = async () => {
    for (const companyId of scopes) {
      for await (const page of scope.pleo.listJobs({ statuses: ['completed'], companyId, since, signal })) {
        for (const job of page.jobs) {
          const current = latest.get(job.companyId);
          if (job.status === 'completed' && (!current || job.createdAt > current.createdAt)) {
            latest.set(job.companyId, { jobId: job.id, createdAt: job.createdAt });
          }
        }
        if (until.aborted && page.next !== undefined) return false;
      }
    }
    return true;
  };
  const complete = await list().catch((error: unknown) => {
    if (!until.aborted || scope.signal?.aborted) throw error;
    return false;
  });
  if (!complete) {
    // What it found is true (each a completed export): it may only miss a later one, which delays a notice.
    scope.log.warn('Time budget reached while listing completed exports; the next poll lists them again');
  }
  return { latest, complete };
}

/**
 * Only what grouping and alerting read, with the values many jobs share (company, status, reason, Pleo's words)
 * kept once: JSON gives every job its own copy, and a poll of 100,000 jobs must fit the Lambda's memory.
 */
function essentials(job: ExportJob, shared: Map<string, string>): ExportJob {
  const once = <T extends string | null | undefined>(value: T): T => {
    if (typeof value !== 'string') return value;
    const kept = shared.get(value);
    if (kept !== undefined) return kept as T;
    shared.set(value, value);
    return value;
  };
  return {
    id: job.id,
    companyId: once(job.companyId),
    status: once(job.status),
    createdAt: job.createdAt,
    numberOfItems: job.numberOfItems,
    failureReasonType: once(job.failureReasonType),
    failureReason: once(job.failureReason),
  };
}

function scopesOf(companyIds: readonly string[]): Array<string | undefined> {
  return companyIds.length > 0 ? [...companyIds] : [undefined];
}
