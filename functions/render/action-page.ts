// The pages an email's action link opens: what the link would do, with the one button that does it (a GET never
// acts: mail scanners and link previews open links), what came of it, or why the link does nothing.
import { ACTIONS, type ActionName, type ActionTarget } from '../domain/actions.js';
import { describeReason } from '../domain/reasons.js';
import { formatUtc } from './text.js';

export interface Page {
  status: number;
  html: string;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

function page(status: number, title: string, paragraphs: string[], form = ''): Page {
  const body = paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.25rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
${form}</body></html>
`;
  return { status, html };
}

/** What the link would do, and the button that does it: a POST of the token to the same address. */
export function confirmationPage(
  action: ActionName,
  target: ActionTarget,
  token: string,
  path: string,
): Page {
  const problem = describeReason(target.reason).title;
  const what: Record<ActionName, string> = {
    ack: 'No more reminders about it until it fails again.',
    snooze: 'Its reminders wait a day.',
    mute: 'New failures of this kind at this company are recorded but not sent for 7 days.',
    retry:
      'The failed expenses are sent to the accounting system again, in a new export. Only once the cause is fixed: the same expenses would fail again.',
  };
  const form = `<form method="post" action="${escapeHtml(path)}"><input type="hidden" name="t" value="${escapeHtml(token)}"><button type="submit">${escapeHtml(ACTIONS[action].label)}</button></form>
`;
  return page(
    200,
    `${ACTIONS[action].label}: ${problem}?`,
    [
      `Company ${target.companyId}, problem: ${problem} (${target.reason}).`,
      what[action],
      'Nothing happens until you press the button.',
    ],
    form,
  );
}

/** What came of the action. */
export function outcomePage(done: boolean, sentence: string): Page {
  return page(done ? 200 : 409, done ? 'Done' : 'Not done', [sentence]);
}

/** Why a link does nothing: it was changed, it expired, or it was used. */
export function refusedLinkPage(
  problem: 'tampered' | 'expired' | 'used' | 'missing',
  expiredAt?: Date,
): Page {
  switch (problem) {
    case 'expired':
      return page(410, 'This link has expired', [
        `Action links work for 7 days${expiredAt ? `; this one ended ${formatUtc(expiredAt.toISOString())}` : ''}. Nothing was changed.`,
        'Use the links of a newer message, or the command line (npx pleo-export-alerts ack, snooze, mute).',
      ]);
    case 'used':
      return page(409, 'This link was used already', [
        'Each action link works once, and this one has been used. Nothing more was changed.',
      ]);
    default:
      return page(400, 'This link is not valid', [
        'The link is incomplete or was changed after it was sent. Nothing was changed.',
        'Copy the whole link from the email, or use the links of a newer message.',
      ]);
  }
}
