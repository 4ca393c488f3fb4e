// The actions endpoint, as plain HTTP: Slack's clicks (POST /slack/actions) and the emails' links (GET
// /email/actions shows what a link would do, POST does it). The Lambda behind the Function URL and `npm start`'s
// local server both hand it their requests, so a click or a link is checked and acted on by this code wherever it
// arrives.
import {
  parseSlackClick,
  SLACK_REQUEST_WINDOW_SECONDS,
  verifySlackRequest,
} from '../../adapters/slack/interaction.js';
import type { SlackPost } from '../../adapters/slack/webhook.js';
import { type ActionDeps, applyAction } from '../../app/actions.js';
import type { Log, OnceLedger } from '../../app/ports.js';
import { readButton } from '../../contracts/action-button.js';
import { EMAIL_ACTIONS_PATH, verifyActionToken } from '../../contracts/action-token.js';
import type { ActionTarget } from '../../domain/actions.js';
import { outcomeSentence } from '../../render/action-outcome.js';
import { confirmationPage, outcomePage, type Page, refusedLinkPage } from '../../render/action-page.js';
import { actedMessage } from '../../render/slack/actions.js';
import { escapeMrkdwn } from '../../render/slack/mrkdwn.js';

/** Slack's interactivity Request URL is this path of the endpoint. */
export const SLACK_ACTIONS_PATH = '/slack/actions';

export interface HttpRequest {
  method: string;
  /** The path alone, without the query. */
  path: string;
  /** The query string, without its `?`. */
  query: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as it arrived: Slack's signature covers its bytes. */
  rawBody: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ActionsEndpointDeps {
  /** The Slack app's signing secret; undefined while none is configured (or its secret is empty). */
  slackSigningSecret: () => Promise<string | undefined>;
  /** The one Slack workspace whose clicks are acted on. */
  slackTeamId: string | undefined;
  /** The key the emails' links are signed with; undefined while none is configured. */
  emailLinkKey: () => Promise<string | undefined>;
  /** Refuses a Slack request seen before, and an email link used before. */
  once: OnceLedger;
  /** What acting needs for a button's or link's connection: its groups, the controls, Pleo for a retry. */
  controls: (target: ActionTarget) => ActionDeps;
  /** Replaces (or answers) the message a button was in, through the click's response_url. */
  updateMessage: (responseUrl: string, post: SlackPost, replaceOriginal: boolean) => Promise<void>;
  log: Log;
  now: () => Date;
  /** The time Slack's request timestamps are checked against. */
  slackNow: () => Date;
}

export function createActionsEndpoint(
  deps: ActionsEndpointDeps,
): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    if (request.path === EMAIL_ACTIONS_PATH) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        return html(await emailLink(deps, new URLSearchParams(request.query).get('t'), false));
      }
      if (request.method === 'POST') {
        const form = new URLSearchParams(request.rawBody.toString('utf8'));
        return html(await emailLink(deps, form.get('t'), true));
      }
      return plain(405, 'Only GET and POST', { allow: 'GET, POST' });
    }
    if (request.path !== SLACK_ACTIONS_PATH) return plain(404, 'Not found');
    if (request.method !== 'POST') return plain(405, 'Only POST', { allow: 'POST' });
    return slackClick(deps, request);
  };
}

/**
 * An email's link: the token checked (signature, expiry), then whether it was used. Opening it (`act` false) only
 * shows what it would do; the page's button posts it back (`act` true), and that acts, once.
 */
