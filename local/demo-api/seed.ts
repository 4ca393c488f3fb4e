// Deterministic demo data: a small realistic data set for `npm start`, large ones for tests and benchmarks.
import { ACCOUNTING_SYSTEMS, type AccountingSystem, itemFailureTexts, jobFailureTexts } from './reasons.js';
import { createRng, type Rng, uuidFromText } from './rng.js';
import { type Company, DemoStore, type ItemGroup, type JobInput } from './store.js';
import {
  type ExportJob,
  type ExportJobStatus,
  ITEM_FAILURE_REASON_TYPES,
  type ItemFailureReasonType,
  JOB_FAILURE_REASON_TYPES,
  type JobFailureReasonType,
} from './types.js';

export const DEMO_COMPANIES: readonly Company[] = [
  { id: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e01', name: 'Acme ApS' },
  { id: '7a9e4b12-3c5d-4e6f-8a1b-2c3d4e5f6a02', name: 'Nordlys AB' },
  { id: 'b2d4f6a8-1c3e-4a5b-9c7d-8e9f0a1b2c03', name: 'Bergmann GmbH' },
  { id: 'c4e6a8b0-2d4f-4b6c-8d9e-0f1a2b3c4d04', name: 'Thistle & Finch Ltd' },
  { id: 'e6a8c0d2-4f6b-4d8e-a0b1-c2d3e4f5a605', name: 'Skovgaard & Søn A/S' },
];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EXPIRES_IN_SECONDS = 3600;

const LEGAL_FORMS: ReadonlyArray<{ suffix: string; names: string[]; systems: AccountingSystem[] }> = [
  {
    suffix: 'ApS',
    names: ['Acme', 'Nordhavn', 'Lindholm', 'Bryggen', 'Havblik', 'Egely'],
    systems: [ACCOUNTING_SYSTEMS.economic, ACCOUNTING_SYSTEMS.dinero],
  },
  {
    suffix: 'A/S',
    names: ['Skovgaard & Søn', 'Vesterby', 'Kronborg'],
    systems: [ACCOUNTING_SYSTEMS.economic],
  },
  {
    suffix: 'AB',
    names: ['Nordlys', 'Fjällström', 'Solberga', 'Lindqvist', 'Ekdal'],
    systems: [ACCOUNTING_SYSTEMS.fortnox],
  },
  {
    suffix: 'GmbH',
    names: ['Bergmann', 'Hoffmann', 'Rheinblick', 'Schwarzwald', 'Weber'],
    systems: [ACCOUNTING_SYSTEMS.datev],
  },
  {
    suffix: 'Ltd',
    names: ['Thistle & Finch', 'Kestrel', 'Harbour Lane', 'Ashworth', 'Penrose'],
    systems: [ACCOUNTING_SYSTEMS.xero, ACCOUNTING_SYSTEMS.quickbooks],
  },
  { suffix: 'AS', names: ['Fjordbyen', 'Nordkapp', 'Vestland'], systems: [ACCOUNTING_SYSTEMS.tripletex] },
];
const TRADES = [
  'Consulting',
  'Logistik',
  'Design',
  'Byg',
  'Foods',
  'Media',
  'Digital',
  'Trading',
  'Studio',
  'Partners',
];

/** What a generated job needs to know about its company; derived from the company alone, so never stored. */
interface CompanyProfile {
  company: Company;
  system: AccountingSystem;
  users: string[];
  vendorBasedBookkeeping: boolean;
}

function profileOf(company: Company): CompanyProfile {
  const hash = Number.parseInt(uuidFromText(company.id).slice(0, 8), 16);
  const form = LEGAL_FORMS.find((candidate) => company.name.endsWith(` ${candidate.suffix}`));
  const systems = form?.systems ?? Object.values(ACCOUNTING_SYSTEMS);
  return {
    company,
    system: systems[hash % systems.length] as AccountingSystem,
    users: [0, 1, 2].map((n) => uuidFromText(`${company.id}:user:${n}`)),
    vendorBasedBookkeeping: hash % 3 === 0,
  };
}

/** ISO 8601 in UTC with milliseconds, as Java's Instant is serialised; kept as is, it is one flat string. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const ITEM_TYPES: ReadonlySet<string> = new Set(ITEM_FAILURE_REASON_TYPES);

function isItemType(type: JobFailureReasonType): type is JobFailureReasonType & ItemFailureReasonType {
  return ITEM_TYPES.has(type);
}

/** `count` failed items split into up to `maxGroups` runs, each with a reason type from `nextType`. */
function failedItems(
  rng: Rng,
  system: AccountingSystem,
  count: number,
  maxGroups: number,
  nextType: () => ItemFailureReasonType,
): ItemGroup[] {
  const groups: ItemGroup[] = [];
  let left = count;
  const groupCount = Math.min(count, maxGroups);
  for (let g = 0; g < groupCount; g++) {
    const size = g === groupCount - 1 ? left : rng.int(1, left - (groupCount - 1 - g));
    left -= size;
    const type = nextType();
    groups.push({
      status: 'failed',
      count: size,
      failureReasonType: type,
      failureReason: rng.pick(itemFailureTexts(type, system)),
    });
  }
  return groups;
}

interface JobPlan {
  status: ExportJobStatus;
  /** When the job reached its current status. */
  endMs: number;
  reasonType?: JobFailureReasonType | null;
  items: ItemGroup[];
}

/** A job with a consistent timeline ending at `endMs` (completion, expiry or last update). */
function buildJob(rng: Rng, profile: CompanyProfile, plan: JobPlan): JobInput {
  const expired = plan.reasonType === 'job_expired';
  const startedMs = expired
    ? plan.endMs - EXPIRES_IN_SECONDS * SECOND
    : plan.endMs - rng.int(5, 300) * SECOND;
  const createdMs =
    plan.status === 'pending' ? plan.endMs : startedMs - rng.int(1, 20) * SECOND - rng.int(0, 999);
  const terminal = plan.status !== 'pending' && plan.status !== 'in_progress';
  const interactive = rng.chance(0.85);
  const reasonType = plan.reasonType ?? null;
  const createdAt = iso(createdMs);
  // One string for the dates that coincide: large data sets hold hundreds of thousands of them.
  const endedAt = plan.status === 'pending' ? createdAt : iso(plan.endMs);
  return {
    id: rng.uuid(),
    companyId: profile.company.id,
    status: plan.status,
    createdAt,
    createdBy: interactive ? rng.pick(profile.users) : null,
    startedAt: plan.status === 'pending' ? null : iso(startedMs),
    lastUpdatedAt: endedAt,
    completedAt: terminal && !expired ? endedAt : null,
    expiredAt: expired ? endedAt : null,
    expiresIn: EXPIRES_IN_SECONDS,
    failureReasonType: reasonType,
    failureReason: reasonType ? rng.pick(jobFailureTexts(reasonType, profile.system)) : null,
    isInteractive: interactive,
    vendorBasedBookkeeping: profile.vendorBasedBookkeeping,
    items: plan.items,
  };
}

interface FailureOptions {
  failedItemsRange: readonly [number, number];
  maxItemGroups: number;
  nextItemType: () => ItemFailureReasonType;
}

/** Items of a failed job: the job's own reason on a few items when items share it, else reasons per item. */
function failedJobItems(
  rng: Rng,
  profile: CompanyProfile,
  reasonType: JobFailureReasonType | null,
  options: FailureOptions,
) {
  if (reasonType === null) {
    const failed = rng.int(...options.failedItemsRange);
    const groups = failedItems(rng, profile.system, failed, options.maxItemGroups, options.nextItemType);
    const abandoned = rng.int(0, 20);
    return abandoned > 0 ? [...groups, { status: 'abandoned' as const, count: abandoned }] : groups;
  }
  const total = rng.int(1, 40);
  if (!isItemType(reasonType)) return [{ status: 'abandoned' as const, count: total }];
  const failed = rng.int(1, Math.min(total, 5));
  const groups: ItemGroup[] = [
    {
      status: 'failed',
      count: failed,
      failureReasonType: reasonType,
      failureReason: rng.pick(itemFailureTexts(reasonType, profile.system)),
    },
  ];
  return failed < total ? [...groups, { status: 'abandoned' as const, count: total - failed }] : groups;
}

function completedWithErrorsItems(rng: Rng, profile: CompanyProfile, options: FailureOptions): ItemGroup[] {
  const failed = rng.int(...options.failedItemsRange);
  return [
    ...failedItems(rng, profile.system, failed, options.maxItemGroups, options.nextItemType),
    { status: 'successful', count: rng.int(1, 60) },
  ];
}

function failureJob(
  rng: Rng,
  profile: CompanyProfile,
  endMs: number,
  failure:
    | { status: 'failed'; reasonType: JobFailureReasonType | null }
    | { status: 'completed_with_errors' },
  options: FailureOptions,
): JobInput {
  if (failure.status === 'completed_with_errors') {
    return buildJob(rng, profile, {
      status: failure.status,
      endMs,
      items: completedWithErrorsItems(rng, profile, options),
    });
  }
  const items = failedJobItems(rng, profile, failure.reasonType, options);
  return buildJob(rng, profile, { status: 'failed', endMs, reasonType: failure.reasonType, items });
}

function completedJob(rng: Rng, profile: CompanyProfile, endMs: number): JobInput {
  return buildJob(rng, profile, {
    status: 'completed',
    endMs,
    items: [{ status: 'successful', count: rng.int(1, 80) }],
  });
}

function roundRobin<T>(values: readonly T[]): () => T {
  let next = 0;
  return () => values[next++ % values.length] as T;
}

/**
 * A small, realistic data set: five companies; every job failure reason type at least once; failed jobs without a
 * reason whose items carry the causes; completed_with_errors jobs using every item failure reason type; plenty of
 * completed jobs, all before the failures began; one pending and one running job. Every date lies within the 10
 * days before `now`.
 */
export function demoSeed(options: { now?: Date; seed?: number } = {}): DemoStore {
  const now = (options.now ?? new Date()).getTime();
  const rng = createRng(options.seed ?? 2024);
  const store = new DemoStore();
  const profiles = DEMO_COMPANIES.map((company) => profileOf(store.addCompany(company)));
  const profile = (index: number): CompanyProfile => profiles[index % profiles.length] as CompanyProfile;
  // Ends at least an hour ago so an expired job's hour-long timeline still starts within the window. The story:
  // exports went well for days, then problems began in the last four days and are not fixed yet.
  const pastEnd = (): number => now - rng.int(HOUR, 4 * DAY);
  const earlierEnd = (): number => now - rng.int(4 * DAY + HOUR, 10 * DAY - 2 * HOUR);
  const failure: FailureOptions = {
    failedItemsRange: [2, 6],
    maxItemGroups: 2,
    nextItemType: roundRobin(ITEM_FAILURE_REASON_TYPES),
  };

  JOB_FAILURE_REASON_TYPES.forEach((reasonType, i) => {
    store.addJob(failureJob(rng, profile(i), pastEnd(), { status: 'failed', reasonType }, failure));
  });
  // Repeats of the common causes, so some alerts group several jobs of one company.
  const repeats: Array<[number, JobFailureReasonType]> = [
    [0, 'invalid_configuration'],
    [0, 'invalid_configuration'],
    [1, 'missing_configuration'],
    [2, 'validation_failure'],
    [3, 'accounting_system_authentication_failure'],
  ];
  for (const [company, reasonType] of repeats) {
    store.addJob(failureJob(rng, profile(company), pastEnd(), { status: 'failed', reasonType }, failure));
  }
  for (const company of [1, 2, 4]) {
    store.addJob(
      failureJob(rng, profile(company), pastEnd(), { status: 'failed', reasonType: null }, failure),
    );
  }
  for (let i = 0; i < 7; i++) {
    store.addJob(failureJob(rng, profile(i), pastEnd(), { status: 'completed_with_errors' }, failure));
  }
  for (let i = 0; i < 60; i++) store.addJob(completedJob(rng, profile(i), earlierEnd()));
  store.addJob(
    buildJob(rng, profile(0), {
      status: 'in_progress',
      endMs: now - 2 * MINUTE,
      items: [{ status: 'pending', count: 12 }],
    }),
  );
  store.addJob(
    buildJob(rng, profile(1), {
      status: 'pending',
      endMs: now - 30 * SECOND,
      items: [{ status: 'pending', count: 4 }],
    }),
  );
  return store;
}

export interface DatasetOptions {
  companies?: number;
  /** Jobs that need an alert: failed plus completed_with_errors. */
  failedJobs?: number;
  /** The share of `failedJobs` that are completed_with_errors. */
  completedWithErrorsShare?: number;
  /** How many failed items a completed_with_errors job (or a failed job without a reason) has. */
  failedItemsRange?: readonly [number, number];
  completedJobs?: number;
  now?: Date;
  seed?: number;
  /** Jobs end within this many days before `now`. */
  spanDays?: number;
}

/**
 * A large data set for tests and benchmarks. Failed jobs cycle through every failure reason type and null; the
 * completed_with_errors jobs are spread evenly among them; items draw from every item failure reason type.
 */
export function generateDataset(options: DatasetOptions = {}): DemoStore {
  const {
    companies = 200,
    failedJobs = 100_000,
    completedWithErrorsShare = 0.2,
    failedItemsRange = [1, 50],
    completedJobs = 0,
    seed = 1,
    spanDays = 30,
  } = options;
  const [minFailedItems, maxFailedItems] = failedItemsRange;
  if (minFailedItems < 1 || maxFailedItems < minFailedItems) {
    throw new Error(
      `failedItemsRange must be [min, max] with 1 <= min <= max, got [${failedItemsRange.join(', ')}]`,
    );
  }
  const now = (options.now ?? new Date()).getTime();
  const rng = createRng(seed);
  const store = new DemoStore();
  const profiles = generateCompanies(rng, companies).map((company) => profileOf(store.addCompany(company)));
  const endMs = (): number => now - rng.int(HOUR, spanDays * DAY);
  const failure: FailureOptions = {
    failedItemsRange,
    maxItemGroups: 3,
    nextItemType: () => rng.pick(ITEM_FAILURE_REASON_TYPES),
  };
  const reasonSlots = [...JOB_FAILURE_REASON_TYPES, null];
  let failedCount = 0;
  for (let i = 0; i < failedJobs; i++) {
    // Exactly floor(failedJobs * share) completed_with_errors jobs, evenly interleaved with the failed ones.
    const withErrors =
      Math.floor((i + 1) * completedWithErrorsShare) > Math.floor(i * completedWithErrorsShare);
    const kind = withErrors
      ? ({ status: 'completed_with_errors' } as const)
      : ({ status: 'failed', reasonType: reasonSlots[failedCount++ % reasonSlots.length] ?? null } as const);
    store.addJob(failureJob(rng, rng.pick(profiles), endMs(), kind, failure));
  }
  for (let i = 0; i < completedJobs; i++) store.addJob(completedJob(rng, rng.pick(profiles), endMs()));
  return store;
}

function generateCompanies(rng: Rng, count: number): Company[] {
  const used = new Set<string>();
  const companies: Company[] = [];
  for (let i = 0; i < count; i++) {
    const form = rng.pick(LEGAL_FORMS);
    const base = `${rng.pick(form.names)} ${rng.pick(TRADES)}`;
    let name = `${base} ${form.suffix}`;
    for (let n = 2; used.has(name); n++) name = `${base} ${n} ${form.suffix}`;
    used.add(name);
    companies.push({ id: rng.uuid(), name });
  }
  return companies;
}

/**
 * Adds one new failed (70%) or completed_with_errors job, finishing at `now`, for a random company of the store:
 * how new failures appear over time. Deterministic for a given store size.
 */
export function randomNewFailure(store: DemoStore, now: Date = new Date()): ExportJob {
  const companies = store.companies();
  if (companies.length === 0) throw new Error('The store has no companies to add a failure for');
  const rng = createRng(Math.imul(store.jobCount + 1, 2654435761) ^ 0x5eed);
  const profile = profileOf(rng.pick(companies));
  const failure: FailureOptions = {
    failedItemsRange: [1, 8],
    maxItemGroups: 2,
    nextItemType: () => rng.pick(ITEM_FAILURE_REASON_TYPES),
  };
  const kind = rng.chance(0.3)
    ? ({ status: 'completed_with_errors' } as const)
    : ({ status: 'failed', reasonType: rng.pick([...JOB_FAILURE_REASON_TYPES, null]) } as const);
  const job = failureJob(rng, profile, now.getTime(), kind, failure);
  while (job.id === undefined || store.getJob(job.id)) job.id = rng.uuid();
  return store.addJob(job);
}

/**
 * Adds one `completed` export, finishing at `now`, for a random company that has failures (else any company):
 * how problems get fixed over time, so that a watching poller sees resolved notices.
 */
export function randomCompletedExport(store: DemoStore, now: Date = new Date()): ExportJob {
  const companies = store.companies();
  if (companies.length === 0) throw new Error('The store has no companies to add an export for');
  const failing = companies.filter(
    (company) =>
      store.listJobs({ companyId: company.id, statuses: ['failed', 'completed_with_errors'] }).length > 0,
  );
  const rng = createRng(Math.imul(store.jobCount + 7, 2246822519) ^ 0xd0e);
  const job = completedJob(rng, profileOf(rng.pick(failing.length > 0 ? failing : companies)), now.getTime());
  while (job.id === undefined || store.getJob(job.id)) job.id = rng.uuid();
  return store.addJob(job);
}
