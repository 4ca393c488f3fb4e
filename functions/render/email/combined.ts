// The email body of a combined message: one company's problems of one kind, the whole first, then a section per
// reason saying what the single message would have said.
import type { CombinedAlert } from '../../domain/alert.js';
import { describeReason } from '../../domain/reasons.js';
import { CURRENT_STATE_HEADING, combinedJobsPhrase, problemsPhrase, sectionLine } from '../combined-view.js';
import {
  capitalise,
  companyLabel,
  failedItemsPhrase,
  PLEO_EXPORT_URL,
  plural,
  RESOLVED_WHAT_TO_DO,
} from '../text.js';
import { failureSection } from './failure.js';
import { type BodyLimits, closing, companyLine, redeliveryNote } from './parts.js';

/** Jobs listed per section: the sections together should stay a mail one reads, the structured copy has them all. */
export const COMBINED_MAX_JOBS_PER_SECTION = 10;

const RULE = '='.repeat(72);

export function combinedBody(message: CombinedAlert, limits: BodyLimits): string[] {
  const sectionLimits = { ...limits, maxJobs: Math.min(limits.maxJobs, COMBINED_MAX_JOBS_PER_SECTION) };
  const count = message.sections.length;
  const lines = [...intro(message), '', ...redeliveryNote(message)];
  lines.push(`Company:       ${companyLine(message)}`, `In total:      ${totalsText(message)}`);
  if (message.kind === 'resolved') lines.push(`What to do:    ${RESOLVED_WHAT_TO_DO}`);
  lines.push('', `Open the exports in Pleo: ${PLEO_EXPORT_URL}`, '', 'THE PROBLEMS', '');
  for (const [index, section] of message.sections.entries()) {
    lines.push(`  ${index + 1}. ${sectionLine(section)}`);
  }
  for (const [index, section] of message.sections.entries()) {
    lines.push(
      '',
      RULE,
      `${index + 1} of ${count}: ${capitalise(describeReason(section.reason).title)}`,
      RULE,
      '',
    );
    lines.push(...failureSection(section, describeReason(section.reason), sectionLimits));
  }
  return [...lines, ...closing(message)];
}

function intro(message: CombinedAlert): string[] {
  const company = companyLabel(message);
  const problems = problemsPhrase(message);
  const jobs = message.totals.jobs > 0 ? ` (${combinedJobsPhrase(message)})` : '';
  if (message.combined === 'current-state') {
    return [
      `${CURRENT_STATE_HEADING}: ${company}`,
      '',
      `The alerter has started watching the exports of ${company} and found ${problems} open${jobs}, as far back ` +
        'as it looks. This is the state it found, not news: from now on each problem is followed on its own ' +
        '(reminders while it is open, a notice when it is resolved), and new failures are alerted as they come.',
    ];
  }
  switch (message.kind) {
    case 'resolved':
      return [`Resolved: a later export for ${company} went through, so ${problems} look fixed.`];
    case 'reminder':
      return [
        `Reminder: ${problems} of ${company} are still not fixed${jobs}. They come in one message rather than ` +
          `${message.sections.length}; each is below with who acts and what to do.`,
      ];
    default:
      return [
        `${problems} with the exports from Pleo to the accounting system for ${company}${jobs}. They come in one ` +
          `message rather than ${message.sections.length}; each is below with who acts and what to do.`,
      ];
  }
}

/** '12 exports, 144 expenses, 36 failed expenses': every export once. */
function totalsText(message: CombinedAlert): string {
  const { jobs, items } = message.totals;
  const failed = failedItemsPhrase(message.totals, 'failed expense');
  return `${plural(jobs, 'export')}, ${plural(items, 'expense')}${failed ? `, ${failed}` : '; Pleo did not say how many of them failed'}`;
}