async function emailLink(deps: ActionsEndpointDeps, token: string | null, act: boolean): Promise<Page> {
  const key = await deps.emailLinkKey();
  if (key === undefined) {
    deps.log.error('An email link arrived, but no email link key is set');
    return { ...refusedLinkPage('missing'), status: 503 };
  }
  if (token === null || token === '') return refusedLinkPage('missing');
  const verdict = verifyActionToken(token, key, deps.now());
  if (!verdict.ok) {
    deps.log.warn('Refused an email link', { problem: verdict.problem });
    return refusedLinkPage(verdict.problem);
  }
  const { grant, tokenId } = verdict;
  const { action, expiresAt, ...target } = grant;
  const useKey = `email#${tokenId}`;
  if (!act) {
    return (await deps.once.used(useKey))
      ? refusedLinkPage('used')
      : confirmationPage(action, target, token, EMAIL_ACTIONS_PATH);
  }
  if (!(await deps.once.use(useKey, expiresAt))) {
    deps.log.warn('Refused an email link used before');
    return refusedLinkPage('used');
  }
  const who = 'a reader of the email';
  try {
    const outcome = await applyAction(deps.controls(target), {
      action,
      target,
      author: `${who} (link)`,
      via: 'email',
    });
    deps.log.info('Acted on an email link', { ...target, action, outcome });
    return outcomePage(outcome.done, outcomeSentence(outcome, who));
  } catch (error) {
    await deps.once.forget(useKey).catch(() => {});
    deps.log.error('Could not act on an email link', { action, error });
    return {
      status: 500,
      html: outcomePage(
        false,
        'Could not act on the link just now; nothing was changed. Try again in a minute.',
      ).html,
    };
  }
}

/**
 * Slack's signature first, before the body is even read; then the workspace, then once only. Any refusal changes
 * nothing. A click done or refused by the controls is told in the message; Slack only needs a 200 within 3 s.
 */
async function slackClick(deps: ActionsEndpointDeps, request: HttpRequest): Promise<HttpResponse> {
  const secret = await deps.slackSigningSecret();
  if (secret === undefined) {
    deps.log.error('A Slack click arrived, but no Slack signing secret is set: put it in its secret');
    return plain(503, 'Slack actions are not set up');
  }
  const verdict = verifySlackRequest(request, secret, deps.slackNow());
  if (!verdict.ok) {
    deps.log.warn('Refused a request that Slack did not sign', { problem: verdict.problem });
    return plain(401, 'Not signed by Slack');
  }
  const parsed = parseSlackClick(request.rawBody);
  if (!parsed.ok) {
    deps.log.warn('Refused a Slack request that is not a button click', { problem: parsed.problem });
    return plain(400, 'Not a button click');
  }
  const { click } = parsed;
  if (click.teamId !== deps.slackTeamId) {
    deps.log.warn('Refused a click from another Slack workspace', { teamId: click.teamId });
    return plain(403, 'Not from the Slack workspace this alerter answers');
  }
  const requestKey = `slack#${verdict.requestId}`;
  const keepUntil = new Date((verdict.timestamp + SLACK_REQUEST_WINDOW_SECONDS) * 1000);
  if (!(await deps.once.use(requestKey, keepUntil))) {
    deps.log.warn('Refused a Slack request seen before (a replay)');
    return plain(401, 'Seen before');
  }
  const asked = readButton(click.actionId, click.value);
  if (asked === undefined) {
    deps.log.warn('Refused a click on a button the alerter did not make', { actionId: click.actionId });
    return plain(400, 'Not a button of this alerter');
  }
  const who = `@${click.userName}`;
  let outcome: Awaited<ReturnType<typeof applyAction>>;
  try {
    outcome = await applyAction(deps.controls(asked.target), {
      ...asked,
      author: `${who} (Slack ${click.userId})`,
      via: 'Slack',
    });
  } catch (error) {
    // Nothing was done: the same request may be tried again.
    await deps.once.forget(requestKey).catch(() => {});
    deps.log.error('Could not act on a Slack click', { action: asked.action, error });
    return plain(500, 'Could not act on the click; try again');
  }
  deps.log.info('Acted on a Slack click', { ...asked.target, action: asked.action, outcome });
  if (click.responseUrl !== undefined) {
    const update = actedMessage(click.message, click.blockId, {
      done: outcome.done,
      text: escapeMrkdwn(outcomeSentence(outcome, who)),
    });
    try {
      await deps.updateMessage(click.responseUrl, update, update.replaceOriginal);
    } catch (error) {
      // Done all the same: the message just does not say so yet.
      deps.log.warn('Could not update the Slack message after a click', { error });
    }
  }
  return plain(200, '');
}

/** A page that no cache keeps, no other site frames, and that sends no Referer (its address holds the token). */
function html(page: Page): HttpResponse {
  return {
    status: page.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    },
    body: page.html,
  };
}

function plain(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}
