// Mute, acknowledge, snooze: the one code path the CLI, the actions Lambda and anything else take to say something
// about failure groups. Each checks the whole request first and writes once: a request it refuses changes nothing.
import { randomUUID } from 'node:crypto';
import { CATEGORIES, type Category } from '../contracts/message-attributes.js';
import type { Acknowledgement, Mute, Snooze } from '../domain/controls.js';
import { formatDuration, MAX_DURATION_MS } from '../domain/duration.js';
import type { FailureGroup } from '../domain/lifecycle.js';
import { KNOWN_REASONS } from '../domain/reasons.js';
import { ControlRequestError } from './errors.js';
import type { AlertHistory, CompanyDirectory, ControlStore } from './ports.js';

export interface ControlDeps {
  controls: ControlStore;
  history: Pick<AlertHistory, 'failureGroups'>;
  companies: CompanyDirectory;
  now: () => Date;
}

/** Who asks, and why: a comment is required for a mute, welcome for the others. */
export interface Requester {
  author: string;
  comment?: string | undefined;
}

export interface MuteRequest extends Requester {
  /** The company's id or configured name. */
  company: string;
  reason?: string | undefined;
  category?: string | undefined;
  durationMs: number;
}

/** Keeps a company's new failures (of a reason or category, or all) quiet for a while. */
export async function addMute(deps: ControlDeps, request: MuteRequest): Promise<Mute> {
  const comment = request.comment?.trim() ?? '';
  if (comment === '') throw new ControlRequestError('a mute needs a comment saying why');
  const duration = checkedDuration(request.durationMs);
  const groups = await deps.history.failureGroups();
  const company = await findCompany(deps, groups, request.company);
  const reason = request.reason === undefined ? null : checkedReason(request.reason, groups);
  const category = request.category === undefined ? null : checkedCategory(request.category);
  const now = deps.now();
  const mute: Mute = {
    id: randomUUID().slice(0, 8),
    companyId: company.id,
    reason,
    category,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + duration).toISOString(),
    comment,
    author: checkedAuthor(request.author),
    mutedExports: 0,
  };
  await deps.controls.addMute(mute);
  return mute;
}

/** Ends a mute now. */
export async function expireMute(deps: Pick<ControlDeps, 'controls' | 'now'>, id: string): Promise<Mute> {
  const ended = await deps.controls.expireMute(id.trim(), deps.now());
  if (!ended) throw new ControlRequestError(`no mute in force has the id "${id}"`);
  return ended;
}

export interface GroupRequest extends Requester {
  company: string;
  reason: string;
}

/** Stops an open group's reminders until it fails again. */
export async function acknowledge(deps: ControlDeps, request: GroupRequest): Promise<Acknowledgement> {
  const group = await openGroup(deps, request);
  const ack: Acknowledgement = {
    companyId: group.companyId,
    reason: group.reason,
    at: deps.now().toISOString(),
    author: checkedAuthor(request.author),
    comment: request.comment?.trim() || null,
    groupOpenedAt: group.openedAt,
    groupExports: group.totals.jobs,
  };
  await deps.controls.acknowledge(ack);
  return ack;
}

/** Delays an open group's reminders for a while. */
export async function snooze(
  deps: ControlDeps,
  request: GroupRequest & { durationMs: number },
): Promise<Snooze> {
  const duration = checkedDuration(request.durationMs);
  const group = await openGroup(deps, request);
  const now = deps.now();
  const snoozed: Snooze = {
    companyId: group.companyId,
    reason: group.reason,
    at: now.toISOString(),
    until: new Date(now.getTime() + duration).toISOString(),
    author: checkedAuthor(request.author),
    comment: request.comment?.trim() || null,
  };
  await deps.controls.snooze(snoozed);
  return snoozed;
}

/** The open group a request names, or a ControlRequestError saying what does not match. */
export async function openGroup(deps: ControlDeps, request: GroupRequest): Promise<FailureGroup> {
  const groups = await deps.history.failureGroups();
  const company = await findCompany(deps, groups, request.company);
  const reason = checkedReason(request.reason, groups);
  const group = groups.find(
    (candidate) =>
      candidate.state === 'open' && candidate.companyId === company.id && candidate.reason === reason,
  );
  if (!group) {
    throw new ControlRequestError(`${company.name ?? company.id} has no open failure group for ${reason}`);
  }
  return group;
}

/**
 * A company by id or configured name (case aside), among those configured and those seen failing. An id the
 * alerter has not seen is taken as given when it is a whole UUID (polling a whole organisation, any company can
 * fail next); a name must be known.
 */
export async function findCompany(
  deps: Pick<ControlDeps, 'companies'>,
  groups: readonly FailureGroup[],
  given: string,
): Promise<{ id: string; name: string | null }> {
  const wanted = given.trim();
  const known = new Map<string, string | null>();
  for (const group of groups) known.set(group.companyId, group.companyName);
  for (const company of await deps.companies.companies())
    known.set(company.id, company.name ?? known.get(company.id) ?? null);
  if (known.has(wanted)) return { id: wanted, name: known.get(wanted) ?? null };
  const byName = [...known].filter(([, name]) => name?.toLowerCase() === wanted.toLowerCase());
  if (byName.length > 1)
    throw new ControlRequestError(`more than one company is named "${wanted}": give its id`);
  const [named] = byName;
  if (named) return { id: named[0], name: named[1] };
  if (UUID.test(wanted)) return { id: wanted.toLowerCase(), name: null };
  throw new ControlRequestError(`no company has the id or name "${wanted}"`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A reason Pleo's API documents, or one a group of this alerter holds (Pleo adds reasons over time). */
function checkedReason(reason: string, groups: readonly FailureGroup[]): string {
  const code = reason.trim();
  if (KNOWN_REASONS.includes(code) || groups.some((group) => group.reason === code)) return code;
  throw new ControlRequestError(
    `unknown reason "${reason}": give Pleo's reason code, e.g. missing_configuration`,
  );
}

function checkedCategory(category: string): Category {
  const value = category.trim();
  if ((CATEGORIES as readonly string[]).includes(value)) return value as Category;
  throw new ControlRequestError(`unknown category "${category}": one of ${CATEGORIES.join(', ')}`);
}

function checkedDuration(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new ControlRequestError('the duration must be above 0');
  if (ms > MAX_DURATION_MS) {
    throw new ControlRequestError(`a duration lasts at most ${formatDuration(MAX_DURATION_MS)}`);
  }
  return ms;
}

function checkedAuthor(author: string): string {
  const name = author.trim();
  if (name === '') throw new ControlRequestError('the author must not be empty');
  return name.slice(0, 200);
}
