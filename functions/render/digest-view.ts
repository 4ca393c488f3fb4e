// The daily digest as readers see it: the day's open and resolved groups, by company, in plain words.
import type { Alert, Digest, DigestLine, MutedLine } from '../domain/alert.js';
import { isIncident } from '../domain/incidents.js';
import { describeReason } from '../domain/reasons.js';
import {
  cap,
  companyLabel,
  failedItemsPhrase,
  formatUtc,
  oneLine,
  plural,
  since,
  timeBetween,
} from './text.js';

/** The digest an alert carries; a digest message without one reads as an empty day. */
export function digestOf(alert: Alert): Digest {
  return (
    alert.digest ?? {
      date: alert.detectedAt.slice(0, 10),
      timeZone: 'UTC',
      open: [],
      resolvedSinceYesterday: [],
    }
  );
}

/** 'Daily digest 2026-11-28: 4 open, 2 resolved', or '…: nothing open' on a quiet day. */
export function digestHeadline(digest: Digest): string {
  const date = cap(oneLine(digest.date), 20);
  const { open, resolvedSinceYesterday: resolved } = digest;
  if (open.length === 0 && resolved.length === 0) return `Daily digest ${date}: nothing open`;
  return `Daily digest ${date}: ${open.length} open, ${resolved.length} resolved`;
}

export interface CompanyLines {
  companyId: string;
  /** Configured name, else id: untrusted, one line, bounded. */
  label: string;
  lines: DigestLine[];
}

/** Lines by company, companies in the order they first appear (the digest is sorted by company name). */
function byCompany(lines: readonly DigestLine[]): CompanyLines[] {
  const companies = new Map<string, CompanyLines>();
  for (const line of lines) {
    let company = companies.get(line.companyId);
    if (company === undefined) {
      company = { companyId: line.companyId, label: companyLabel(line), lines: [] };
      companies.set(line.companyId, company);
    }
    company.lines.push(line);
  }
  return [...companies.values()];
}

export interface ShownList {
  /** The first lines of the list, by company. */
  companies: CompanyLines[];
  /** Lines of the list left out. */
  more: number;
}

/**
 * At most `max` lines in all, by company: the open ones first, with a fifth of the room kept for the resolved
 * ones (when there are that many) and room either list leaves unused going to the other.
 */
export function shownLines(digest: Digest, max: number): { open: ShownList; resolved: ShownList } {
  const { open, resolvedSinceYesterday: resolved } = digest;
  const openShown = Math.min(open.length, max - Math.min(resolved.length, Math.floor(max / 5)));
  const resolvedShown = Math.min(resolved.length, max - openShown);
  const list = (lines: readonly DigestLine[], shown: number): ShownList => ({
    companies: byCompany(lines.slice(0, shown)),
    more: lines.length - shown,
  });
  return { open: list(open, openShown), resolved: list(resolved, resolvedShown) };
}

/**
 * One group in plain text (untrusted: the reason title may quote an unknown reason), e.g.
 * 'missing configuration: 3 exports, 9 failed expenses; open since 2026-11-26 09:00 UTC (2 days)'.
 * `at` is when the digest was made.
 */
export function lineText(line: DigestLine, at: string): string {
  const title = describeReason(line.reason).title;
  const counts = isIncident(line)
    ? 'a problem of the alerter itself'
    : `${plural(line.jobs, 'export')}, ${failedItemsPhrase(line, 'failed expense') || 'failed expenses not counted by Pleo'}`;
  if (line.resolvedAt === undefined) return `${title}: ${counts}; open since ${since(line.openedAt, at)}`;
  const span = timeBetween(line.openedAt, line.resolvedAt);
  const open = `open ${formatUtc(line.openedAt)} to ${formatUtc(line.resolvedAt)}`;
  return `${title}: ${counts}; ${span ? `${open} (${span})` : open}`;
}

/** The lines about a company's exports: the alerter's own problems are listed too, but are neither. */
export function exportLines(lines: readonly DigestLine[]): DigestLine[] {
  return lines.filter((line) => !isIncident(line));
}

/** '4 problems open at 3 companies and 1 problem of the alerter itself; 2 resolved since yesterday.' */
export function digestSummary(digest: Digest): string {
  const { open, resolvedSinceYesterday: resolved } = digest;
  if (open.length === 0 && resolved.length === 0) {
    return 'Nothing is open: no export problem is waiting to be fixed, and none was resolved since yesterday.';
  }
  const failures = exportLines(open);
  const own = open.length - failures.length;
  const alerter = own > 0 ? `${plural(own, 'problem')} of the alerter itself` : '';
  const companies = new Set(failures.map((line) => line.companyId)).size;
  const openText =
    open.length === 0
      ? 'Nothing is open'
      : failures.length === 0
        ? `Open: ${alerter}`
        : `${plural(failures.length, 'problem')} open at ${plural(companies, 'company', 'companies')}${alerter && ` and ${alerter}`}`;
  const quiet = (digest.muted ?? []).reduce((sum, line) => sum + line.exports, 0);
  const muted = quiet > 0 ? `; ${plural(quiet, 'failed export')} muted` : '';
  return `${openText}; ${resolved.length} resolved since yesterday${muted}.`;
}

/** Mutes shown at most: each names a company, and there are seldom many. */
const MAX_MUTED_SHOWN = 10;

/**
 * The mutes in force, a line each, untrusted (escape for Slack): 'Acme ApS, invalid configuration: 2 failed
 * exports kept quiet, until 2026-11-27 08:00 UTC'; then how many more.
 */
export function mutedLines(digest: Digest): string[] {
  const muted = digest.muted ?? [];
  const line = (mute: MutedLine) => {
    const what = mute.reason
      ? describeReason(mute.reason).title
      : mute.category
        ? `${mute.category} reasons`
        : 'every reason';
    return `${companyLabel(mute)}, ${what}: ${plural(mute.exports, 'failed export')} kept quiet, until ${formatUtc(mute.until)}`;
  };
  const more = muted.length - MAX_MUTED_SHOWN;
  return [
    ...muted.slice(0, MAX_MUTED_SHOWN).map(line),
    ...(more > 0 ? [`… and ${plural(more, 'more mute')}`] : []),
  ];
}
