// A combined message as readers see it: whose problems, how many, and the headline shared by the email subject and
// the Slack header. Each section is worded by the single message's own renderer.
import { type CombinedAlert, reasonsOf } from '../domain/alert.js';
import { describeReason } from '../domain/reasons.js';
import { capitalise, companyLabel, failedItemsPhrase, jobsPhrase, plural } from './text.js';

/**
 * The headline in parts, so that a short space can drop the count first and then shorten the company:
 * `${lead}${company}: ${what} (${count})`, e.g. 'Acme ApS: 7 export problems (12 failed exports)',
 * 'Reminder for Acme ApS: 7 export problems still open (12 failed exports)'. Untrusted: escape it.
 */
export interface CombinedHeadline {
  lead: string;
  what: string;
  /** '' when there is nothing to count. */
  count: string;
}

export function combinedHeadline(message: CombinedAlert): CombinedHeadline {
  const problems = problemsPhrase(message);
  const count = message.totals.jobs > 0 ? combinedJobsPhrase(message) : '';
  if (message.combined === 'current-state') {
    return { lead: '', what: `${problems} open when watching began`, count };
  }
  switch (message.kind) {
    case 'resolved':
      return { lead: 'Resolved for ', what: problems, count: '' };
    case 'reminder':
      return { lead: 'Reminder for ', what: `${problems} still open`, count };
    default:
      return { lead: '', what: problems, count };
  }
}

/** The headline with `company` put in. */
export function headlineWith(parts: CombinedHeadline, company: string, withCount = true): string {
  const count = withCount && parts.count ? ` (${parts.count})` : '';
  return `${parts.lead}${company}: ${parts.what}${count}`;
}

/** '7 export problems': one per failure reason. */
export function problemsPhrase(message: CombinedAlert): string {
  return plural(reasonsOf(message).length, 'export problem');
}

/** '12 failed exports' over the whole message, each export once. */
export function combinedJobsPhrase(message: CombinedAlert): string {
  return jobsPhrase({ totals: message.totals, jobs: message.sections.flatMap((section) => section.jobs) });
}

/** The heading of a current-state message, and of nothing else. */
export const CURRENT_STATE_HEADING = 'Open export problems when watching began';

/** What the message is, in a sentence or two that name the company: untrusted, escape it. */
export function combinedIntro(message: CombinedAlert): string {
  const company = companyLabel(message);
  const problems = problemsPhrase(message);
  const jobs = message.totals.jobs > 0 ? ` (${combinedJobsPhrase(message)})` : '';
  const count = `in one message rather than ${message.sections.length}.`;
  if (message.combined === 'current-state') {
    return (
      `The alerter has started watching the exports of ${company} and found ${problems} open${jobs}. This is ` +
      'the state it found, not news: from now on each is followed on its own (reminders while open, a notice ' +
      'when resolved), and new failures are alerted as they come.'
    );
  }
  switch (message.kind) {
    case 'resolved':
      return `Resolved: a later export for ${company} went through, so ${problems} look fixed.`;
    case 'reminder':
      return `Reminder: ${problems} of ${company} are still not fixed${jobs}, ${count}`;
    default:
      return `${problems} with the exports from Pleo to the accounting system for ${company}${jobs}, ${count}`;
  }
}

/** '12 exports', '144 expenses', '36 failed expenses': the message's totals, every export once. */
export function totalsParts(message: CombinedAlert): string[] {
  const { jobs, items } = message.totals;
  const failed = failedItemsPhrase(message.totals, 'failed expense');
  return [plural(jobs, 'export'), plural(items, 'expense'), failed || 'failed expenses not counted by Pleo'];
}

/** 'Missing configuration: 3 failed exports': a section in one line, for a table of contents. */
export function sectionLine(section: CombinedAlert['sections'][number]): string {
  const title = capitalise(describeReason(section.reason).title);
  return section.totals.jobs > 0 ? `${title}: ${jobsPhrase(section)}` : title;
}
