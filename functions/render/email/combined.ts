// The email body of a combined message: one company's problems of one kind, the whole first, then a section per
// reason saying what the single message would have said.
import type { CombinedAlert } from '../../domain/alert.js';
import { describeReason } from '../../domain/reasons.js';
import { CURRENT_STATE_HEADING, combinedIntro, sectionLine, totalsParts } from '../combined-view.js';
import { capitalise, companyLabel, PLEO_EXPORT_URL, RESOLVED_WHAT_TO_DO } from '../text.js';
import type { EmailActions } from './actions.js';
import { failureSection } from './failure.js';
import { type BodyLimits, closing, companyLine, redeliveryNote } from './parts.js';

/** Jobs listed per section: the sections together should stay a mail one reads, the structured copy has them all. */
export const COMBINED_MAX_JOBS_PER_SECTION = 10;

export function combinedBody(message: CombinedAlert, limits: BodyLimits, actions?: EmailActions): string[] {
  const sectionLimits = { ...limits, maxJobs: Math.min(limits.maxJobs, COMBINED_MAX_JOBS_PER_SECTION) };
  const count = message.sections.length;
  const heading =
    message.combined === 'current-state' ? [`${CURRENT_STATE_HEADING}: ${companyLabel(message)}`, ''] : [];
  const lines = [...heading, combinedIntro(message), '', ...redeliveryNote(message)];
  lines.push(`Company:       ${companyLine(message)}`, `In total:      ${totalsParts(message).join(', ')}`);
  if (message.kind === 'resolved') lines.push(`What to do:    ${RESOLVED_WHAT_TO_DO}`);
  lines.push('', `Open the exports in Pleo: ${PLEO_EXPORT_URL}`, '', 'THE PROBLEMS', '');
  for (const [index, section] of message.sections.entries()) {
    lines.push(`  ${index + 1}. ${sectionLine(section)}`);
  }
  const told = message.sections.slice(0, limits.maxSections);
  if (told.length < count) {
    const which = told.length === 0 ? 'They are' : `Problems ${told.length + 1} to ${count} are`;
    lines.push(
      '',
      `${which} listed here by name only: telling each in full would make this email too large to be ` +
        'delivered. Open the exports in Pleo to see what failed and why.',
    );
  }
  for (const [index, section] of told.entries()) {
    const title = capitalise(describeReason(section.reason).title);
    lines.push('', `==== ${index + 1} of ${count}: ${title} ====`, '');
    lines.push(
      ...failureSection(section, describeReason(section.reason), sectionLimits, {
        offer: actions,
        messageId: message.alertId,
      }),
    );
  }
  return [...lines, ...closing(message)];
}
