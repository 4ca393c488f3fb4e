// Renders a message as a plain-text email that reads well in any mail client: subject here, body per kind.
import { type Alert, type CombinedAlert, isCombined, type Message } from '../../domain/alert.js';
import { describeReason } from '../../domain/reasons.js';
import { combinedHeadline, headlineWith } from '../combined-view.js';
import { briefHeadline, headline, messageType, namesCompany } from '../headline.js';
import { companyLabel, oneLine } from '../text.js';
import type { EmailActions } from './actions.js';
import { combinedBody } from './combined.js';
import { digestBody } from './digest.js';
import { failureBody } from './failure.js';
import { incidentBody } from './incident.js';
import type { BodyLimits } from './parts.js';
import { testBody } from './test.js';

export interface EmailMessage {
  subject: string;
  body: string;
}

export interface EmailOptions {
  /** Jobs listed in full; the rest are counted. */
  maxJobs?: number;
  /** Characters of Pleo's failure text shown per job. */
  maxReasonChars?: number;
  /** Lines of each digest list (open, resolved) shown; the rest are counted. */
  maxDigestLines?: number;
  /** Sections of a combined message told in full; the others are only listed by name. */
  maxSections?: number;
}

export const EMAIL_DEFAULTS: Required<EmailOptions> = {
  maxJobs: 50,
  maxReasonChars: 500,
  maxDigestLines: 100,
  maxSections: Number.POSITIVE_INFINITY,
};

/** SNS (and mail clients) want subjects under 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;
const MIN_COMPANY_IN_SUBJECT = 20;

/** Pure: the same message always renders to the same email; with `actions`, open problems carry links. */
export function renderEmail(
  message: Message,
  options: EmailOptions = {},
  actions?: EmailActions,
): EmailMessage {
  const limits: BodyLimits = { ...EMAIL_DEFAULTS, ...options };
  if (isCombined(message)) {
    return {
      subject: combinedSubject(message),
      body: `${combinedBody(message, limits, actions).join('\n')}\n`,
    };
  }
  return { subject: renderSubject(message), body: `${renderBody(message, limits, actions).join('\n')}\n` };
}

function renderBody(alert: Alert, limits: BodyLimits, actions: EmailActions | undefined): string[] {
  switch (messageType(alert)) {
    case 'digest':
      return digestBody(alert, limits.maxDigestLines);
    case 'incident':
      return incidentBody(alert, describeReason(alert.reason));
    case 'failure':
      return failureBody(alert, describeReason(alert.reason), limits, actions);
    case 'test':
      return testBody(alert);
  }
}

function renderSubject(alert: Alert): string {
  const head = `[Pleo export] ${toAscii(headline(alert))}`;
  if (!namesCompany(alert)) return shorten(head, MAX_SUBJECT_LENGTH);
  const company = subjectCompany(alert);
  const full = `${head} (${company})`;
  if (full.length <= MAX_SUBJECT_LENGTH) return full;
  // Too long: first the count goes (the body has it), so that the reason is not cut.
  const brief = `[Pleo export] ${toAscii(briefHeadline(alert))} (${company})`;
  if (brief.length <= MAX_SUBJECT_LENGTH) return brief;
  // Still too long (a long company name or reason): the company keeps what the headline leaves, but at least a
  // recognisable start; then the headline is cut.
  const companyRoom = Math.max(MIN_COMPANY_IN_SUBJECT, MAX_SUBJECT_LENGTH - head.length - ' ()'.length);
  const companyPart = ` (${shorten(company, companyRoom)})`;
  return shorten(head, MAX_SUBJECT_LENGTH - companyPart.length) + companyPart;
}

/**
 * '[Pleo export] Acme ApS: 7 export problems (12 failed exports)'. Too long: the count goes first (the body has
 * it), then the company is shortened to what the rest leaves (keeping a recognisable start), then the whole.
 */
function combinedSubject(message: CombinedAlert): string {
  const parts = combinedHeadline(message);
  const company = subjectCompany(message);
  const subject = (shown: string, withCount: boolean) =>
    `[Pleo export] ${toAscii(headlineWith(parts, shown, withCount))}`;
  const full = subject(company, true);
  if (full.length <= MAX_SUBJECT_LENGTH) return full;
  const brief = subject(company, false);
  if (brief.length <= MAX_SUBJECT_LENGTH) return brief;
  const companyRoom = Math.max(MIN_COMPANY_IN_SUBJECT, MAX_SUBJECT_LENGTH - subject('', false).length);
  return shorten(subject(shorten(company, companyRoom), false), MAX_SUBJECT_LENGTH);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The company as a subject can show it: its name in ASCII, or, where there is no name or ASCII leaves little of
 * it (a name in another script), 'company 3f1c2a4e': a full UUID would crowd out the reason, the body has it.
 */
function subjectCompany(alert: Pick<Message, 'companyId' | 'companyName'>): string {
  const ascii = toAscii(companyLabel(alert));
  const unreadable = (ascii.match(/\?/g)?.length ?? 0) > (ascii.match(/[a-z0-9]/gi)?.length ?? 0);
  const named = alert.companyName !== null && alert.companyName.trim() !== '';
  if (named && !unreadable) return ascii;
  const id = toAscii(alert.companyId);
  return UUID.test(id) ? `company ${id.slice(0, 8)}` : ascii;
}

// Letters NFKD cannot take apart into ASCII plus accents, or that are spelt out rather than stripped.
const TRANSLITERATION: Record<string, string> = {
  // Danish and Norwegian spell these out this way when they must: Søn becomes Soen, not Son.
  ø: 'oe',
  Ø: 'Oe',
  æ: 'ae',
  Æ: 'AE',
  å: 'aa',
  Å: 'Aa',
  ß: 'ss',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'Th',
  ð: 'd',
  Ð: 'D',
  œ: 'oe',
  Œ: 'OE',
  ı: 'i',
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '→': '->',
};

/** Subject-safe text: printable ASCII only (SNS rejects anything else), one line. */
export function toAscii(text: string): string {
  return oneLine(text)
    .replace(/[^\x20-\x7e]/gu, (char) => TRANSLITERATION[char] ?? char)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/gu, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3)).trimEnd()}...`;
}
